// The synthetic generator's catalog (Case data issue): from a ruleset, consistent code templates per DRG,
// each verified by the reference grouper, and the (template, severity plan) units cases are drawn from.
import { compileRuleset, type CompiledRuleset } from '../rules/ruleset-compile.ts';
import { createCodeEncoder, encodeCaseRecords, type CaseInput } from '../rules/case-encoding.ts';
import { groupDrg } from '../engine/reference/drg-grouper.ts';
import {
  OR_PROCEDURES_LIST, adrgKindOf, type AdrgKind, type Condition, type ListRef, type NumberField, type ProcedureEntry, type Ruleset,
} from '../rules/ruleset-format.ts';
import { dxSexLimit, isPerinatalDx } from '../data/quality-checks.ts';
import { seededRandom } from './demo-cases.ts';

// ----- teaching parameters of the templates (the case draws' own are in synthetic-fill.ts) ----------------
/** Adult age (mean, sd) by MDC; O/N/M carry their sex too. */
const MDC_AGE: Record<string, [number, number]> = {
  A: [60, 16], B: [63, 15], C: [62, 14], D: [42, 18], E: [62, 18], F: [66, 12], G: [52, 17], H: [55, 14], I: [55, 17],
  J: [46, 15], K: [50, 15], L: [52, 16], M: [66, 11], N: [43, 11], O: [29, 5], Q: [45, 20], R: [57, 13], S: [45, 20],
  T: [36, 14], U: [42, 11], V: [40, 18], W: [36, 18], X: [58, 17], Y: [38, 11], Z: [42, 16],
};
/** MDCs whose medical cases include children (1–14 years), and their share. */
const CHILD_SHARE: Record<string, number> = { D: 0.25, E: 0.15, G: 0.1, S: 0.15, J: 0.05 };
const PAEDIATRIC_DX = ['F70', 'F79', 'F84', 'F90', 'Q'];
/** Departments by MDC: [surgical, medical]; non-OR procedure groups go to the medical one. */
const MDC_DEPARTMENT: Record<string, [string, string]> = {
  A: ['重症医学科', '重症医学科'], B: ['神经外科', '神经内科'], C: ['眼科', '眼科'], D: ['耳鼻咽喉科', '耳鼻咽喉科'],
  E: ['胸外科', '呼吸内科'], F: ['心血管外科', '心血管内科'], G: ['胃肠外科', '消化内科'], H: ['肝胆外科', '消化内科'],
  I: ['骨科', '骨科'], J: ['乳腺甲状腺外科', '皮肤科'], K: ['乳腺甲状腺外科', '内分泌科'], L: ['泌尿外科', '肾内科'],
  M: ['泌尿外科', '泌尿外科'], N: ['妇科', '妇科'], O: ['产科', '产科'], P: ['新生儿科', '新生儿科'], Q: ['普通外科', '血液科'],
  R: ['肿瘤科', '肿瘤科'], S: ['普通外科', '感染科'], T: ['普通外科', '精神科'], U: ['精神科', '精神科'], V: ['创伤外科', '急诊科'],
  W: ['烧伤科', '烧伤科'], X: ['普通外科', '康复医学科'], Y: ['感染科', '感染科'], Z: ['创伤外科', '创伤外科'],
};
const ADRG_DEPARTMENT: Record<string, string> = { RB1: '血液科', RB2: '血液科', RR1: '血液科', RS1: '血液科', RS2: '血液科', XS1: '全科医学科', XS2: '全科医学科', XT3: '全科医学科' };
const CHILD_DEPARTMENT = '儿科';
/** Plausible principal diagnoses for pre-MDC groups (whose rules name only procedures). */
const PRE_MDC_DX: Record<string, string[]> = {
  AA1: ['I42', 'I50'], AB1: ['K74', 'K72', 'C22'], AC1: ['E10', 'N18'], AD1: ['E10'], AE1: ['N18'], AF1: ['J84', 'J44'],
  AG1: ['C91', 'C92', 'D61'], AG2: ['C90', 'C83'], AH1: ['J96', 'A41', 'J18', 'I61', 'S06'],
};
/** Chapters a plain (non-CC) secondary diagnosis is drawn from: chronic and common conditions. */
const PLAIN_COMORBIDITY = /^([EFGHIJKLMN]|B1[5-9]|D5|D6)/;
/** Secondary diagnoses seen most often (listed first in the non-CC pool, so drawn most). */
const COMMON_SECONDARY = ['I10', 'E11', 'E78', 'I25', 'K76', 'E87', 'I48', 'N18', 'D64', 'J44', 'K29', 'M81'];

// ----- templates: consistent codes per DRG --------------------------------------------------------------
/** Severity pools and plans: plain, a CC, an MCC (Template.pools order; Sev in synthetic-fill.ts). */
const SEV_NONE = 0, SEV_CC = 1, SEV_MCC = 2;

