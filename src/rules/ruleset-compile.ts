// Compiles a validated casemix-ruleset/1 document into flat typed tables and condition bytecode.
// The grouper (TypeScript reference and Wasm core) reads only these tables; it never sees the JSON.
import {
  ADRG_KIND_AMBIGUITY, ADRG_KIND_MEDICAL, ADRG_KIND_NON_OR, ADRG_KIND_SURGICAL, ALWAYS, CMP_EQ, CMP_GE, CMP_GT, CMP_LE, CMP_LT,
  CMP_NE, DIP_CLASSES, DIP_KIND_COMPREHENSIVE, DIP_KIND_CORE, DIP_KIND_NONE, FIELD_AGE_DAYS, FIELD_AGE_YEARS, FIELD_ALL_DX,
  FIELD_ALL_PROCS, FIELD_BIRTH_WEIGHT_G, FIELD_DEPARTMENT, FIELD_DISCHARGE_STATUS, FIELD_DX_COUNT, FIELD_ICU_HOURS, FIELD_LOS, FIELD_OTHER_PROCS,
  FIELD_PRINCIPAL_DX, FIELD_PRINCIPAL_PROC, FIELD_PROC_COUNT, FIELD_SECONDARY_DX, FIELD_SEX, FLAG_RETRY_EACH_OTHER_PROC,
  LIST_SPACE_DX, LIST_SPACE_PROC, NULL_TEST_GIVEN, NULL_TEST_MISSING, NULL_TEST_NEVER, OP_ANY_IN, OP_CMP, OP_CMP_FIELD,
  OP_CMP_NULL, OP_END, OP_FALSE, OP_HAS_CC, OP_HAS_MCC, OP_HITS, OP_IN_PDX, OP_IN_PPROC, OP_JF, OP_JT, OP_NOT, OP_ONE_OF, OP_PRESENT,
  OP_TRUE, SEVERITY_CC, SEVERITY_MCC, SEVERITY_NOT_CC, STEP_ADRG, STEP_AMBIGUITY,
} from '../../assembly/rule-codes.ts';
import {
  DEFAULT_FAIL_DRG_CODE, DIP_CATEGORY_LENGTH, OR_PROCEDURES_LIST, REASON_CODES, TEXT_VALUE_FIELD, adrgKindOf, adrgOfRow, fieldCodeSpace,
  type AdrgKind, type CmpOp, type Condition, type ListRef, type NumberField, type CodeField, type CodeListField, type Problem, type Ruleset,
} from './ruleset-format.ts';
import { MAX_CONDITION_DEPTH, tooDeepMessage, validateRuleset } from './ruleset-validate.ts';

export const COMPILED_FORMAT = 'casemix-compiled/1';

// The numbers of the tables and bytecode are declared once, in assembly/rule-codes.ts (the core inlines them);
// these are re-exported for the modules that already read them from here.
export { ALWAYS, DIP_CLASSES, NO_CODE, STEP_ADRG, STEP_AMBIGUITY, UNKNOWN_CODE } from '../../assembly/rule-codes.ts';

// ----- bytecode --------------------------------------------------------------------------------------
// One accumulator, no stack: `and` = child, JF end, child, JF end, …; `or` likewise with JT. A jump
// lands with the accumulator holding the value of the whole and/or, so nesting needs no stack and
// evaluation short-circuits. Every program ends with OP.END; operands follow their opcode (rule-codes.ts).
export const OP = {
  END: OP_END, TRUE: OP_TRUE, FALSE: OP_FALSE, NOT: OP_NOT, JF: OP_JF, JT: OP_JT, IN_PDX: OP_IN_PDX, IN_PPROC: OP_IN_PPROC,
  ANY_IN: OP_ANY_IN, CMP: OP_CMP, CMP_NULL: OP_CMP_NULL, CMP_FIELD: OP_CMP_FIELD, PRESENT: OP_PRESENT, HITS: OP_HITS,
  HAS_MCC: OP_HAS_MCC, HAS_CC: OP_HAS_CC, ONE_OF: OP_ONE_OF,
} as const;
/** Opcode → name (OP is in opcode order). */
export const OP_NAMES: readonly string[] = Object.keys(OP);

/** Case fields by name; FIELD_NAMES is id → name (FIELD is in id order). */
export const FIELD: Readonly<Record<NumberField | CodeField | CodeListField, number>> = {
  age_years: FIELD_AGE_YEARS, age_days: FIELD_AGE_DAYS, birth_weight_g: FIELD_BIRTH_WEIGHT_G, sex: FIELD_SEX, los: FIELD_LOS,
  discharge_status: FIELD_DISCHARGE_STATUS, dx_count: FIELD_DX_COUNT, proc_count: FIELD_PROC_COUNT,
  icu_hours: FIELD_ICU_HOURS, department: FIELD_DEPARTMENT,
  principal_dx: FIELD_PRINCIPAL_DX, principal_proc: FIELD_PRINCIPAL_PROC,
  all_dx: FIELD_ALL_DX, secondary_dx: FIELD_SECONDARY_DX, all_procs: FIELD_ALL_PROCS, other_procs: FIELD_OTHER_PROCS,
};
export const FIELD_NAMES: readonly string[] = Object.keys(FIELD);
export const CMP_OP_CODE: Readonly<Record<CmpOp, number>> = { '==': CMP_EQ, '!=': CMP_NE, '<': CMP_LT, '<=': CMP_LE, '>': CMP_GT, '>=': CMP_GE };
/** Comparison op code → op (CMP_OP_CODE is in code order). */
export const CMP_OP_NAMES: readonly CmpOp[] = Object.keys(CMP_OP_CODE) as CmpOp[];

