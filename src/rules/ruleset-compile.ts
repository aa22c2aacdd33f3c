// Compiles a validated casemix-ruleset/1 document into flat typed tables and condition bytecode.
// The grouper (TypeScript reference and Wasm core) reads only these tables; it never sees the JSON.
import {
  DIP_CATEGORY_LENGTH, OR_PROCEDURES_LIST, REASON_CODES, adrgKindOf, fieldCodeSpace,
  type CmpOp, type Condition, type ListRef, type Problem, type Ruleset,
} from './ruleset-format.ts';
import { validateRuleset } from './ruleset-validate.ts';

export const COMPILED_FORMAT = 'casemix-compiled/1';

// ----- bytecode --------------------------------------------------------------------------------------
// One accumulator, no stack: `and` = child, JF end, child, JF end, …; `or` likewise with JT. A jump
// lands with the accumulator holding the value of the whole and/or, so nesting needs no stack and
// evaluation short-circuits. Every program ends with OP.END; operands follow their opcode.
export const OP = {
  END: 0,
  TRUE: 1,
  FALSE: 2,
  NOT: 3,
  JF: 4, //         target            jump when the accumulator is false
  JT: 5, //         target            jump when the accumulator is true
  IN_PDX: 6, //     list
  IN_PPROC: 7, //   list
  ANY_IN: 8, //     listField list
  CMP: 9, //        field op value    missing → false, except != → true
  CMP_NULL: 10, //  field isNull      field == null (1) / field != null (0)
  CMP_FIELD: 11, // field op field2   either missing → false, except != → true
  PRESENT: 12, //   field
  HITS: 13, //      listField min n list…
  HAS_MCC: 14,
  HAS_CC: 15,
} as const;
export const OP_NAMES: readonly string[] = Object.keys(OP);

/** Case fields as numbers: 0–7 number fields (NUMBER_FIELDS order), 8–9 code fields, 10–13 list fields. */
export const FIELD = {
  age_years: 0, age_days: 1, birth_weight_g: 2, sex: 3, los: 4, discharge_status: 5, dx_count: 6, proc_count: 7,
  principal_dx: 8, principal_proc: 9, all_dx: 10, secondary_dx: 11, all_procs: 12, other_procs: 13,
} as const;
export const FIELD_NAMES: readonly string[] = Object.keys(FIELD);
export const CMP_OP_CODE: Readonly<Record<CmpOp, number>> = { '==': 0, '!=': 1, '<': 2, '<=': 3, '>': 4, '>=': 5 };
export const CMP_OP_NAMES: readonly CmpOp[] = ['==', '!=', '<', '<=', '>', '>='];

/** Program offset meaning "always true" (no program). */
export const ALWAYS = -1;
/** Code ids in case columns: -1 = no code given, -2 = a code the ruleset does not know. */
export const NO_CODE = -1;
export const UNKNOWN_CODE = -2;
/** Step kinds. */
export const STEP_ADRG = 0;
export const STEP_AMBIGUITY = 1;
/** ADRG kinds (adrgKind column). */
export const ADRG_KIND = { surgical: 0, non_or: 1, medical: 2, ambiguity: 3 } as const;

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
  /** ADRG id (adrg step) or DRG id (ambiguity step). */
  stepTarget: Int32Array;
  stepWhen: Int32Array;
  adrgWhen: Int32Array;
  adrgSplitStart: Int32Array;
  adrgSplitEnd: Int32Array;
  /** DRG id, or -1: no split matched → the ADRG did not match. */
  adrgFallback: Int32Array;
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