export interface Template {
  adrg: string;
  mdc: string;
  kind: AdrgKind;
  pdx: number; // index into the dx case-code table
  pproc: number; // index into the proc case-code table, -1 none
  others: number[]; // procs every case of the template carries
  forcedSec: number[]; // secondary dx the rules need (HIV, second trauma region …)
  sex: number; // 0 either, 1, 2
  ageMin: number; ageMax: number; ageMean: number; ageSd: number;
  childShare: number;
  newborn: boolean; ageDaysMin: number; ageDaysMax: number;
  bwMin: number; bwMax: number;
  ventMin: number; ventMax: number;
  dept: number; childDept: number;
  pools: [Int32Array, Int32Array, Int32Array]; // non-CC, CC, MCC secondary pools (not excluded by the principal)
  z51: boolean;
  rw: number;
}

/** One way to make a DRG: a template plus a severity plan (which pool the severity code comes from). */
export interface Unit { t: number; plan: number; drg: number }

function resolveList(rs: Ruleset, ref: ListRef, orProcs: string[]): string[] {
  if (typeof ref !== 'string') return ref.codes;
  if (ref === OR_PROCEDURES_LIST) return orProcs;
  return rs.lists?.[ref] ?? [];
}

interface Constraints {
  pdx: string[][]; pproc: string[][]; anyDx: string[][]; anyProc: string[][];
  hits: { lists: string[][]; n: number }[];
  num: Partial<Record<NumberField, [number, number]>>;
  noOr: boolean; impossible: boolean;
}

function collect(rs: Ruleset, c: Condition, k: Constraints, orProcs: string[]): void {
  if (c === true) return;
  if (c === false) { k.impossible = true; return; }
  if ('and' in c) { for (const x of c.and) collect(rs, x, k, orProcs); return; }
  if ('or' in c) { const first = c.or.find((x) => x !== false); if (first !== undefined) collect(rs, first, k, orProcs); else k.impossible = true; return; }
  if ('not' in c) {
    const inner = c.not;
    if (typeof inner === 'object' && 'any_in' in inner && inner.any_in[1] === OR_PROCEDURES_LIST) k.noOr = true;
    return;
  }
  const list = (ref: ListRef) => resolveList(rs, ref, orProcs);
  if ('in' in c) { (c.in[0] === 'principal_dx' ? k.pdx : k.pproc).push(list(c.in[1])); return; }
  if ('any_in' in c) {
    const f = c.any_in[0];
    (f === 'all_dx' || f === 'secondary_dx' ? k.anyDx : k.anyProc).push(list(c.any_in[1]));
    return;
  }
  if ('has_code' in c) {
    const f = c.has_code[0];
    const dx = f === 'principal_dx' || f === 'all_dx' || f === 'secondary_dx';
    if (f === 'principal_dx') k.pdx.push([c.has_code[1]]);
    else if (f === 'principal_proc') k.pproc.push([c.has_code[1]]);
    else (dx ? k.anyDx : k.anyProc).push([c.has_code[1]]);
    return;
  }
  if ('cmp' in c) {
    const [field, op, v] = c.cmp;
    if (typeof v !== 'number') return;
    const r = k.num[field] ?? [-1e9, 1e9];
    if (op === '==') { r[0] = Math.max(r[0], v); r[1] = Math.min(r[1], v); }
    else if (op === '<') r[1] = Math.min(r[1], v - 1);
    else if (op === '<=') r[1] = Math.min(r[1], v);
    else if (op === '>') r[0] = Math.max(r[0], v + 1);
    else if (op === '>=') r[0] = Math.max(r[0], v);
    k.num[field] = r;
    return;
  }
  if ('hits_at_least' in c) { k.hits.push({ lists: c.hits_at_least[1].map(list), n: c.hits_at_least[2] }); return; }
}

/** Every list a secondary diagnosis could satisfy or a procedure could hit changes grouping: codes in them are not "safe" extras. */
function collectListRefs(c: Condition, dxRefs: Set<ListRef>, procRefs: Set<ListRef>): void {
  if (typeof c === 'boolean') return;
  if ('and' in c) c.and.forEach((x) => collectListRefs(x, dxRefs, procRefs));
  else if ('or' in c) c.or.forEach((x) => collectListRefs(x, dxRefs, procRefs));
  else if ('not' in c) collectListRefs(c.not, dxRefs, procRefs);
  else if ('any_in' in c) (c.any_in[0] === 'all_dx' || c.any_in[0] === 'secondary_dx' ? dxRefs : procRefs).add(c.any_in[1]);
  else if ('in' in c && c.in[0] === 'principal_proc') procRefs.add(c.in[1]);
  else if ('hits_at_least' in c) c.hits_at_least[1].forEach((r) => dxRefs.add(r));
  else if ('has_code' in c) {
    const f = c.has_code[0];
    (f === 'all_dx' || f === 'secondary_dx' || f === 'principal_dx' ? dxRefs : procRefs).add({ codes: [c.has_code[1]] });
  }
}

/** Every condition DRG grouping may test: checks, MDC guards and steps, ADRG conditions and splits. */
function groupingConditions(rs: Ruleset): Condition[] {
  const out: Condition[] = (rs.checks ?? []).map((ck) => ck.when);
  for (const m of rs.mdcs) { out.push(m.guard); for (const st of m.steps) if (st.when !== undefined) out.push(st.when); }
  for (const a of rs.adrgs) { out.push(a.when); for (const sp of a.splits) if (sp.when !== undefined) out.push(sp.when); }
  return out;
}