/** ADRG kinds (adrgKind column). */
export const ADRG_KIND: Readonly<Record<AdrgKind | 'ambiguity', number>> = {
  surgical: ADRG_KIND_SURGICAL, non_or: ADRG_KIND_NON_OR, medical: ADRG_KIND_MEDICAL, ambiguity: ADRG_KIND_AMBIGUITY,
};

/** The compiled ruleset: flat typed arrays for the core, plus a string table kept off the hot path. */
export interface CompiledRuleset {
  format: typeof COMPILED_FORMAT;
  meta: Ruleset['meta'];
  /** Default parameters a scenario starts from (§10), as the ruleset gives them. */
  parameters: NonNullable<Ruleset['parameters']>;
  /** id → code / name. Used to encode case codes and to print results, never while grouping. */
  strings: {
    dxCodes: string[];
    dxNames: string[];
    procCodes: string[];
    procNames: string[];
    mdcCodes: string[];
    mdcNames: string[];
    adrgCodes: string[];
    adrgNames: string[];
    /** Per ADRG row (entry id): its code as written; `AH1_2` for an alternative entry of AH1. */
    entryCodes: string[];
    /** Department value ids 1… (FIELD_DEPARTMENT): the normalised texts the conditions name; 0 = any other. */
    departments: string[];
    drgCodes: string[];
    drgNames: string[];
    listNames: string[];
    exclusionTables: string[];
    checkNotes: string[];
    /** DIP diagnosis keys (`K80.1`), categories (`K80`), catalog procedures, and per DIP group a
     * code (`K80.1|51.23+51.41`, `K80.1|` conservative, `K80|3` comprehensive) and a name. */
    dipKeys: string[];
    dipCategories: string[];
    dipProcs: string[];
    dipGroupCodes: string[];
    dipGroupNames: string[];
  };
  /** Normalised input code → id, with dx_map/proc_map already applied. Used once per distinct code. */
  dxLookup: Map<string, number>;
  procLookup: Map<string, number>;
  dxFallbackLengths: number[];
  procFallbackLengths: number[];
  /** DIP diagnosis key (normalised, e.g. `K80.1`) → DIP key id; read by the DIP key encoder (src/rules/dip-encoding.ts). */
  dipKeyLookup: Map<string, number>;
  /** The DRG codes printed for an ungrouped case: no MDC took it (ungroupable), or its MDC no ADRG (mdcOnly). */
  failCodes: { ungroupable: string; mdcOnly: string };
  tables: CompiledTables;
}

export interface CompiledTables {
  /** Per dx id: 1 MCC, 3 CC, 0 neither; exclusion-table ids (-1 none). */
  dxSeverity: Uint8Array;
  dxCcExclusion: Int32Array;
  dxPrincipalExclusion: Int32Array;
  /** Per proc id: valid OR procedure; DIP class (-1 unknown). */
  procIsOr: Uint8Array;
  procDipClass: Int8Array;
  /** Lists: sorted unique ids in listIds[listStart[l] .. listEnd[l]); listSpace 0 dx, 1 proc. */
  listStart: Int32Array;
  listEnd: Int32Array;
  listSpace: Uint8Array;
  listIds: Int32Array;
  /** All condition programs, concatenated. */
  prog: Int32Array;
  checkWhen: Int32Array;
  checkReason: Uint8Array;
  mdcGuard: Int32Array;
  mdcStepStart: Int32Array;
  mdcStepEnd: Int32Array;
  stepKind: Uint8Array;
  /** ADRG id (adrg step: the case's ADRG when it matches) or DRG id (ambiguity step). */
  stepTarget: Int32Array;
  stepWhen: Int32Array;
  /** ADRG row (entry id) an adrg step tries, -1 for an ambiguity step. Entry = ADRG id unless the ruleset
   * writes an ADRG as several alternative entries (`adrg` on a row). */
  stepEntry: Int32Array;
  /** Per entry id (ADRG row, document order): condition, splits, fallback and the ADRG it defines. */
  adrgWhen: Int32Array;
  adrgSplitStart: Int32Array;
  adrgSplitEnd: Int32Array;
  /** DRG id, or -1: no split matched → the entry did not match. */
  adrgFallback: Int32Array;
  entryAdrg: Int32Array;
  /** Per ADRG id. */
  adrgKind: Uint8Array;
  splitWhen: Int32Array;
  splitDrg: Int32Array;
  drgAdrg: Int32Array;
  drgWeight: Float64Array;
  drgMeanLos: Float64Array;
  drgMeanCost: Float64Array;
  /** 1 for the ambiguity groups (xQY). */
  drgAmbiguous: Uint8Array;
  /** [retry_each_other_procedure ? 1 : 0] */
  flags: Int32Array;

