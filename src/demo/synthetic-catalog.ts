// The synthetic generator's catalog (Case data issue): from a ruleset, consistent code templates per DRG,
// each verified by the reference grouper, and the (template, severity plan) units cases are drawn from.
import { compileRuleset, type CompiledRuleset } from '../rules/ruleset-compile.ts';
import { createCodeEncoder, encodeCaseRecords, type CaseInput } from '../rules/case-encoding.ts';
import { groupDrg } from '../engine/reference/drg-grouper.ts';
import {
  OR_PROCEDURES_LIST, adrgKindOf, type AdrgKind, type Condition, type ListRef, type NumberField, type Ruleset,
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
  const diagnoses = rs.diagnoses ?? [];
  const procedures = rs.procedures ?? [];
  const dxCodes = diagnoses.map((d) => d.code);
  const orProcs = procedures.filter((p) => p.or).map((p) => p.code);
  const dxEnc = createCodeEncoder(compiled, 'dx');
  const procEnc = createCodeEncoder(compiled, 'proc');
  const dx = new CodeTable();
  const proc = new CodeTable();
  // The case code of a dictionary code, when it encodes back to the same entry; else the code itself.
  const dxCase = (code: string) => { const c = caseCode(code, 'dx'); return dxEnc(c) === dxEnc(code) ? c : code; };
  const procCase = (code: string) => { const c = caseCode(code, 'proc'); return procEnc(c) === procEnc(code) ? c : code; };
  const expandDx = (codes: readonly string[]) => {
    const out = new Set<string>();
    for (const c of codes) for (const d of dxCodes) if (d.startsWith(c)) out.add(d);
    return [...out];
  };

  // Codes that may be added freely: not in any list a condition reads as secondary dx / any procedure.
  const dxRefs = new Set<ListRef>(), procRefs = new Set<ListRef>();
  for (const m of rs.mdcs) collectListRefs(m.guard, dxRefs, procRefs);
  for (const a of rs.adrgs) { collectListRefs(a.when, dxRefs, procRefs); for (const s of a.splits) if (s.when !== undefined) collectListRefs(s.when, dxRefs, procRefs); }
  for (const m of rs.mdcs) for (const s of m.steps) if (s.when !== undefined) collectListRefs(s.when, dxRefs, procRefs);
  const unsafeDx = new Set<string>(), unsafeProc = new Set<string>();
  for (const r of dxRefs) for (const c of resolveList(rs, r, orProcs)) unsafeDx.add(c);
  for (const r of procRefs) for (const c of resolveList(rs, r, orProcs)) unsafeProc.add(c);
  // Principal diagnoses whose DRG may depend on sex: other templates are verified with one sex only.
  const listIds = (ref: ListRef) => new Set(resolveList(rs, ref, orProcs).map(dxEnc));
  const conditions = groupingConditions(rs);
  let sexDependent: SexDependence = null;
  for (const c of conditions) sexDependent = unionDependence(sexDependent, sexDependence(c, listIds));
  // Likewise ages and birth weights: a template's two corners group alike when no compared value lies between them.
  const thresholds = new Map<NumberField, number[] | 'any'>();
  for (const c of conditions) collectThresholds(c, thresholds);
  const between = (field: NumberField, lo: number | null, hi: number | null) => {
    if (lo === hi) return false;
    const th = thresholds.get(field);
    return th !== undefined && (th === 'any' || lo === null || hi === null || th.some((v) => v >= lo - 1 && v <= hi + 1));
  };
  const sev = compiled.tables.dxSeverity;
  const generalPool: [string[], string[], string[]] = [[], [], []];
  const newbornPool: [string[], string[], string[]] = [[], [], []];
  for (const d of diagnoses) {
    if (unsafeDx.has(d.code) || dxSexLimit(d.code) !== 0 || d.code.startsWith('O')) continue;
    const id = dxEnc(d.code);
    if (id < 0) continue;
    const level = sev[id] === 1 ? SEV_MCC : sev[id] === 3 ? SEV_CC : SEV_NONE;
    // Comorbidities, not second diseases: no tumours, injuries, symptoms or Z codes as plain secondaries.
    if (level === SEV_NONE && !isPerinatalDx(d.code) && !PLAIN_COMORBIDITY.test(d.code)) continue;
    (isPerinatalDx(d.code) ? newbornPool : generalPool)[level].push(d.code);
  }
  // Most common comorbidities first; the rest in a fixed shuffled order (drawn Zipf-like).
  const ordered = (codes: string[]) => {
    const common = COMMON_SECONDARY.flatMap((p) => codes.filter((c) => c === p || (c.startsWith(p) && c.length === p.length)));
    return [...common, ...shuffled(codes.filter((c) => !common.includes(c)), rand)];
  };
  for (const p of [generalPool, newbornPool]) for (let l = 0; l < 3; l++) p[l] = ordered(p[l]);
  // Extra procedures any case may carry: imaging and other diagnostics that no grouping rule reads.
  const safeProcs = Int32Array.from(
    procedures.filter((p) => !p.or && !unsafeProc.has(p.code) && (p.dip_class ?? 1) <= 1 && /^(87|88|89)\./.test(p.code))
      .map((p) => proc.add(procCase(p.code))));

  // Per principal diagnosis: secondary pools whose CC/MCC are not excluded by it (§2.6).
  const excl = compiled.tables.dxCcExclusion, pexcl = compiled.tables.dxPrincipalExclusion;
  const poolCache = new Map<string, [Int32Array, Int32Array, Int32Array]>();
  // Per source pool, computed once: 3-letter stems, encoded ids, case codes, and dx-table indices (added on first use,
  // in the same order as before, so the dx dictionary is unchanged).
  interface PoolInfo { stem: string[]; id: Int32Array; caseCode: string[]; dxIdx: Int32Array }
  const poolInfo = new Map<string[], PoolInfo>();
  const infoOf = (codes: string[]): PoolInfo => {
    let info = poolInfo.get(codes);
    if (!info) {
      info = {
        stem: codes.map((c) => c.slice(0, 3)), id: Int32Array.from(codes, (c) => dxEnc(c)),
        caseCode: codes.map(dxCase), dxIdx: new Int32Array(codes.length).fill(-1),
      };
      poolInfo.set(codes, info);
    }
    return info;
  };
  const poolsFor = (pdxCode: string, newborn: boolean): [Int32Array, Int32Array, Int32Array] => {
    const key = `${newborn ? 'n' : 'g'}|${pdxCode}`;
    const hit = poolCache.get(key);
    if (hit) return hit;
    const p = dxEnc(pdxCode);
    const src = newborn && newbornPool[0].length ? newbornPool : generalPool;
    const stem = pdxCode.slice(0, 3);
    const pools = [0, 1, 2].map((l) => {
      const codes = src[l].length || !newborn ? src[l] : generalPool[l];
      const info = infoOf(codes);
      const out: number[] = [];
      const ex = pexcl[p];
      for (let j = 0; j < codes.length; j++) {
        if (info.stem[j] === stem) continue;
        if (l > 0 && ex >= 0 && excl[info.id[j]] === ex) continue;
        let d = info.dxIdx[j];
        if (d < 0) { d = dx.add(info.caseCode[j]); info.dxIdx[j] = d; }
        out.push(d);
      }
      return Int32Array.from(out);
    }) as [Int32Array, Int32Array, Int32Array];
    poolCache.set(key, pools);
    return pools;
  };

  // DIP catalog pairs: which diagnoses a procedure is done for (to pick plausible principal dx for surgery).
  const dxForProc = new Map<string, string[]>();
  for (const e of rs.dip_catalog ?? []) for (const p of e.procs) { const l = dxForProc.get(p) ?? []; l.push(e.dx); dxForProc.set(p, l); }

  const departments: string[] = [];
  const deptIndex = (name: string) => { let i = departments.indexOf(name); if (i < 0) { i = departments.length; departments.push(name); } return i; };
  const rwOf = new Map(rs.drgs.map((d) => [d.code, d.weight ?? 1]));
  const candidates: { tpl: Template; codes: { pdx: string; pproc: string | null; others: string[]; forced: string[] } }[] = [];

  for (const mdc of rs.mdcs) {
    const letter = mdc.code.replace(/^MDC/, '').charAt(0);
    for (const step of mdc.steps) {
      if (!('adrg' in step)) continue;
      const adrg = rs.adrgs.find((a) => a.code === step.adrg);
      if (!adrg) continue;
      const k: Constraints = { pdx: [], pproc: [], anyDx: [], anyProc: [], hits: [], num: {}, noOr: false, impossible: false };
      collect(rs, mdc.guard, k, orProcs);
      collect(rs, adrg.when, k, orProcs);
      if (step.when !== undefined) collect(rs, step.when, k, orProcs);
      if (k.impossible) continue;
      const kind = adrgKindOf(adrg);
      const sexR = k.num.sex;
      const sexFixed = sexR && sexR[0] === sexR[1] ? sexR[0] : letter === 'O' || letter === 'N' ? 2 : letter === 'M' ? 1 : 0;

      // Principal diagnosis candidates.
      let pdx: string[] | null = null;
      for (const l of k.pdx) { const s = new Set(l); pdx = pdx ? pdx.filter((c) => s.has(c)) : [...new Set(l)]; }
      const forcedLists: string[][] = [];
      for (const l of k.anyDx) {
        const s = new Set(l);
        if (pdx === null) pdx = l.slice();
        else { const inter = pdx.filter((c) => s.has(c)); if (inter.length) pdx = inter; else forcedLists.push(l); }
      }
      if (pdx === null) pdx = expandDx(PRE_MDC_DX[adrg.code] ?? []);
      if (pdx.length === 0) pdx = dxCodes.slice();

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
      if (pproc !== null && pproc.length === 0) continue;
      if (pproc && pproc.length > 12) pproc = shuffled(pproc, rand).slice(0, 12);

      // Surgery is done for some diagnoses: prefer those the DIP catalog pairs with the procedure.
      if (pproc && pdx.length > 1) {
        const keys = pproc.flatMap((p) => dxForProc.get(p) ?? []);
        const preferred = pdx.filter((c) => keys.some((key) => c.startsWith(key) || key.startsWith(c)));
        if (preferred.length) pdx = preferred;
      }
      pdx = pdx.filter((c) => { const lim = dxSexLimit(c); return sexFixed === 0 || lim === 0 || lim === sexFixed; });
      pdx = shuffled(pdx, rand).slice(0, 16);
      if (!pdx.length) continue;

      const ageY = k.num.age_years, ageD = k.num.age_days, bw = k.num.birth_weight_g;
      const infant = ageY !== undefined && ageY[1] <= 0;
      const newborn = infant && ageD !== undefined && ageD[1] <= 28;
      const base = MDC_AGE[letter] ?? [50, 18];
      const surgicalDept = kind === 'surgical';
      const deptName = ADRG_DEPARTMENT[adrg.code] ?? (MDC_DEPARTMENT[letter] ?? ['普通外科', '全科医学科'])[surgicalDept ? 0 : 1];
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
        const lim = dxSexLimit(p);
        let [ageMin, ageMax] = infant ? [0, 0] : paediatric ? [1, 14] : letter === 'O' ? [18, 45] : [18, 95];
        if (ageY) { ageMin = Math.max(ageMin, ageY[0]); ageMax = Math.min(ageMax, ageY[1]); }
        if (ageMin > ageMax) continue;
        const codesAll = [pp, ...others].filter((c): c is string => c !== null);
        const tpl: Template = {
          adrg: adrg.code, mdc: letter, kind, pdx: -1, pproc: -1, others: [], forcedSec: [],
          sex: sexFixed || lim, ageMin, ageMax,
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
        candidates.push({ tpl, codes: { pdx: p, pproc: pp, others, forced } });
      }
    }
  }

  // Verify every candidate with the reference grouper at the corners of its ages and weights (and both sexes)
  // where they could group differently, and with one code of each severity pool; keep the (template, plan)
  // pairs that land in one DRG of their ADRG.
  const inputs: CaseInput[] = [];
  const plans: number[][] = [];
  const perPlan: number[] = [];
  for (const { tpl, codes } of candidates) {
    const poolCodes = [0, 1, 2].map((l) => (tpl.pools[l].length ? dx.codes[tpl.pools[l][0]] : null));
    const present = (v: number) => (v >= 0 ? v : null);
    const low = { age: tpl.ageMin, days: present(tpl.ageDaysMin), bw: present(tpl.bwMin) };
    const high = { age: tpl.ageMax, days: present(tpl.ageDaysMax), bw: present(tpl.bwMax - 1) };
    const corners = between('age_years', low.age, high.age) || between('age_days', low.days, high.days) || between('birth_weight_g', low.bw, high.bw)
      ? [low, high] : [low];
    const bothSexes = sexDependent === 'all' || (sexDependent !== null && sexDependent.has(dxEnc(codes.pdx)));
    const sexes = tpl.sex ? [tpl.sex] : bothSexes ? [1, 2] : [1];
    const row: number[] = [];
    for (let plan = 0; plan < 3; plan++) {
      row.push(inputs.length);
      const extra = plan === 0 ? [] : poolCodes[plan] ? [poolCodes[plan]!] : null;
      for (const c of corners) for (const s of sexes) {
        inputs.push({
          principal_dx: dxCase(codes.pdx), secondary_dx: extra === null ? ['?'] : [...codes.forced.map(dxCase), ...extra],
          principal_proc: codes.pproc ? procCase(codes.pproc) : null, other_procs: codes.others.map(procCase),
          age_years: c.age, age_days: c.days, sex: s, birth_weight_g: c.bw, los: 5, discharge_status: 1,
        });
      }
    }
    plans.push(row);
    perPlan.push(corners.length * sexes.length);
  }
  const enc = encodeCaseRecords(compiled, inputs);
  const out = groupDrg(compiled, enc);
  const templates: Template[] = [];
  const units: Unit[] = [];
  const upcode: number[] = [];
  const drgCodes = compiled.strings.drgCodes;
  candidates.forEach(({ tpl, codes }, ci) => {
    const results = plans[ci].map((start) => {
      let drg = out.drg[start];
      for (let j = start; j < start + perPlan[ci]; j++) if (out.drg[j] !== drg || out.reason[j] !== 0) drg = -1;
      return drg >= 0 && compiled.tables.drgAmbiguous[drg] === 0 && compiled.strings.adrgCodes[compiled.tables.drgAdrg[drg]] === tpl.adrg ? drg : -1;
    });
    if (results[0] < 0) return;
    const t = templates.length;
    tpl.pdx = dx.add(dxCase(codes.pdx));
    tpl.pproc = codes.pproc ? proc.add(procCase(codes.pproc)) : -1;
    tpl.others = codes.others.map((c) => proc.add(procCase(c)));
    tpl.forcedSec = codes.forced.map((c) => dx.add(dxCase(c)));
    tpl.rw = rwOf.get(drgCodes[results[0]]) ?? 1;
    templates.push(tpl);
    for (let plan = 0; plan < 3; plan++) {
      if (results[plan] < 0 || tpl.pools[plan].length === 0 && plan > 0) continue;
      units.push({ t, plan, drg: results[plan] });
      const mccDrg = results[2];
      const upcodable = plan === 0 && mccDrg >= 0 && mccDrg !== results[0] && drgCodes[mccDrg].endsWith('1');
      upcode.push(upcodable ? mccDrg : -1);
    }
  });
  dx.seal();
  proc.seal();
  const nDrg = drgCodes.length;
  const drgMeanCost = new Float64Array(nDrg), drgMeanLos = new Float64Array(nDrg), drgRw = new Float64Array(nDrg);
  for (let d = 0; d < nDrg; d++) {
    const w = compiled.tables.drgWeight[d];
    drgRw[d] = Number.isFinite(w) && w > 0 ? w : 1;
    const c = compiled.tables.drgMeanCost[d], l = compiled.tables.drgMeanLos[d];
    drgMeanCost[d] = Number.isFinite(c) && c > 0 ? c : drgRw[d] * 12000;
    drgMeanLos[d] = Number.isFinite(l) && l > 0 ? l : 7;
  }
  return {
    compiled, dx, proc, templates, units, upcodeDrg: Int32Array.from(upcode), departments, safeProcs,
    drgMeanCost, drgMeanLos, drgRw, drgSuffix: drgCodes.map((c) => c.charAt(c.length - 1)),
  };
}