/** The values conditions compare each number field with ('any' when compared with another field). */
function collectThresholds(c: Condition, into: Map<NumberField, number[] | 'any'>): void {
  if (typeof c === 'boolean') return;
  if ('and' in c) c.and.forEach((x) => collectThresholds(x, into));
  else if ('or' in c) c.or.forEach((x) => collectThresholds(x, into));
  else if ('not' in c) collectThresholds(c.not, into);
  else if ('cmp' in c) {
    const [field, , v] = c.cmp;
    const mark = (f: NumberField, value: number | 'any') => {
      const known = into.get(f) ?? [];
      into.set(f, value === 'any' || known === 'any' ? 'any' : [...known, value]);
    };
    if (typeof v === 'number') mark(field, v);
    else if (v !== null) { mark(field, 'any'); mark(v.field, 'any'); }
  }
}

type SexDependence = Set<number> | 'all' | null;
const unionDependence = (a: SexDependence, b: SexDependence): SexDependence =>
  a === 'all' || b === 'all' ? 'all' : a === null ? b : b === null ? a : new Set([...a, ...b]);

/** The principal diagnoses (dx ids) a condition requires, when it is such a requirement. */
function pdxRequirement(c: Condition, ids: (ref: ListRef) => Set<number>): Set<number> | null {
  if (typeof c === 'boolean') return null;
  if ('in' in c) return c.in[0] === 'principal_dx' ? ids(c.in[1]) : null;
  if ('has_code' in c) return c.has_code[0] === 'principal_dx' ? ids({ codes: [c.has_code[1]] }) : null;
  if ('or' in c) {
    let all: Set<number> | null = new Set();
    for (const x of c.or) { const r = pdxRequirement(x, ids); all = r && all ? new Set([...all, ...r]) : null; }
    return all;
  }
  return null;
}

/**
 * For which principal diagnoses (dx ids) a condition's outcome may depend on the patient's sex: none (null),
 * some, or 'all'. Within an `and`, a requirement on the principal diagnosis bounds the dependence to it.
 */
function sexDependence(c: Condition, ids: (ref: ListRef) => Set<number>): SexDependence {
  if (typeof c === 'boolean') return null;
  if ('cmp' in c) { const v = c.cmp[2]; return c.cmp[0] === 'sex' || (typeof v === 'object' && v?.field === 'sex') ? 'all' : null; }
  if ('present' in c) return c.present === 'sex' ? 'all' : null;
  const parts = 'and' in c ? c.and : 'or' in c ? c.or : 'not' in c ? [c.not] : [];
  let dep: SexDependence = null;
  for (const x of parts) dep = unionDependence(dep, sexDependence(x, ids));
  if (dep === null || !('and' in c)) return dep;
  for (const x of c.and) {
    const req = pdxRequirement(x, ids);
    if (req) dep = dep === 'all' ? req : new Set([...dep].filter((id) => req.has(id)));
  }
  return dep;
}

/** A dictionary code as a case would carry it: `K80.1` → `K80.100`, `K80` → `K80.x00`, `51.23` → `51.2300`, `56.0` → `56.0x00`. */
function caseCode(code: string, space: 'dx' | 'proc'): string {
  if (space === 'dx') return code.length === 3 ? `${code}.x00` : code.length === 5 ? `${code}00` : code;
  return code.length === 5 ? `${code}00` : code.length === 4 ? `${code}x00` : code;
}

function shuffled<T>(xs: readonly T[], rand: () => number): T[] {
  const a = xs.slice();
  for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); const t = a[i]; a[i] = a[j]; a[j] = t; }
  return a;
}

/**
 * A code table: strings, and their UTF-8 bytes as lengths plus whole little-endian 32-bit words per code
 * (zero-padded), so list columns are built by copying a word or two per code.
 */
export class CodeTable {
  readonly codes: string[] = [];
  readonly index = new Map<string, number>();
  lengths = new Int32Array(0);
  words = new Int32Array(0);
  wordsPerCode = 1;
  add(code: string): number {
    let i = this.index.get(code);
    if (i === undefined) { i = this.codes.length; this.codes.push(code); this.index.set(code, i); }
    return i;
  }
  seal(): void {
    const enc = new TextEncoder();
    const parts = this.codes.map((c) => enc.encode(c));
    this.lengths = Int32Array.from(parts, (p) => p.length);
    this.wordsPerCode = parts.reduce((m, p) => Math.max(m, Math.ceil(p.length / 4)), 1);
    const padded = new Uint8Array(parts.length * this.wordsPerCode * 4);
    parts.forEach((p, i) => padded.set(p, i * this.wordsPerCode * 4));
    const view = new DataView(padded.buffer);
    this.words = Int32Array.from({ length: padded.length / 4 }, (_, k) => view.getInt32(4 * k, true));
  }
}