  // ----- DIP (§4); see docs/ruleset-format.md "DIP grouping" -----
  /** Per dx id: its DIP category id (the code's first DIP_CATEGORY_LENGTH characters), -1 when shorter. */
  dxDipCategory: Int32Array;
  /** Per proc id: the catalog procedure it stands for (its code, else its first fallback prefix the
   * catalog uses), -1 when no catalog entry can hold it. */
  procDipProc: Int32Array;
  /** Per DIP key id (strings.dipKeys): its core combinations dipKeyCore[dipKeyCoreStart[k] .. dipKeyCoreEnd[k]). */
  dipKeyCoreStart: Int32Array;
  dipKeyCoreEnd: Int32Array;
  dipKeyCore: Int32Array;
  /** Per core combination (catalog order): its sorted unique DIP procedure ids dipCoreProcs[start .. end). */
  dipCoreProcStart: Int32Array;
  dipCoreProcEnd: Int32Array;
  dipCoreProcs: Int32Array;
  /** Per DIP category id × 4 + highest procedure class: its comprehensive group's DIP group id, -1 none. */
  dipCategoryGroup: Int32Array;
  /** Per DIP group id: core combinations first (id = catalog index), then comprehensive groups in
   * document order. Kind 1 core, 2 comprehensive; score and mean cost NaN when not given. */
  dipGroupKind: Uint8Array;
  dipGroupScore: Float64Array;
  dipGroupMeanCost: Float64Array;
}

/** DIP group kinds by name (dipGroupKind and the grouper's kind column); in code order. */
export const DIP_KIND = { none: DIP_KIND_NONE, core: DIP_KIND_CORE, comprehensive: DIP_KIND_COMPREHENSIVE } as const;

/** Thrown by compileRuleset when the document has problems; carries all of them. */
export class RulesetProblems extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    super(`ruleset refused: ${problems.length} problem(s); first: ${problems[0]?.message ?? ''}`);
    this.problems = problems;
  }
}

/** The normal form of a code before lookup (domain §1): trimmed, upper case. */
export function normaliseCode(code: string): string {
  return code.trim().toUpperCase();
}

/** Validates, then compiles; problems come back as values. */
export function tryCompileRuleset(json: unknown): { compiled: CompiledRuleset; problems: [] } | { compiled: null; problems: Problem[] } {
  const problems = validateRuleset(json);
  if (problems.length > 0) return { compiled: null, problems };
  return { compiled: compileValid(json as Ruleset), problems: [] };
}

/** Compiles a ruleset; throws RulesetProblems when it does not validate (a bad ruleset is refused whole). */
export function compileRuleset(ruleset: Ruleset): CompiledRuleset {
  const problems = validateRuleset(ruleset);
  if (problems.length > 0) throw new RulesetProblems(problems);
  return compileValid(ruleset);
}

class CodeSpace {
  readonly ids = new Map<string, number>();
  readonly codes: string[] = [];
  readonly names: string[] = [];
  id(code: string): number {
    const c = normaliseCode(code);
    let id = this.ids.get(c);
    if (id === undefined) {
      id = this.codes.length;
      this.ids.set(c, id);
      this.codes.push(c);
      this.names.push('');
    }
    return id;
  }
}

function compileValid(rs: Ruleset): CompiledRuleset {
  const dict = compileDictionaries(rs);
  // Conditions compile in document order (ADRGs, MDCs, checks): list ids and new code ids follow first use.
  const programs = new ProgramWriter(rs, dict.dx, dict.proc);
  const groups = compileAdrgs(rs, programs);
  const steps = compileMdcs(rs, programs, groups);
  const checks = rs.checks ?? [];
  const checkWhen = checks.map((c) => programs.program(c.when));
  const checkReason = checks.map((c) => REASON_CODES[c.reason]);
  // After the conditions: a map target unknown to the dictionary gets its id here.
  const lookups = compileLookups(rs, dict.dx, dict.proc);
  const lists = programs.listTables();
  const fail = rs.fail_drg_codes ?? {};
  const procFallbackLengths = rs.code_matching?.proc?.fallback_lengths ?? [];
  const dip = compileDip(rs, dict.dx.codes, dict.proc.codes, procFallbackLengths);

  return {
    format: COMPILED_FORMAT,
    meta: rs.meta,
    parameters: rs.parameters ?? {},
    strings: {
      dxCodes: dict.dx.codes, dxNames: dict.dx.names, procCodes: dict.proc.codes, procNames: dict.proc.names,
      mdcCodes: rs.mdcs.map((m) => m.code), mdcNames: rs.mdcs.map((m) => m.name ?? ''),
      adrgCodes: groups.adrgCodes, adrgNames: groups.adrgNames, drgCodes: groups.drgCodes, drgNames: groups.drgNames,
      entryCodes: rs.adrgs.map((a) => a.code), departments: programs.departments,
      listNames: lists.names, exclusionTables: dict.exclusionTables,
      checkNotes: checks.map((c) => c.note ?? ''),
      ...dip.strings,
    },
    dxLookup: lookups.dx,
    procLookup: lookups.proc,
    dxFallbackLengths: rs.code_matching?.dx?.fallback_lengths ?? [],
    procFallbackLengths,
    dipKeyLookup: dip.keyLookup,
    failCodes: { ungroupable: fail.ungroupable ?? DEFAULT_FAIL_DRG_CODE, mdcOnly: fail.mdc_only ?? DEFAULT_FAIL_DRG_CODE },
    tables: {
      ...dictionaryTables(dict),
      listStart: lists.start, listEnd: lists.end, listSpace: lists.space, listIds: lists.ids,
      prog: Int32Array.from(programs.prog),
      checkWhen: Int32Array.from(checkWhen),
      checkReason: Uint8Array.from(checkReason),
      ...steps,
      ...groups.tables(),
      flags: flagsOf(rs),
      ...dip.tables,
    },
  };
}