/** DIP group kinds (dipGroupKind and the grouper's kind column). */
export const DIP_KIND = { none: 0, core: 1, comprehensive: 2 } as const;
/** DIP procedure classes per category in dipCategoryGroup (0 conservative … 3 surgery). */
export const DIP_CLASSES = 4;

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
  const dx = new CodeSpace();
  const proc = new CodeSpace();
  const exclusionIds = new Map<string, number>();
  const exclusionId = (t: string | undefined): number => {
    if (t === undefined || t === '') return -1;
    let id = exclusionIds.get(t);
    if (id === undefined) exclusionIds.set(t, (id = exclusionIds.size));
    return id;
  };

  // Dictionaries first, so ids follow dictionary order.
  const dxSev: number[] = [];
  const dxCcEx: number[] = [];
  const dxPEx: number[] = [];
  for (const d of rs.diagnoses ?? []) {
    const id = dx.id(d.code);
    if (d.name) dx.names[id] = d.name;
    dxSev[id] = d.cc === 'mcc' ? 1 : d.cc === 'cc' ? 3 : 0;
    dxCcEx[id] = exclusionId(d.cc_exclusion);
    dxPEx[id] = exclusionId(d.principal_exclusion);
  }
  const procOr: number[] = [];
  const procClass: number[] = [];
  for (const p of rs.procedures ?? []) {
    const id = proc.id(p.code);
    if (p.name) proc.names[id] = p.name;
    procOr[id] = p.or ? 1 : 0;
    procClass[id] = p.dip_class ?? -1;
  }

  // Lists are compiled per (name, code space) on first use.
  const listKeys = new Map<string, number>();
  const listNames: string[] = [];
  const listSpaces: number[] = [];
  const listContents: Int32Array[] = [];
  const listIndex = (ref: ListRef, space: 'dx' | 'proc'): number => {
    const label = typeof ref === 'string' ? ref : `[${ref.codes.join(',')}]`;
    const key = `${space}\u0000${label}`;
    const known = listKeys.get(key);
    if (known !== undefined) return known;
    const cs = space === 'dx' ? dx : proc;
    let codes: Iterable<string>;
    if (typeof ref !== 'string') codes = ref.codes;
    else if (ref === OR_PROCEDURES_LIST) codes = (rs.procedures ?? []).filter((p) => p.or).map((p) => p.code);
    else codes = rs.lists?.[ref] ?? [];
    const ids = new Set<number>();
    for (const c of codes) ids.add(cs.id(c));
    const sorted = Int32Array.from(ids).sort();
    const idx = listContents.length;
    listKeys.set(key, idx);
    listNames.push(label);
    listSpaces.push(space === 'dx' ? 0 : 1);
    listContents.push(sorted);
    return idx;
  };

  const prog: number[] = [OP.FALSE, OP.END];
  const FALSE_PROG = 0;
  const emit = (c: Condition): void => {
    if (c === true) { prog.push(OP.TRUE); return; }
    if (c === false) { prog.push(OP.FALSE); return; }
    if ('and' in c || 'or' in c) {
      const kids = 'and' in c ? c.and : c.or;
      if (kids.length === 0) { prog.push('and' in c ? OP.TRUE : OP.FALSE); return; }
      const jump = 'and' in c ? OP.JF : OP.JT;
      const patches: number[] = [];
      kids.forEach((k, i) => {
        emit(k);
        if (i < kids.length - 1) { prog.push(jump, -1); patches.push(prog.length - 1); }
      });
      for (const p of patches) prog[p] = prog.length;
      return;
    }
    if ('not' in c) { emit(c.not); prog.push(OP.NOT); return; }
    if ('in' in c) {
      const [f, l] = c.in;
      prog.push(f === 'principal_dx' ? OP.IN_PDX : OP.IN_PPROC, listIndex(l, fieldCodeSpace(f)));
      return;
    }
    if ('any_in' in c) {
      const [f, l] = c.any_in;
      prog.push(OP.ANY_IN, FIELD[f], listIndex(l, fieldCodeSpace(f)));
      return;
    }
    if ('has_code' in c) {
      const [f, code] = c.has_code;
      const lit = { codes: [code] };
      if (f === 'principal_dx' || f === 'principal_proc') prog.push(f === 'principal_dx' ? OP.IN_PDX : OP.IN_PPROC, listIndex(lit, fieldCodeSpace(f)));
      else prog.push(OP.ANY_IN, FIELD[f], listIndex(lit, fieldCodeSpace(f)));
      return;
    }
    if ('cmp' in c) {
      const [f, op, v] = c.cmp;
      if (v === null) prog.push(OP.CMP_NULL, FIELD[f], op === '==' ? 1 : op === '!=' ? 0 : 2);
      else if (typeof v === 'object') prog.push(OP.CMP_FIELD, FIELD[f], CMP_OP_CODE[op], FIELD[v.field]);
      else prog.push(OP.CMP, FIELD[f], CMP_OP_CODE[op], v);
      return;
    }
    if ('present' in c) { prog.push(OP.PRESENT, FIELD[c.present]); return; }
    if ('hits_at_least' in c) {
      const [f, lists, n] = c.hits_at_least;
      prog.push(OP.HITS, FIELD[f], n, lists.length, ...lists.map((l) => listIndex(l, fieldCodeSpace(f))));
      return;
    }
    if ('has_mcc' in c) { prog.push(OP.HAS_MCC); if (!c.has_mcc) prog.push(OP.NOT); return; }
    if ('has_cc' in c) { prog.push(OP.HAS_CC); if (!c.has_cc) prog.push(OP.NOT); return; }
  };
  const program = (c: Condition | undefined): number => {
    if (c === undefined || c === true) return ALWAYS;
    if (c === false) return FALSE_PROG;
    const start = prog.length;
    emit(c);
    prog.push(OP.END);
    return start;
  };

  // Group tables. ADRG and DRG ids follow the document; ambiguity groups are appended to both.
  const adrgIds = new Map<string, number>();
  rs.adrgs.forEach((a, i) => adrgIds.set(a.code, i));
  const drgIds = new Map<string, number>();
  rs.drgs.forEach((d, i) => drgIds.set(d.code, i));
  const adrgCodes = rs.adrgs.map((a) => a.code);
  const adrgNames = rs.adrgs.map((a) => a.name ?? '');
  const adrgKind: number[] = rs.adrgs.map((a) => ADRG_KIND[adrgKindOf(a)]);
  const drgCodes = rs.drgs.map((d) => d.code);
  const drgNames = rs.drgs.map((d) => d.name ?? '');
  const drgAdrg = rs.drgs.map((d) => adrgIds.get(d.adrg) ?? -1);
  const drgAmb = rs.drgs.map(() => 0);
  const nan = (x: number | undefined) => (x === undefined ? NaN : x);
  const drgWeight = rs.drgs.map((d) => nan(d.weight));
  const drgLos = rs.drgs.map((d) => nan(d.mean_los));
  const drgCost = rs.drgs.map((d) => nan(d.mean_cost));
  const adrgWhen: number[] = [];
  const adrgSplitStart: number[] = [];
  const adrgSplitEnd: number[] = [];
  const adrgFallback: number[] = [];
  const splitWhen: number[] = [];
  const splitDrg: number[] = [];
  for (const a of rs.adrgs) {
    adrgWhen.push(program(a.when));
    adrgSplitStart.push(splitWhen.length);
    for (const s of a.splits) {
      splitWhen.push(program(s.when));
      splitDrg.push(drgIds.get(s.drg) ?? -1);
    }
    adrgSplitEnd.push(splitWhen.length);
    adrgFallback.push(a.fallback ? drgIds.get(a.fallback) ?? -1 : -1);
  }
  const ambiguityDrg = (code: string): number => {
    const known = drgIds.get(code);
    if (known !== undefined) return known;
    const adrg = adrgCodes.length;
    adrgIds.set(code, adrg);
    adrgCodes.push(code); adrgNames.push(''); adrgKind.push(ADRG_KIND.ambiguity);
    adrgWhen.push(ALWAYS); adrgSplitStart.push(0); adrgSplitEnd.push(0); adrgFallback.push(-1);
    const drg = drgCodes.length;
    drgIds.set(code, drg);
    drgCodes.push(code); drgNames.push(''); drgAdrg.push(adrg); drgAmb.push(1);
    drgWeight.push(NaN); drgLos.push(NaN); drgCost.push(NaN);
    return drg;
  };

  const mdcGuard: number[] = [];
  const mdcStepStart: number[] = [];
  const mdcStepEnd: number[] = [];
  const stepKind: number[] = [];
  const stepTarget: number[] = [];
  const stepWhen: number[] = [];
  for (const m of rs.mdcs) {
    mdcGuard.push(program(m.guard));
    mdcStepStart.push(stepKind.length);
    for (const s of m.steps) {
      if ('adrg' in s) {
        stepKind.push(STEP_ADRG);
        stepTarget.push(adrgIds.get(s.adrg) ?? -1);
        stepWhen.push(program(s.when));
      } else {
        stepKind.push(STEP_AMBIGUITY);
        stepTarget.push(ambiguityDrg(s.ambiguity));
        stepWhen.push(program(s.when));
      }
    }
    mdcStepEnd.push(stepKind.length);
  }

  const checkWhen: number[] = [];
  const checkReason: number[] = [];
  for (const c of rs.checks ?? []) {
    checkWhen.push(program(c.when));
    checkReason.push(REASON_CODES[c.reason]);
  }

  // Maps are applied once: a mapped code resolves to its target's id (chains are not followed).
  const dxLookup = new Map(dx.ids);
  const procLookup = new Map(proc.ids);
  for (const [from, to] of Object.entries(rs.dx_map ?? {})) {
    dxLookup.set(normaliseCode(from), dx.id(to));
  }
  for (const [from, to] of Object.entries(rs.proc_map ?? {})) {
    procLookup.set(normaliseCode(from), proc.id(to));
  }
  for (const id of dx.ids.values()) if (!dxLookup.has(dx.codes[id]!)) dxLookup.set(dx.codes[id]!, id);
  for (const id of proc.ids.values()) if (!procLookup.has(proc.codes[id]!)) procLookup.set(proc.codes[id]!, id);

  let listTotal = 0;
  for (const l of listContents) listTotal += l.length;
  const listIds = new Int32Array(listTotal);
  const listStart = new Int32Array(listContents.length);
  const listEnd = new Int32Array(listContents.length);
  let at = 0;
  listContents.forEach((l, i) => { listStart[i] = at; listIds.set(l, at); at += l.length; listEnd[i] = at; });

  const fill = (n: number, src: number[], dflt: number) => Array.from({ length: n }, (_, i) => src[i] ?? dflt);
  const nDx = dx.codes.length;
  const nProc = proc.codes.length;
  const exclusionTables: string[] = [];
  for (const [t, id] of exclusionIds) exclusionTables[id] = t;
  const procFallbackLengths = rs.code_matching?.proc?.fallback_lengths ?? [];
  const dip = compileDip(rs, dx.codes, proc.codes, procFallbackLengths);

  return {
    format: COMPILED_FORMAT,
    meta: rs.meta,
    parameters: rs.parameters ?? {},
    strings: {
      dxCodes: dx.codes, dxNames: dx.names, procCodes: proc.codes, procNames: proc.names,
      mdcCodes: rs.mdcs.map((m) => m.code), mdcNames: rs.mdcs.map((m) => m.name ?? ''),
      adrgCodes, adrgNames, drgCodes, drgNames, listNames, exclusionTables,
      checkNotes: (rs.checks ?? []).map((c) => c.note ?? ''),
      ...dip.strings,
    },
    dxLookup,
    procLookup,
    dxFallbackLengths: rs.code_matching?.dx?.fallback_lengths ?? [],
    procFallbackLengths,
    dipKeyLookup: dip.keyLookup,
    tables: {
      dxSeverity: Uint8Array.from(fill(nDx, dxSev, 0)),
      dxCcExclusion: Int32Array.from(fill(nDx, dxCcEx, -1)),
      dxPrincipalExclusion: Int32Array.from(fill(nDx, dxPEx, -1)),
      procIsOr: Uint8Array.from(fill(nProc, procOr, 0)),
      procDipClass: Int8Array.from(fill(nProc, procClass, -1)),
      listStart, listEnd, listSpace: Uint8Array.from(listSpaces), listIds,
      prog: Int32Array.from(prog),
      checkWhen: Int32Array.from(checkWhen),
      checkReason: Uint8Array.from(checkReason),
      mdcGuard: Int32Array.from(mdcGuard),
      mdcStepStart: Int32Array.from(mdcStepStart),
      mdcStepEnd: Int32Array.from(mdcStepEnd),
      stepKind: Uint8Array.from(stepKind),
      stepTarget: Int32Array.from(stepTarget),
      stepWhen: Int32Array.from(stepWhen),
      adrgWhen: Int32Array.from(adrgWhen),
      adrgSplitStart: Int32Array.from(adrgSplitStart),
      adrgSplitEnd: Int32Array.from(adrgSplitEnd),
      adrgFallback: Int32Array.from(adrgFallback),
      adrgKind: Uint8Array.from(adrgKind),
      splitWhen: Int32Array.from(splitWhen),
      splitDrg: Int32Array.from(splitDrg),
      drgAdrg: Int32Array.from(drgAdrg),
      drgWeight: Float64Array.from(drgWeight),
      drgMeanLos: Float64Array.from(drgLos),
      drgMeanCost: Float64Array.from(drgCost),
      drgAmbiguous: Uint8Array.from(drgAmb),
      flags: Int32Array.of(rs.retry_each_other_procedure ? 1 : 0),
      ...dip.tables,
    },
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
  const nan = (x: number | undefined) => (x === undefined ? NaN : x);
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
      dipGroupKind: Uint8Array.from(all, (_, g) => (g < nCore ? DIP_KIND.core : DIP_KIND.comprehensive)),
      dipGroupScore: Float64Array.from(all, (e) => nan(e.score)),
      dipGroupMeanCost: Float64Array.from(all, (e) => nan(e.mean_cost)),
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