/** What the generator precomputes from a ruleset: templates verified by the reference grouper, and units per DRG. */
export interface Catalog {
  compiled: CompiledRuleset;
  dx: CodeTable;
  proc: CodeTable;
  templates: Template[];
  units: Unit[];
  /** Per unit: for upcodable units (no severity code, ADRG splits off an MCC DRG), the DRG the added MCC gives; else -1. */
  upcodeDrg: Int32Array;
  departments: string[];
  safeProcs: Int32Array;
  drgMeanCost: Float64Array;
  drgMeanLos: Float64Array;
  drgSuffix: string[];
  drgRw: Float64Array;
}

export function buildCatalog(rs: Ruleset): Catalog {
  const compiled = compileRuleset(rs);
  const rand = seededRandom(0x5eed_ca7a); // the catalog does not depend on the case seed
  const codes = new CatalogCodes(rs, compiled);
  // The steps run in this order: the shuffles draw from `rand` and the code tables number codes as first added.
  const { unsafeDx, unsafeProc } = unsafeCodes(rs, codes.orProcs);
  const secondary = secondaryCodes(rs.diagnoses ?? [], unsafeDx, compiled, codes, rand);
  const safeProcs = safeProcedures(rs.procedures ?? [], unsafeProc, codes);
  const poolsFor = severityPools(compiled, secondary, codes);
  const departments: string[] = [];
  const candidates = templateCandidates(rs, codes, poolsFor, departments, rand);
  const results = verifiedDrgs(candidates, compiled, codes, groupingSensitivity(rs, codes));
  const { templates, units, upcode } = keptTemplates(candidates, results, compiled, codes, rs);
  codes.dx.seal();
  codes.proc.seal();
  const drgCodes = compiled.strings.drgCodes;
  return {
    compiled, dx: codes.dx, proc: codes.proc, templates, units, upcodeDrg: Int32Array.from(upcode), departments, safeProcs,
    ...drgMeans(compiled), drgSuffix: drgCodes.map((c) => c.charAt(c.length - 1)),
  };
}

/** The ruleset's codes as the catalog uses them, and the case-code tables it fills (a code's index is its order of first use). */
class CatalogCodes {
  readonly dx = new CodeTable();
  readonly proc = new CodeTable();
  readonly dxCodes: string[];
  readonly orProcs: string[];
  readonly dxEnc: (code: string) => number;
  readonly procEnc: (code: string) => number;
  constructor(rs: Ruleset, compiled: CompiledRuleset) {
    this.dxCodes = (rs.diagnoses ?? []).map((d) => d.code);
    this.orProcs = (rs.procedures ?? []).filter((p) => p.or).map((p) => p.code);
    this.dxEnc = createCodeEncoder(compiled, 'dx');
    this.procEnc = createCodeEncoder(compiled, 'proc');
  }
  /** The case code of a dictionary code, when it encodes back to the same entry; else the code itself. */
  dxCase(code: string): string { const c = caseCode(code, 'dx'); return this.dxEnc(c) === this.dxEnc(code) ? c : code; }
  procCase(code: string): string { const c = caseCode(code, 'proc'); return this.procEnc(c) === this.procEnc(code) ? c : code; }
  /** Dictionary codes under any of `codes`. */
  expandDx(codes: readonly string[]): string[] {
    const out = new Set<string>();
    for (const c of codes) for (const d of this.dxCodes) if (d.startsWith(c)) out.add(d);
    return [...out];
  }
}

/** Codes that may not be added freely: in some list a condition reads as secondary dx / any procedure. */
function unsafeCodes(rs: Ruleset, orProcs: string[]): { unsafeDx: Set<string>; unsafeProc: Set<string> } {
  const dxRefs = new Set<ListRef>(), procRefs = new Set<ListRef>();
  for (const m of rs.mdcs) collectListRefs(m.guard, dxRefs, procRefs);
  for (const a of rs.adrgs) { collectListRefs(a.when, dxRefs, procRefs); for (const s of a.splits) if (s.when !== undefined) collectListRefs(s.when, dxRefs, procRefs); }
  for (const m of rs.mdcs) for (const s of m.steps) if (s.when !== undefined) collectListRefs(s.when, dxRefs, procRefs);
  const unsafeDx = new Set<string>(), unsafeProc = new Set<string>();
  for (const r of dxRefs) for (const c of resolveList(rs, r, orProcs)) unsafeDx.add(c);
  for (const r of procRefs) for (const c of resolveList(rs, r, orProcs)) unsafeProc.add(c);
  return { unsafeDx, unsafeProc };
}

/** What a template's verification must vary: the sexes, and the corners of its age and weight ranges. */
interface GroupingSensitivity {
  /** Principal diagnoses whose DRG may depend on sex: other templates are verified with one sex only. */
  sexDependent: SexDependence;
  /** Whether a compared value of the field lies between lo and hi (then both corners are verified). */
  between: (field: NumberField, lo: number | null, hi: number | null) => boolean;
}