/** The dictionaries as code spaces (ids in dictionary order) with their per-code columns, still growable. */
interface Dictionaries {
  dx: CodeSpace;
  proc: CodeSpace;
  dxSeverity: number[];
  dxCcExclusion: number[];
  dxPrincipalExclusion: number[];
  procIsOr: number[];
  procDipClass: number[];
  /** Exclusion-table id → its number as the ruleset writes it. */
  exclusionTables: string[];
}

function compileDictionaries(rs: Ruleset): Dictionaries {
  const d: Dictionaries = {
    dx: new CodeSpace(), proc: new CodeSpace(),
    dxSeverity: [], dxCcExclusion: [], dxPrincipalExclusion: [], procIsOr: [], procDipClass: [], exclusionTables: [],
  };
  const exclusionIds = new Map<string, number>();
  const exclusionId = (t: string | undefined): number => {
    if (t === undefined || t === '') return -1;
    let id = exclusionIds.get(t);
    if (id === undefined) exclusionIds.set(t, (id = exclusionIds.size));
    return id;
  };
  for (const e of rs.diagnoses ?? []) {
    const id = d.dx.id(e.code);
    if (e.name) d.dx.names[id] = e.name;
    d.dxSeverity[id] = e.cc === 'mcc' ? SEVERITY_MCC : e.cc === 'cc' ? SEVERITY_CC : SEVERITY_NOT_CC;
    d.dxCcExclusion[id] = exclusionId(e.cc_exclusion);
    d.dxPrincipalExclusion[id] = exclusionId(e.principal_exclusion);
  }
  for (const p of rs.procedures ?? []) {
    const id = d.proc.id(p.code);
    if (p.name) d.proc.names[id] = p.name;
    d.procIsOr[id] = p.or ? 1 : 0;
    d.procDipClass[id] = p.dip_class ?? -1;
  }
  for (const [t, id] of exclusionIds) d.exclusionTables[id] = t;
  return d;
}

/** The per-code tables, one entry per id of each space (codes only lists or maps name get the defaults). */
function dictionaryTables(d: Dictionaries): Pick<CompiledTables, 'dxSeverity' | 'dxCcExclusion' | 'dxPrincipalExclusion' | 'procIsOr' | 'procDipClass'> {
  const fill = (n: number, src: number[], dflt: number) => Array.from({ length: n }, (_, i) => src[i] ?? dflt);
  const nDx = d.dx.codes.length;
  const nProc = d.proc.codes.length;
  return {
    dxSeverity: Uint8Array.from(fill(nDx, d.dxSeverity, SEVERITY_NOT_CC)),
    dxCcExclusion: Int32Array.from(fill(nDx, d.dxCcExclusion, -1)),
    dxPrincipalExclusion: Int32Array.from(fill(nDx, d.dxPrincipalExclusion, -1)),
    procIsOr: Uint8Array.from(fill(nProc, d.procIsOr, 0)),
    procDipClass: Int8Array.from(fill(nProc, d.procDipClass, -1)),
  };
}

/** Normalised input code → id. Maps are applied once: a mapped code resolves to its target's id (chains are not followed). */
function compileLookups(rs: Ruleset, dx: CodeSpace, proc: CodeSpace): { dx: Map<string, number>; proc: Map<string, number> } {
  const dxLookup = new Map(dx.ids);
  const procLookup = new Map(proc.ids);
  for (const [from, to] of Object.entries(rs.dx_map ?? {})) dxLookup.set(normaliseCode(from), dx.id(to));
  for (const [from, to] of Object.entries(rs.proc_map ?? {})) procLookup.set(normaliseCode(from), proc.id(to));
  for (const id of dx.ids.values()) if (!dxLookup.has(dx.codes[id]!)) dxLookup.set(dx.codes[id]!, id);
  for (const id of proc.ids.values()) if (!procLookup.has(proc.codes[id]!)) procLookup.set(proc.codes[id]!, id);
  return { dx: dxLookup, proc: procLookup };
}

function flagsOf(rs: Ruleset): Int32Array {
  const flags = new Int32Array(1);
  flags[FLAG_RETRY_EACH_OTHER_PROC] = rs.retry_each_other_procedure ? 1 : 0;
  return flags;
}

/** Offset of the shared program for `false` (the first one written). */
const FALSE_PROGRAM = 0;

/**
 * Writes conditions as bytecode into one program array, and the lists they name as sorted id sets.
 * Lists are compiled per (name, code space) on first use.
 */
class ProgramWriter {
  readonly prog: number[] = [OP_FALSE, OP_END];
  private readonly listKeys = new Map<string, number>();
  private readonly listNames: string[] = [];
  private readonly listSpaces: number[] = [];
  private readonly listContents: Int32Array[] = [];
  /** Department texts the conditions name (normalised); value id = index + 1. */
  readonly departments: string[] = [];

  constructor(private readonly rs: Ruleset, private readonly dx: CodeSpace, private readonly proc: CodeSpace) {}

  /** The start of c's program; ALWAYS for no condition or `true`, the shared FALSE program for `false`. */
  program(c: Condition | undefined): number {
    if (c === undefined || c === true) return ALWAYS;
    if (c === false) return FALSE_PROGRAM;
    const start = this.prog.length;
    this.emit(c);
    this.prog.push(OP_END);
    return start;
  }

  /** The lists as one id array with a range per list. */
  listTables(): { names: string[]; start: Int32Array; end: Int32Array; space: Uint8Array; ids: Int32Array } {
    let total = 0;
    for (const l of this.listContents) total += l.length;
    const ids = new Int32Array(total);
    const start = new Int32Array(this.listContents.length);
    const end = new Int32Array(this.listContents.length);
    let at = 0;
    this.listContents.forEach((l, i) => { start[i] = at; ids.set(l, at); at += l.length; end[i] = at; });
    return { names: this.listNames, start, end, space: Uint8Array.from(this.listSpaces), ids };
  }

  private listIndex(ref: ListRef, space: 'dx' | 'proc'): number {
    const label = typeof ref === 'string' ? ref : `[${ref.codes.join(',')}]`;
    const key = `${space}\u0000${label}`;
    const known = this.listKeys.get(key);
    if (known !== undefined) return known;
    const cs = space === 'dx' ? this.dx : this.proc;
    let codes: Iterable<string>;
    if (typeof ref !== 'string') codes = ref.codes;
    else if (ref === OR_PROCEDURES_LIST) codes = (this.rs.procedures ?? []).filter((p) => p.or).map((p) => p.code);
    else codes = this.rs.lists?.[ref] ?? [];
    const ids = new Set<number>();
    for (const c of codes) ids.add(cs.id(c));
    const idx = this.listContents.length;
    this.listKeys.set(key, idx);
    this.listNames.push(label);
    this.listSpaces.push(space === 'dx' ? LIST_SPACE_DX : LIST_SPACE_PROC);
    this.listContents.push(Int32Array.from(ids).sort());
    return idx;
  }

  private list(f: CodeField | CodeListField, ref: ListRef): number {
    return this.listIndex(ref, fieldCodeSpace(f));
  }

  /** A constant as the grouper compares it: department texts become value ids (1…), numbers stay. */
  private value(f: NumberField, v: number | string): number {
    if (f !== TEXT_VALUE_FIELD) return v as number;
    const text = normaliseCode(String(v));
    let i = this.departments.indexOf(text);
    if (i < 0) i = this.departments.push(text) - 1;
    return i + 1;
  }