function groupingSensitivity(rs: Ruleset, codes: CatalogCodes): GroupingSensitivity {
  const listIds = (ref: ListRef) => new Set(resolveList(rs, ref, codes.orProcs).map(codes.dxEnc));
  const conditions = groupingConditions(rs);
  let sexDependent: SexDependence = null;
  for (const c of conditions) sexDependent = unionDependence(sexDependent, sexDependence(c, listIds));
  const thresholds = new Map<NumberField, number[] | 'any'>();
  for (const c of conditions) collectThresholds(c, thresholds);
  const between = (field: NumberField, lo: number | null, hi: number | null) => {
    if (lo === hi) return false;
    const th = thresholds.get(field);
    return th !== undefined && (th === 'any' || lo === null || hi === null || th.some((v) => v >= lo - 1 && v <= hi + 1));
  };
  return { sexDependent, between };
}

/** Secondary diagnoses by severity (SEV_*), for adults and children and for newborns. */
type SeverityCodes = [string[], string[], string[]];

function secondaryCodes(
  diagnoses: readonly { code: string }[], unsafeDx: Set<string>, compiled: CompiledRuleset, codes: CatalogCodes, rand: () => number,
): { general: SeverityCodes; newborn: SeverityCodes } {
  const sev = compiled.tables.dxSeverity;
  const general: SeverityCodes = [[], [], []];
  const newborn: SeverityCodes = [[], [], []];
  for (const d of diagnoses) {
    if (unsafeDx.has(d.code) || dxSexLimit(d.code) !== 0 || d.code.startsWith('O')) continue;
    const id = codes.dxEnc(d.code);
    if (id < 0) continue;
    const level = sev[id] === 1 ? SEV_MCC : sev[id] === 3 ? SEV_CC : SEV_NONE;
    // Comorbidities, not second diseases: no tumours, injuries, symptoms or Z codes as plain secondaries.
    if (level === SEV_NONE && !isPerinatalDx(d.code) && !PLAIN_COMORBIDITY.test(d.code)) continue;
    (isPerinatalDx(d.code) ? newborn : general)[level].push(d.code);
  }
  // Most common comorbidities first; the rest in a fixed shuffled order (drawn Zipf-like).
  const ordered = (list: string[]) => {
    const common = COMMON_SECONDARY.flatMap((p) => list.filter((c) => c === p || (c.startsWith(p) && c.length === p.length)));
    return [...common, ...shuffled(list.filter((c) => !common.includes(c)), rand)];
  };
  for (const p of [general, newborn]) for (let l = 0; l < 3; l++) p[l] = ordered(p[l]);
  return { general, newborn };
}

/** Extra procedures any case may carry: imaging and other diagnostics that no grouping rule reads. */
function safeProcedures(procedures: readonly ProcedureEntry[], unsafeProc: Set<string>, codes: CatalogCodes): Int32Array {
  return Int32Array.from(
    procedures.filter((p) => !p.or && !unsafeProc.has(p.code) && (p.dip_class ?? 1) <= 1 && /^(87|88|89)\./.test(p.code))
      .map((p) => codes.proc.add(codes.procCase(p.code))));
}

type Pools = [Int32Array, Int32Array, Int32Array];

/** Per principal diagnosis: secondary pools (dx-table indices) whose CC/MCC are not excluded by it (§2.6). Cached. */
function severityPools(
  compiled: CompiledRuleset, secondary: { general: SeverityCodes; newborn: SeverityCodes }, codes: CatalogCodes,
): (pdxCode: string, newborn: boolean) => Pools {
  const excl = compiled.tables.dxCcExclusion, pexcl = compiled.tables.dxPrincipalExclusion;
  const { general, newborn: newbornCodes } = secondary;
  const poolCache = new Map<string, Pools>();
  // Per source pool, computed once: 3-letter stems, encoded ids, case codes, and dx-table indices (a code is added
  // to the dx table when a pool first takes it: that order is the dx dictionary's).
  interface PoolInfo { stem: string[]; id: Int32Array; caseCode: string[]; dxIdx: Int32Array }
  const poolInfo = new Map<string[], PoolInfo>();
  const infoOf = (list: string[]): PoolInfo => {
    let info = poolInfo.get(list);
    if (!info) {
      info = {
        stem: list.map((c) => c.slice(0, 3)), id: Int32Array.from(list, (c) => codes.dxEnc(c)),
        caseCode: list.map((c) => codes.dxCase(c)), dxIdx: new Int32Array(list.length).fill(-1),
      };
      poolInfo.set(list, info);
    }
    return info;
  };
  return (pdxCode, newborn) => {
    const key = `${newborn ? 'n' : 'g'}|${pdxCode}`;
    const hit = poolCache.get(key);
    if (hit) return hit;
    const p = codes.dxEnc(pdxCode);
    const src = newborn && newbornCodes[0].length ? newbornCodes : general;
    const stem = pdxCode.slice(0, 3);
    const pools = [0, 1, 2].map((l) => {
      const list = src[l].length || !newborn ? src[l] : general[l];
      const info = infoOf(list);
      const out: number[] = [];
      const ex = pexcl[p];
      for (let j = 0; j < list.length; j++) {
        if (info.stem[j] === stem) continue;
        if (l > 0 && ex >= 0 && excl[info.id[j]] === ex) continue;
        let d = info.dxIdx[j];
        if (d < 0) { d = codes.dx.add(info.caseCode[j]); info.dxIdx[j] = d; }
        out.push(d);
      }
      return Int32Array.from(out);
    }) as Pools;
    poolCache.set(key, pools);
    return pools;
  };
}

/** A template before verification, with its codes as dictionary codes (not yet in the code tables). */
interface Candidate { tpl: Template; codes: { pdx: string; pproc: string | null; others: string[]; forced: string[] } }

/** An ADRG step of an MDC, as its templates see it. */
interface AdrgStep { adrg: string; mdc: string; kind: AdrgKind; sexFixed: number; deptName: string }

/** Code choices of one ADRG step: principal dx and procedure candidates, and lists each case must also hit. */
interface StepCodes { pdx: string[]; pproc: string[] | null; otherLists: string[][]; forcedLists: string[][] }

/** Up to 16 candidate templates per ADRG step of every MDC, from the constraints its guard and conditions put on codes. */
function templateCandidates(
  rs: Ruleset, codes: CatalogCodes, poolsFor: (pdxCode: string, newborn: boolean) => Pools, departments: string[], rand: () => number,
): Candidate[] {
  // DIP catalog pairs: which diagnoses a procedure is done for (to pick plausible principal dx for surgery).
  const dxForProc = new Map<string, string[]>();
  for (const e of rs.dip_catalog ?? []) for (const p of e.procs) { const l = dxForProc.get(p) ?? []; l.push(e.dx); dxForProc.set(p, l); }
  const deptIndex = (name: string) => { let i = departments.indexOf(name); if (i < 0) { i = departments.length; departments.push(name); } return i; };
  const candidates: Candidate[] = [];
  for (const mdc of rs.mdcs) {
    const letter = mdc.code.replace(/^MDC/, '').charAt(0);
    for (const step of mdc.steps) {
      if (!('adrg' in step)) continue;
      const adrg = rs.adrgs.find((a) => a.code === step.adrg);
      if (!adrg) continue;
      const k: Constraints = { pdx: [], pproc: [], anyDx: [], anyProc: [], hits: [], num: {}, noOr: false, impossible: false };
      collect(rs, mdc.guard, k, codes.orProcs);
      collect(rs, adrg.when, k, codes.orProcs);
      if (step.when !== undefined) collect(rs, step.when, k, codes.orProcs);
      if (k.impossible) continue;
      const kind = adrgKindOf(adrg);
      const sexR = k.num.sex;
      const sexFixed = sexR && sexR[0] === sexR[1] ? sexR[0] : letter === 'O' || letter === 'N' ? 2 : letter === 'M' ? 1 : 0;
      const choices = stepCodes(k, adrg.code, sexFixed, codes, dxForProc, rand);
      if (!choices) continue;
      const deptName = ADRG_DEPARTMENT[adrg.code] ?? (MDC_DEPARTMENT[letter] ?? ['普通外科', '全科医学科'])[kind === 'surgical' ? 0 : 1];
      const at: AdrgStep = { adrg: adrg.code, mdc: letter, kind, sexFixed, deptName };
      candidates.push(...stepTemplates(at, k, choices, poolsFor, deptIndex));
    }
  }
  return candidates;
}

/**
 * The principal diagnoses (at most 16, shuffled) and procedures (at most 12) an ADRG step's constraints allow,
 * and the lists the other codes must come from; null when none fits.
 */
function stepCodes(
  k: Constraints, adrgCode: string, sexFixed: number, codes: CatalogCodes, dxForProc: Map<string, string[]>, rand: () => number,
): StepCodes | null {
  // Principal diagnosis candidates.
  let pdx: string[] | null = null;
  for (const l of k.pdx) { const s = new Set(l); pdx = pdx ? pdx.filter((c) => s.has(c)) : [...new Set(l)]; }
  const forcedLists: string[][] = [];
  for (const l of k.anyDx) {
    const s = new Set(l);
    if (pdx === null) pdx = l.slice();
    else { const inter = pdx.filter((c) => s.has(c)); if (inter.length) pdx = inter; else forcedLists.push(l); }
  }
  if (pdx === null) pdx = codes.expandDx(PRE_MDC_DX[adrgCode] ?? []);
  if (pdx.length === 0) pdx = codes.dxCodes.slice();

  // Procedures: principal from the principal-procedure lists (or the first any-procedure list), one from each other list.
  let pproc: string[] | null = null;
  for (const l of k.pproc) { const s = new Set(l); pproc = pproc ? pproc.filter((c) => s.has(c)) : l.slice(); }
  const otherLists: string[][] = [];
  for (const l of k.anyProc) {
    const s = new Set(l);
    const inter = pproc ? pproc.filter((c) => s.has(c)) : [];
    if (inter.length) pproc = inter; // the principal procedure already meets it (e.g. the pre-MDC guard)
    else if (pproc === null) pproc = l.slice();
    else otherLists.push(l);
  }
  if (pproc !== null && pproc.length === 0) return null;
  if (pproc && pproc.length > 12) pproc = shuffled(pproc, rand).slice(0, 12);

  // Surgery is done for some diagnoses: prefer those the DIP catalog pairs with the procedure.
  if (pproc && pdx.length > 1) {
    const keys = pproc.flatMap((p) => dxForProc.get(p) ?? []);
    const preferred = pdx.filter((c) => keys.some((key) => c.startsWith(key) || key.startsWith(c)));
    if (preferred.length) pdx = preferred;
  }
  pdx = pdx.filter((c) => { const lim = dxSexLimit(c); return sexFixed === 0 || lim === 0 || lim === sexFixed; });
  pdx = shuffled(pdx, rand).slice(0, 16);
  if (!pdx.length) return null;
  return { pdx, pproc, otherLists, forcedLists };
}