  private emit(c: Condition, depth = 0): void {
    const prog = this.prog;
    // Validation refuses deeper nesting; the guard keeps a document compiled without it off the stack limit.
    if (depth > MAX_CONDITION_DEPTH) throw new RulesetProblems([{ code: 'cond.too_deep', message: tooDeepMessage('(a condition)'), where: { table: 'ruleset' } }]);
    if (c === true) { prog.push(OP_TRUE); return; }
    if (c === false) { prog.push(OP_FALSE); return; }
    if ('and' in c || 'or' in c) { this.emitJunction(c, depth); return; }
    if ('not' in c) { this.emit(c.not, depth + 1); prog.push(OP_NOT); return; }
    if ('in' in c) { const [f, l] = c.in; prog.push(f === 'principal_dx' ? OP_IN_PDX : OP_IN_PPROC, this.list(f, l)); return; }
    if ('any_in' in c) { const [f, l] = c.any_in; prog.push(OP_ANY_IN, FIELD[f], this.list(f, l)); return; }
    if ('has_code' in c) {
      const [f, code] = c.has_code;
      const lit = { codes: [code] };
      if (f === 'principal_dx' || f === 'principal_proc') prog.push(f === 'principal_dx' ? OP_IN_PDX : OP_IN_PPROC, this.list(f, lit));
      else prog.push(OP_ANY_IN, FIELD[f], this.list(f, lit));
      return;
    }
    if ('cmp' in c) {
      const [f, op, v] = c.cmp;
      if (v === null) prog.push(OP_CMP_NULL, FIELD[f], op === '==' ? NULL_TEST_MISSING : op === '!=' ? NULL_TEST_GIVEN : NULL_TEST_NEVER);
      else if (typeof v === 'object') prog.push(OP_CMP_FIELD, FIELD[f], CMP_OP_CODE[op], FIELD[v.field]);
      else prog.push(OP_CMP, FIELD[f], CMP_OP_CODE[op], v);
      return;
    }
    if ('one_of' in c) {
      const [f, values] = c.one_of;
      prog.push(OP_ONE_OF, FIELD[f], values.length, ...values.map((v) => this.value(f, v)));
      return;
    }
    if ('present' in c) { prog.push(OP_PRESENT, FIELD[c.present]); return; }
    if ('hits_at_least' in c) {
      const [f, lists, n] = c.hits_at_least;
      prog.push(OP_HITS, FIELD[f], n, lists.length, ...lists.map((l) => this.list(f, l)));
      return;
    }
    if ('has_mcc' in c) { prog.push(OP_HAS_MCC); if (!c.has_mcc) prog.push(OP_NOT); return; }
    if ('has_cc' in c) { prog.push(OP_HAS_CC); if (!c.has_cc) prog.push(OP_NOT); return; }
  }

  /** and/or: child, JF/JT end, child, …; the jumps are patched to the end once it is known. */
  private emitJunction(c: { and: Condition[] } | { or: Condition[] }, depth: number): void {
    const prog = this.prog;
    const isAnd = 'and' in c;
    const kids = isAnd ? c.and : c.or;
    if (kids.length === 0) { prog.push(isAnd ? OP_TRUE : OP_FALSE); return; }
    const patches: number[] = [];
    kids.forEach((k, i) => {
      this.emit(k, depth + 1);
      if (i < kids.length - 1) { prog.push(isAnd ? OP_JF : OP_JT, -1); patches.push(prog.length - 1); }
    });
    for (const p of patches) prog[p] = prog.length;
  }
}

/**
 * ADRG, entry, split and DRG tables as they are built. Entry ids are the ADRG rows in document order; ADRG ids
 * the distinct ADRGs those rows define, in order of first row; DRG ids follow the document; ambiguity groups
 * are appended to ADRGs and DRGs.
 */
class GroupTables {
  readonly adrgIds = new Map<string, number>();
  readonly entryIds = new Map<string, number>();
  readonly entryAdrg: number[];
  readonly drgIds = new Map<string, number>();
  readonly adrgCodes: string[];
  readonly adrgNames: string[];
  readonly adrgKind: number[];
  readonly adrgWhen: number[] = [];
  readonly adrgSplitStart: number[] = [];
  readonly adrgSplitEnd: number[] = [];
  readonly adrgFallback: number[] = [];
  readonly splitWhen: number[] = [];
  readonly splitDrg: number[] = [];
  readonly drgCodes: string[];
  readonly drgNames: string[];
  readonly drgAdrg: number[];
  readonly drgAmbiguous: number[];
  readonly drgWeight: number[];
  readonly drgMeanLos: number[];
  readonly drgMeanCost: number[];

  constructor(rs: Ruleset) {
    this.adrgCodes = [];
    this.adrgNames = [];
    this.adrgKind = [];
    for (const a of rs.adrgs) {
      const code = adrgOfRow(a);
      if (this.adrgIds.has(code)) continue;
      this.adrgIds.set(code, this.adrgCodes.length);
      this.adrgCodes.push(code);
      this.adrgNames.push(a.name ?? '');
      this.adrgKind.push(ADRG_KIND[adrgKindOf({ ...a, code })]);
    }
    rs.adrgs.forEach((a, i) => this.entryIds.set(a.code, i));
    this.entryAdrg = rs.adrgs.map((a) => this.adrgIds.get(adrgOfRow(a))!);
    rs.drgs.forEach((d, i) => this.drgIds.set(d.code, i));
    this.drgCodes = rs.drgs.map((d) => d.code);
    this.drgNames = rs.drgs.map((d) => d.name ?? '');
    this.drgAdrg = rs.drgs.map((d) => this.adrgIds.get(d.adrg) ?? -1);
    this.drgAmbiguous = rs.drgs.map(() => 0);
    this.drgWeight = rs.drgs.map((d) => nanIfAbsent(d.weight));
    this.drgMeanLos = rs.drgs.map((d) => nanIfAbsent(d.mean_los));
    this.drgMeanCost = rs.drgs.map((d) => nanIfAbsent(d.mean_cost));
  }