/** An ADRG step's candidates: the i-th pairs the i-th principal diagnosis and procedure, with ages, weights and pools to fit. */
function stepTemplates(
  at: AdrgStep, k: Constraints, choices: StepCodes, poolsFor: (pdxCode: string, newborn: boolean) => Pools,
  deptIndex: (name: string) => number,
): Candidate[] {
  const { pdx, pproc, otherLists, forcedLists } = choices;
  const { mdc: letter, kind, deptName } = at;
  const ageY = k.num.age_years, ageD = k.num.age_days, bw = k.num.birth_weight_g;
  const infant = ageY !== undefined && ageY[1] <= 0;
  const newborn = infant && ageD !== undefined && ageD[1] <= 28;
  const base = MDC_AGE[letter] ?? [50, 18];
  const out: Candidate[] = [];
  const n = Math.max(pdx.length, pproc ? pproc.length : 1);
  for (let i = 0; i < Math.min(16, n); i++) {
    const p = pdx[i % pdx.length];
    const pp = pproc ? pproc[i % pproc.length] : null;
    const others = otherLists.map((l) => l.filter((c) => c !== pp)[i % Math.max(1, l.length - 1)] ?? l[0]);
    const forced = forcedLists.map((l) => l[i % l.length]);
    for (const h of k.hits) {
      const mine = h.lists.findIndex((l) => l.includes(p));
      const rest = h.lists.filter((_, j) => j !== mine);
      for (let j = 0; j < h.n - (mine >= 0 ? 1 : 0) && j < rest.length; j++) forced.push(rest[(i + j) % rest.length][0]);
    }
    const paediatric = PAEDIATRIC_DX.some((q) => p.startsWith(q));
    let [ageMin, ageMax] = infant ? [0, 0] : paediatric ? [1, 14] : letter === 'O' ? [18, 45] : [18, 95];
    if (ageY) { ageMin = Math.max(ageMin, ageY[0]); ageMax = Math.min(ageMax, ageY[1]); }
    if (ageMin > ageMax) continue;
    const codesAll = [pp, ...others].filter((c): c is string => c !== null);
    const tpl: Template = {
      adrg: at.adrg, mdc: letter, kind, pdx: -1, pproc: -1, others: [], forcedSec: [],
      sex: at.sexFixed || dxSexLimit(p), ageMin, ageMax,
      ageMean: paediatric ? 6 : base[0], ageSd: paediatric ? 4 : base[1],
      childShare: infant || paediatric || ageY || kind !== 'medical' ? 0 : CHILD_SHARE[letter] ?? 0,
      newborn, ageDaysMin: infant ? Math.max(0, ageD?.[0] ?? (newborn ? 0 : 29)) : -1,
      ageDaysMax: infant ? Math.min(newborn ? 28 : 364, ageD?.[1] ?? 364) : -1,
      bwMin: infant ? Math.max(bw?.[0] ?? (newborn ? 2500 : -1), 400) : -1,
      bwMax: infant ? Math.min(bw?.[1] ?? 4200, 4500) : -1,
      ventMin: codesAll.some((c) => c.startsWith('96.72')) ? 96 : codesAll.some((c) => c.startsWith('96.71')) ? 8 : -1,
      ventMax: codesAll.some((c) => c.startsWith('96.72')) ? 480 : 95,
      dept: deptIndex(deptName), childDept: deptIndex(kind === 'medical' ? CHILD_DEPARTMENT : deptName),
      pools: poolsFor(p, newborn), z51: p.startsWith('Z51'), rw: 1,
    };
    if (tpl.newborn && (tpl.bwMin < 0 || tpl.bwMin > tpl.bwMax)) continue;
    // Keep only codes a clean case may carry (§11): perinatal codes only up to 28 days.
    if (isPerinatalDx(p) && !newborn) continue;
    out.push({ tpl, codes: { pdx: p, pproc: pp, others, forced } });
  }
  return out;
}

/**
 * Verifies every candidate with the reference grouper at the corners of its ages and weights (and both sexes)
 * where they could group differently, and with one code of each severity pool: per candidate and plan, the DRG
 * all those cases land in when it is one unambiguous DRG of the template's ADRG, else -1.
 */