  /** The DRG id of an ambiguity group; the first use adds it as an ADRG and a DRG of its own. */
  ambiguityDrg(code: string, name = ''): number {
    const known = this.drgIds.get(code);
    if (known !== undefined) return known;
    const adrg = this.adrgCodes.length;
    this.adrgIds.set(code, adrg);
    this.adrgCodes.push(code); this.adrgNames.push(name); this.adrgKind.push(ADRG_KIND.ambiguity);
    const drg = this.drgCodes.length;
    this.drgIds.set(code, drg);
    this.drgCodes.push(code); this.drgNames.push(name); this.drgAdrg.push(adrg); this.drgAmbiguous.push(1);
    this.drgWeight.push(NaN); this.drgMeanLos.push(NaN); this.drgMeanCost.push(NaN);
    return drg;
  }

  tables(): Pick<CompiledTables, 'adrgWhen' | 'adrgSplitStart' | 'adrgSplitEnd' | 'adrgFallback' | 'entryAdrg' | 'adrgKind' | 'splitWhen' |
    'splitDrg' | 'drgAdrg' | 'drgWeight' | 'drgMeanLos' | 'drgMeanCost' | 'drgAmbiguous'> {
    return {
      entryAdrg: Int32Array.from(this.entryAdrg),
      adrgWhen: Int32Array.from(this.adrgWhen),
      adrgSplitStart: Int32Array.from(this.adrgSplitStart),
      adrgSplitEnd: Int32Array.from(this.adrgSplitEnd),
      adrgFallback: Int32Array.from(this.adrgFallback),
      adrgKind: Uint8Array.from(this.adrgKind),
      splitWhen: Int32Array.from(this.splitWhen),
      splitDrg: Int32Array.from(this.splitDrg),
      drgAdrg: Int32Array.from(this.drgAdrg),
      drgWeight: Float64Array.from(this.drgWeight),
      drgMeanLos: Float64Array.from(this.drgMeanLos),
      drgMeanCost: Float64Array.from(this.drgMeanCost),
      drgAmbiguous: Uint8Array.from(this.drgAmbiguous),
    };
  }
}

function nanIfAbsent(x: number | undefined): number {
  return x === undefined ? NaN : x;
}

/** Each ADRG's condition and its splits, in document order. */
function compileAdrgs(rs: Ruleset, programs: ProgramWriter): GroupTables {
  const g = new GroupTables(rs);
  for (const a of rs.adrgs) {
    g.adrgWhen.push(programs.program(a.when));
    g.adrgSplitStart.push(g.splitWhen.length);
    for (const s of a.splits) {
      g.splitWhen.push(programs.program(s.when));
      g.splitDrg.push(g.drgIds.get(s.drg) ?? -1);
    }
    g.adrgSplitEnd.push(g.splitWhen.length);
    g.adrgFallback.push(a.fallback ? g.drgIds.get(a.fallback) ?? -1 : -1);
  }
  return g;
}

/** Each MDC's guard and its steps (ADRGs tried, ambiguity groups), in document order. */
function compileMdcs(rs: Ruleset, programs: ProgramWriter, groups: GroupTables): Pick<CompiledTables, 'mdcGuard' | 'mdcStepStart' | 'mdcStepEnd' | 'stepKind' | 'stepTarget' | 'stepWhen' | 'stepEntry'> {
  const mdcGuard: number[] = [];
  const mdcStepStart: number[] = [];
  const mdcStepEnd: number[] = [];
  const stepKind: number[] = [];
  const stepTarget: number[] = [];
  const stepWhen: number[] = [];
  const stepEntry: number[] = [];
  for (const m of rs.mdcs) {
    mdcGuard.push(programs.program(m.guard));
    mdcStepStart.push(stepKind.length);
    for (const s of m.steps) {
      if ('adrg' in s) {
        const entry = groups.entryIds.get(s.adrg) ?? -1;
        stepKind.push(STEP_ADRG);
        stepTarget.push(entry >= 0 ? groups.entryAdrg[entry]! : -1);
        stepEntry.push(entry);
      } else {
        stepKind.push(STEP_AMBIGUITY);
        stepTarget.push(groups.ambiguityDrg(s.ambiguity, s.name));
        stepEntry.push(-1);
      }
      stepWhen.push(programs.program(s.when));
    }
    mdcStepEnd.push(stepKind.length);
  }
  return {
    mdcGuard: Int32Array.from(mdcGuard),
    mdcStepStart: Int32Array.from(mdcStepStart),
    mdcStepEnd: Int32Array.from(mdcStepEnd),
    stepKind: Uint8Array.from(stepKind),
    stepTarget: Int32Array.from(stepTarget),
    stepWhen: Int32Array.from(stepWhen),
    stepEntry: Int32Array.from(stepEntry),
  };
}

type DipTables = Pick<CompiledTables,
  'dxDipCategory' | 'procDipProc' | 'dipKeyCoreStart' | 'dipKeyCoreEnd' | 'dipKeyCore' | 'dipCoreProcStart' | 'dipCoreProcEnd' |
  'dipCoreProcs' | 'dipCategoryGroup' | 'dipGroupKind' | 'dipGroupScore' | 'dipGroupMeanCost'>;
type DipStrings = Pick<CompiledRuleset['strings'], 'dipKeys' | 'dipCategories' | 'dipProcs' | 'dipGroupCodes' | 'dipGroupNames'>;