function verifiedDrgs(
  candidates: readonly Candidate[], compiled: CompiledRuleset, codes: CatalogCodes, sensitivity: GroupingSensitivity,
): number[][] {
  const { sexDependent, between } = sensitivity;
  const inputs: CaseInput[] = [];
  const plans: number[][] = [];
  const perPlan: number[] = [];
  for (const { tpl, codes: c } of candidates) {
    const poolCodes = [0, 1, 2].map((l) => (tpl.pools[l].length ? codes.dx.codes[tpl.pools[l][0]] : null));
    const present = (v: number) => (v >= 0 ? v : null);
    const low = { age: tpl.ageMin, days: present(tpl.ageDaysMin), bw: present(tpl.bwMin) };
    const high = { age: tpl.ageMax, days: present(tpl.ageDaysMax), bw: present(tpl.bwMax - 1) };
    const corners = between('age_years', low.age, high.age) || between('age_days', low.days, high.days) || between('birth_weight_g', low.bw, high.bw)
      ? [low, high] : [low];
    const bothSexes = sexDependent === 'all' || (sexDependent !== null && sexDependent.has(codes.dxEnc(c.pdx)));
    const sexes = tpl.sex ? [tpl.sex] : bothSexes ? [1, 2] : [1];
    const row: number[] = [];
    for (let plan = 0; plan < 3; plan++) {
      row.push(inputs.length);
      const extra = plan === 0 ? [] : poolCodes[plan] ? [poolCodes[plan]!] : null;
      for (const corner of corners) for (const s of sexes) {
        inputs.push({
          principal_dx: codes.dxCase(c.pdx), secondary_dx: extra === null ? ['?'] : [...c.forced.map((d) => codes.dxCase(d)), ...extra],
          principal_proc: c.pproc ? codes.procCase(c.pproc) : null, other_procs: c.others.map((p) => codes.procCase(p)),
          age_years: corner.age, age_days: corner.days, sex: s, birth_weight_g: corner.bw, los: 5, discharge_status: 1,
        });
      }
    }
    plans.push(row);
    perPlan.push(corners.length * sexes.length);
  }
  const out = groupDrg(compiled, encodeCaseRecords(compiled, inputs));
  return candidates.map(({ tpl }, ci) => plans[ci].map((start) => {
    let drg = out.drg[start];
    for (let j = start; j < start + perPlan[ci]; j++) if (out.drg[j] !== drg || out.reason[j] !== 0) drg = -1;
    return drg >= 0 && compiled.tables.drgAmbiguous[drg] === 0 && compiled.strings.adrgCodes[compiled.tables.drgAdrg[drg]] === tpl.adrg ? drg : -1;
  }));
}

/** The verified templates, their codes now in the code tables, and the (template, plan) units that land in one DRG. */
function keptTemplates(
  candidates: readonly Candidate[], results: number[][], compiled: CompiledRuleset, codes: CatalogCodes, rs: Ruleset,
): { templates: Template[]; units: Unit[]; upcode: number[] } {
  const rwOf = new Map(rs.drgs.map((d) => [d.code, d.weight ?? 1]));
  const drgCodes = compiled.strings.drgCodes;
  const templates: Template[] = [];
  const units: Unit[] = [];
  const upcode: number[] = [];
  candidates.forEach(({ tpl, codes: c }, ci) => {
    const drgs = results[ci];
    if (drgs[0] < 0) return;
    const t = templates.length;
    tpl.pdx = codes.dx.add(codes.dxCase(c.pdx));
    tpl.pproc = c.pproc ? codes.proc.add(codes.procCase(c.pproc)) : -1;
    tpl.others = c.others.map((p) => codes.proc.add(codes.procCase(p)));
    tpl.forcedSec = c.forced.map((d) => codes.dx.add(codes.dxCase(d)));
    tpl.rw = rwOf.get(drgCodes[drgs[0]]) ?? 1;
    templates.push(tpl);
    for (let plan = 0; plan < 3; plan++) {
      if (drgs[plan] < 0 || tpl.pools[plan].length === 0 && plan > 0) continue;
      units.push({ t, plan, drg: drgs[plan] });
      const mccDrg = drgs[2];
      const upcodable = plan === 0 && mccDrg >= 0 && mccDrg !== drgs[0] && drgCodes[mccDrg].endsWith('1');
      upcode.push(upcodable ? mccDrg : -1);
    }
  });
  return { templates, units, upcode };
}

/** Per DRG: weight, mean cost and mean LOS, with teaching defaults where the ruleset has none. */
function drgMeans(compiled: CompiledRuleset): { drgMeanCost: Float64Array; drgMeanLos: Float64Array; drgRw: Float64Array } {
  const nDrg = compiled.strings.drgCodes.length;
  const drgMeanCost = new Float64Array(nDrg), drgMeanLos = new Float64Array(nDrg), drgRw = new Float64Array(nDrg);
  for (let d = 0; d < nDrg; d++) {
    const w = compiled.tables.drgWeight[d];
    drgRw[d] = Number.isFinite(w) && w > 0 ? w : 1;
    const c = compiled.tables.drgMeanCost[d], l = compiled.tables.drgMeanLos[d];
    drgMeanCost[d] = Number.isFinite(c) && c > 0 ? c : drgRw[d] * 12000;
    drgMeanLos[d] = Number.isFinite(l) && l > 0 ? l : 7;
  }
  return { drgMeanCost, drgMeanLos, drgRw };
}