/** An id per distinct string, in order of first use. */
function interner(): { ids: Map<string, number>; list: string[]; id: (s: string) => number } {
  const ids = new Map<string, number>();
  const list: string[] = [];
  return {
    ids, list,
    id: (s) => {
      let id = ids.get(s);
      if (id === undefined) { id = list.length; ids.set(s, id); list.push(s); }
      return id;
    },
  };
}

/**
 * The DIP tables (§4). Everything per case becomes integer work: the category comes from the principal
 * diagnosis id, each procedure id already knows its catalog procedure and its class, and a key's core
 * combinations are a short range to compare sorted id sets against.
 */
function compileDip(rs: Ruleset, dxCodes: readonly string[], procCodes: readonly string[], procFallback: readonly number[]): { tables: DipTables; strings: DipStrings; keyLookup: Map<string, number> } {
  const catalog = rs.dip_catalog ?? [];
  const comprehensive = rs.dip_comprehensive ?? [];
  const keys = interner();
  const categories = interner();
  const procs = interner();
  const cat = (code: string) => (code.length >= DIP_CATEGORY_LENGTH ? categories.id(code.slice(0, DIP_CATEGORY_LENGTH)) : -1);
  const dxDipCategory = Int32Array.from(dxCodes, cat);

  const coreProcs: number[] = [];
  const coreStart: number[] = [];
  const coreEnd: number[] = [];
  const coreKey: number[] = [];
  const groupCodes: string[] = [];
  const groupNames: string[] = [];
  for (const e of catalog) {
    const key = normaliseCode(e.dx);
    coreKey.push(keys.id(key));
    cat(key);
    const codes = [...new Set(e.procs.map(normaliseCode))];
    const ids = Int32Array.from(codes, procs.id).sort();
    coreStart.push(coreProcs.length);
    coreProcs.push(...ids);
    coreEnd.push(coreProcs.length);
    groupCodes.push(`${key}|${[...ids].map((p) => procs.list[p]).join('+')}`);
    groupNames.push(e.name ?? '');
  }
  // Core combinations grouped by key (catalog order within a key).
  const byKey: number[][] = keys.list.map(() => []);
  coreKey.forEach((k, c) => byKey[k]!.push(c));
  const keyCoreStart = new Int32Array(keys.list.length);
  const keyCoreEnd = new Int32Array(keys.list.length);
  const keyCore: number[] = [];
  byKey.forEach((cs, k) => { keyCoreStart[k] = keyCore.length; keyCore.push(...cs); keyCoreEnd[k] = keyCore.length; });

  // A procedure id stands for its own code when the catalog uses it, else for its longest fallback prefix that is used.
  const lengths = [...procFallback].sort((a, b) => b - a);
  const procDipProc = Int32Array.from(procCodes, (c) => {
    const own = procs.ids.get(c);
    if (own !== undefined) return own;
    for (const len of lengths) {
      const p = len < c.length ? procs.ids.get(c.slice(0, len)) : undefined;
      if (p !== undefined) return p;
    }
    return -1;
  });

  const nCore = catalog.length;
  const compCategory = comprehensive.map((e) => cat(normaliseCode(e.dx)));
  const dipCategoryGroup = new Int32Array(categories.list.length * DIP_CLASSES).fill(-1);
  comprehensive.forEach((e, j) => {
    const at = compCategory[j]! * DIP_CLASSES + e.proc_class;
    if (compCategory[j]! >= 0 && dipCategoryGroup[at] === -1) dipCategoryGroup[at] = nCore + j;
    groupCodes.push(`${categories.list[compCategory[j]!] ?? normaliseCode(e.dx)}|${e.proc_class}`);
    groupNames.push(e.name ?? '');
  });
  const all = [...catalog, ...comprehensive];
  return {
    tables: {
      dxDipCategory,
      procDipProc,
      dipKeyCoreStart: keyCoreStart,
      dipKeyCoreEnd: keyCoreEnd,
      dipKeyCore: Int32Array.from(keyCore),
      dipCoreProcStart: Int32Array.from(coreStart),
      dipCoreProcEnd: Int32Array.from(coreEnd),
      dipCoreProcs: Int32Array.from(coreProcs),
      dipCategoryGroup,
      dipGroupKind: Uint8Array.from(all, (_, g) => (g < nCore ? DIP_KIND_CORE : DIP_KIND_COMPREHENSIVE)),
      dipGroupScore: Float64Array.from(all, (e) => nanIfAbsent(e.score)),
      dipGroupMeanCost: Float64Array.from(all, (e) => nanIfAbsent(e.mean_cost)),
    },
    strings: { dipKeys: keys.list, dipCategories: categories.list, dipProcs: procs.list, dipGroupCodes: groupCodes, dipGroupNames: groupNames },
    keyLookup: keys.ids,
  };
}

/** Bytes held by the typed tables (what the core receives). */
export function compiledTableBytes(c: CompiledRuleset): number {
  let n = 0;
  for (const v of Object.values(c.tables)) n += (v as ArrayBufferView).byteLength;
  return n;
}

