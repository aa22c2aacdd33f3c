// The synthetic case generator (Case data issue): §1 cases drawn from a ruleset, as Arrow record batches
// written batch by batch, with planted anomalies and ground-truth columns. Same options, same bytes; no I/O.
import {
  AsyncByteQueue, DateDay, Dictionary, Field, Float64, Int8, Int16, Int32, List, RecordBatch, RecordBatchFileWriter,
  RecordBatchStreamWriter, Schema, Struct, Utf8, makeData, makeVector, type Data, type DataType, type Vector,
} from 'apache-arrow';
import { buildDemoRuleset } from '../rules/demo/build-demo-ruleset.ts';
import { compileRuleset, type CompiledRuleset } from '../rules/ruleset-compile.ts';
import { createCodeEncoder, encodeCaseRecords, type CaseInput } from '../rules/case-encoding.ts';
import { groupDrg } from '../engine/reference/drg-grouper.ts';
import {
  OR_PROCEDURES_LIST, adrgKindOf, type AdrgKind, type Condition, type ListRef, type NumberField, type Ruleset,
} from '../rules/ruleset-format.ts';
import { dxSexLimit, isPerinatalDx } from './quality-checks.ts';
import { seededRandom } from './demo-cases.ts';

export interface CaseGeneratorOptions {
  cases: number;
  seed: number;
  /** Hospitals H01…; levels cycle 3, 3, 2 (default 3). */
  hospitals?: number;
  /** Discharge years, from `firstYear` (default 2, i.e. 2023–2024). */
  years?: number;
  firstYear?: number;
  batchSize?: number;
  /** Share of cases carrying a planted anomaly (split, upcoded MCC, low-standard, cost outliers). */
  anomalyRate?: number;
  /** Share of cases carrying a planted §11 data-quality error. */
  qualityErrorRate?: number;
  ruleset?: Ruleset;
  /**
   * Smaller files (the built-in demo): costs in whole yuan with the components as int32, no fund_paid /
   * self_pay, and int16 los / birth weight / ventilation hours. Components still sum exactly to the total.
   */
  compact?: boolean;
}

/** gt_anomaly values, in dictionary order. */
export const ANOMALY_KINDS = [
  'none', 'split_admission', 'upcoded_mcc', 'low_standard_admission', 'high_cost_outlier', 'low_cost_outlier', 'quality_error',
] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];
/** gt_detail values of quality_error rows (named as the §11 rules that catch them). */
export const QUALITY_ERROR_KINDS = [
  'discharge_before_admit', 'cost_components_mismatch', 'sex_dx_conflict', 'duplicate_case_id', 'newborn_no_birth_weight',
] as const;
/** Ground-truth thresholds the planted anomalies satisfy (domain §9), relative to the ruleset's DRG mean cost. */
export const GT_THRESHOLDS = { splitMaxDays: 15, highCostRatio: 3, lowCostRatio: 0.3, lowStandardMaxLos: 2 } as const;

export const COST_COMPONENTS = [
  'drug_cost', 'consumable_cost', 'exam_cost', 'lab_cost', 'treatment_cost', 'surgery_cost', 'nursing_cost', 'bed_cost', 'other_cost',
] as const;

const AK = { none: 0, split: 1, upcoded: 2, lowStandard: 3, high: 4, low: 5, quality: 6 } as const;
/** Mix of the planted anomaly kinds (split, upcoded, low-standard, high, low). */
const ANOMALY_MIX = [0.3, 0.2, 0.2, 0.15, 0.15];
const QE = { dischargeBeforeAdmit: 0, componentsOff: 1, sexConflict: 2, duplicateId: 3, newbornNoWeight: 4 } as const;

// ----- teaching parameters (demonstration values, one visible place) ---------------------------------------
/** Relative case volume by MDC letter; unlisted MDCs get 0.3. */
const MDC_VOLUME: Record<string, number> = {
  A: 0.08, B: 1.1, C: 0.5, D: 0.6, E: 1.4, F: 1.6, G: 1.3, H: 0.9, I: 1.2, J: 0.5, K: 0.5, L: 0.8, M: 0.35, N: 0.6,
  O: 0.9, P: 0.35, Q: 0.3, R: 0.8, S: 0.3, T: 0.12, U: 0.04, V: 0.4, W: 0.06, X: 0.4, Y: 0.02, Z: 0.06,
};
/** Share of an MDC's cases by ADRG kind (renormalised over the kinds the MDC has). */
const KIND_SHARE: Record<AdrgKind, number> = { surgical: 0.35, non_or: 0.15, medical: 0.5 };
/** Share of a split ADRG's cases by DRG suffix. */
const SUFFIX_SHARE: Record<string, number> = { '1': 0.12, '3': 0.28, '5': 0.6, '7': 0.05, '9': 1 };
/** In-hospital death risk by MDC (before severity and age factors). */
const MDC_DEATH_RISK: Record<string, number> = {
  A: 0.12, B: 0.02, E: 0.015, F: 0.015, G: 0.004, H: 0.01, L: 0.006, P: 0.004, R: 0.02, S: 0.04, Q: 0.005, Z: 0.03, V: 0.004, W: 0.01,
};
const SEVERITY_DEATH: Record<string, number> = { '1': 3.5, '3': 1.6, '5': 0.6, '7': 3, '9': 1 };
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
/** Secondary diagnoses seen most often (listed first in the non-CC pool, so drawn most). */
/** Chapters a plain (non-CC) secondary diagnosis is drawn from: chronic and common conditions. */
const PLAIN_COMORBIDITY = /^([EFGHIJKLMN]|B1[5-9]|D5|D6)/;
const COMMON_SECONDARY = ['I10', 'E11', 'E78', 'I25', 'K76', 'E87', 'I48', 'N18', 'D64', 'J44', 'K29', 'M81'];
/** Cost component shares [drug, consumable, exam, lab, treatment, surgery, nursing, bed, other] by ADRG kind. */
const COMPONENT_SHARE: Record<AdrgKind, number[]> = {
  surgical: [0.2, 0.3, 0.06, 0.07, 0.09, 0.14, 0.05, 0.04, 0.05],
  non_or: [0.22, 0.33, 0.07, 0.08, 0.12, 0.06, 0.04, 0.03, 0.05],
  medical: [0.36, 0.08, 0.13, 0.16, 0.12, 0, 0.06, 0.05, 0.04],
};
const COST_SIGMA = 0.45;
const LOS_SIGMA = 0.38;
/** Normal cases stay inside these cost ratios to the DRG mean, so the planted outliers are the only ones beyond 3× / 0.3×. */
const NORMAL_COST_RATIO: [number, number] = [0.36, 2.8];
const REPEAT_RATE = 0.14;
const RING = 4096;
const DAY_MS = 86_400_000;

// ----- templates: consistent codes per DRG --------------------------------------------------------------
const SEV_NONE = 0, SEV_CC = 1, SEV_MCC = 2;

interface Template {
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
interface Unit { t: number; plan: number; drg: number }

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

/** A code table: strings, their UTF-8 bytes concatenated, and byte offsets (for list columns built by copying). */
class CodeTable {
  readonly codes: string[] = [];
  readonly index = new Map<string, number>();
  bytes = new Uint8Array(0);
  offsets = new Int32Array(1);
  add(code: string): number {
    let i = this.index.get(code);
    if (i === undefined) { i = this.codes.length; this.codes.push(code); this.index.set(code, i); }
    return i;
  }
  seal(): void {
    const enc = new TextEncoder();
    const parts = this.codes.map((c) => enc.encode(c));
    this.offsets = new Int32Array(parts.length + 1);
    for (let i = 0; i < parts.length; i++) this.offsets[i + 1] = this.offsets[i] + parts[i].length;
    this.bytes = new Uint8Array(this.offsets[parts.length]);
    parts.forEach((p, i) => this.bytes.set(p, this.offsets[i]));
  }
}

/** What the generator precomputes from a ruleset: templates verified by the reference grouper, and units per DRG. */
interface Catalog {
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

function buildCatalog(rs: Ruleset): Catalog {
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

  // Verify every candidate with the reference grouper at the corners of its ages and weights, and with
  // one code of each severity pool; keep the (template, plan) pairs that land in one DRG of their ADRG.
  const inputs: CaseInput[] = [];
  const plans: number[][] = [];
  for (const { tpl, codes } of candidates) {
    const poolCodes = [0, 1, 2].map((l) => (tpl.pools[l].length ? dx.codes[tpl.pools[l][0]] : null));
    const corners = [
      { age: tpl.ageMin, days: tpl.ageDaysMin, bw: tpl.bwMin },
      { age: tpl.ageMax, days: tpl.ageDaysMax, bw: tpl.bwMax - 1 },
    ];
    const sexes = tpl.sex ? [tpl.sex] : [1, 2];
    const row: number[] = [];
    for (let plan = 0; plan < 3; plan++) {
      row.push(inputs.length);
      const extra = plan === 0 ? [] : poolCodes[plan] ? [poolCodes[plan]!] : null;
      for (const c of corners) for (const s of sexes) {
        inputs.push({
          principal_dx: dxCase(codes.pdx), secondary_dx: extra === null ? ['?'] : [...codes.forced.map(dxCase), ...extra],
          principal_proc: codes.pproc ? procCase(codes.pproc) : null, other_procs: codes.others.map(procCase),
          age_years: c.age, age_days: c.days >= 0 ? c.days : null, sex: s, birth_weight_g: c.bw >= 0 ? c.bw : null, los: 5, discharge_status: 1,
        });
      }
    }
    plans.push(row);
  }
  const enc = encodeCaseRecords(compiled, inputs);
  const out = groupDrg(compiled, enc);
  const templates: Template[] = [];
  const units: Unit[] = [];
  const upcode: number[] = [];
  const drgCodes = compiled.strings.drgCodes;
  candidates.forEach(({ tpl, codes }, ci) => {
    const per = (tpl.sex ? 1 : 2) * 2;
    const results = plans[ci].map((start) => {
      let drg = out.drg[start];
      for (let j = start; j < start + per; j++) if (out.drg[j] !== drg || out.reason[j] !== 0) drg = -1;
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

// ----- sampling helpers -----------------------------------------------------------------------------------
/** Cumulative weights for binary-search sampling. */
function cumulative(weights: ArrayLike<number>): Float64Array {
  const c = new Float64Array(weights.length);
  let s = 0;
  for (let i = 0; i < weights.length; i++) { s += weights[i]; c[i] = s; }
  return c;
}
const sq = (x: number) => x * x;

/** Walker/Vose alias table: O(1) draws from a fixed discrete distribution. */
interface Alias { prob: Float64Array; alias: Int32Array }
function aliasTable(weights: ArrayLike<number>): Alias {
  const n = weights.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += weights[i];
  const prob = new Float64Array(n), alias = new Int32Array(n), scaled = new Float64Array(n);
  const small: number[] = [], large: number[] = [];
  for (let i = 0; i < n; i++) { scaled[i] = (weights[i] * n) / sum; (scaled[i] < 1 ? small : large).push(i); }
  while (small.length && large.length) {
    const s = small.pop()!, l = large.pop()!;
    prob[s] = scaled[s]; alias[s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    (scaled[l] < 1 ? small : large).push(l);
  }
  for (const i of large) { prob[i] = 1; alias[i] = i; }
  for (const i of small) { prob[i] = 1; alias[i] = i; }
  return { prob, alias };
}
function aliasPick(a: Alias, u: number, v: number): number {
  const i = Math.min(a.prob.length - 1, Math.floor(u * a.prob.length));
  return v < a.prob[i] ? i : a.alias[i];
}

function pick(cum: Float64Array, u: number): number {
  const x = u * cum[cum.length - 1];
  let lo = 0, hi = cum.length - 1;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (cum[mid] > x) hi = mid; else lo = mid + 1; }
  return lo;
}

// ----- Arrow schema ----------------------------------------------------------------------------------------
const dict = (id: number, index: Int8 | Int16 | Int32) => new Dictionary(new Utf8(), index, id);
const utf8List = () => new List(new Field('item', new Utf8(), true));

function buildSchema(compact: boolean): Schema {
  const f = (name: string, type: DataType, nullable = false) => new Field(name, type, nullable);
  const int = () => (compact ? new Int16() : new Int32());
  return new Schema([
    f('case_id', new Utf8()), f('patient_id', new Utf8()), f('hospital_id', dict(0, new Int8())), f('hospital_level', new Int8()),
    f('department', dict(1, new Int8())), f('ward', dict(2, new Int16())), f('physician', dict(3, new Int16())),
    f('admit_date', new DateDay()), f('discharge_date', new DateDay()), f('los', int()),
    f('age_years', new Int16()), f('age_days', new Int16(), true), f('sex', dict(4, new Int8())),
    f('birth_weight_g', int(), true), f('discharge_status', new Int8()),
    f('principal_dx', dict(5, new Int16())), f('secondary_dx', utf8List()),
    f('principal_proc', dict(6, new Int16()), true), f('other_procs', utf8List()), f('vent_hours', int(), true),
    f('total_cost', new Float64()), ...COST_COMPONENTS.map((c) => f(c, compact ? new Int32() : new Float64())),
    ...(compact ? [] : [f('fund_paid', new Float64()), f('self_pay', new Float64())]), f('insurance_type', dict(7, new Int8())),
    f('gt_anomaly', dict(8, new Int8())), f('gt_detail', dict(9, new Int16()), true), f('gt_drg', dict(10, new Int16()), true),
    f('gt_related_case', new Utf8(), true),
  ]);
}

/** Utf8 child data from code indices into a CodeTable (typed-array copies, no string building). */
function utf8FromCodes(table: CodeTable, idx: Int32Array, n: number): Data<Utf8> {
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) { const c = idx[i]; offsets[i + 1] = offsets[i] + table.offsets[c + 1] - table.offsets[c]; }
  const bytes = new Uint8Array(offsets[n]);
  const src = table.bytes, so = table.offsets;
  for (let i = 0; i < n; i++) {
    const c = idx[i];
    let at = offsets[i];
    for (let k = so[c]; k < so[c + 1]; k++) bytes[at++] = src[k];
  }
  return makeData({ type: new Utf8(), length: n, valueOffsets: offsets, data: bytes });
}

/** `prefix` + zero-padded number ids as a utf8 column, with nulls where num < 0. */
function numberedIds(prefix: number, width: number, nums: Float64Array, n: number): Data<Utf8> {
  const len = 1 + width;
  const offsets = new Int32Array(n + 1);
  let valid = 0;
  for (let i = 0; i < n; i++) { if (nums[i] >= 0) valid++; offsets[i + 1] = offsets[i] + (nums[i] >= 0 ? len : 0); }
  const bytes = new Uint8Array(offsets[n]);
  const bitmap = valid < n ? new Uint8Array((n + 7) >> 3) : undefined;
  for (let i = 0; i < n; i++) {
    let v = nums[i] | 0; // case and patient numbers stay below 2^31
    if (v < 0) continue;
    if (bitmap) bitmap[i >> 3] |= 1 << (i & 7);
    const at = offsets[i];
    bytes[at] = prefix;
    for (let k = width; k >= 1; k--) { const q = (v / 10) | 0; bytes[at + k] = 48 + v - q * 10; v = q; }
  }
  return makeData({ type: new Utf8(), length: n, nullCount: n - valid, nullBitmap: bitmap, valueOffsets: offsets, data: bytes });
}

function validity(mask: Uint8Array, n: number): { nullBitmap?: Uint8Array; nullCount: number } {
  let valid = 0;
  const bitmap = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (mask[i]) { valid++; bitmap[i >> 3] |= 1 << (i & 7); }
  return valid === n ? { nullCount: 0 } : { nullBitmap: bitmap, nullCount: n - valid };
}

/** seededRandom's sequence (mulberry32), generated in bulk into a buffer the per-case loop reads by index. */
const UNI_SIZE = 16384;
/** Refill once fewer than this many uniforms are left: more than any one case draws (< 64). */
const UNI_REFILL_AT = UNI_SIZE - 256;
const TWO_PI = 2 * Math.PI;
class UniformBuffer {
  readonly buf = new Float64Array(UNI_SIZE);
  pos = UNI_SIZE;
  private state: number;
  constructor(seed: number) { this.state = seed | 0; }
  /** Keeps the unread tail, fills the rest; returns the new read position (0). */
  refill(pos: number): number {
    const buf = this.buf;
    const keep = UNI_SIZE - pos;
    buf.copyWithin(0, pos, UNI_SIZE);
    let a = this.state;
    for (let i = keep; i < UNI_SIZE; i++) {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), a | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      buf[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    }
    this.state = a;
    return 0;
  }
}

// ----- the generator -----------------------------------------------------------------------------------------
interface Hospital { id: string; level: number; costEffect: number; losEffect: number; volume: number }

export class CaseGenerator {
  readonly cases: number;
  readonly seed: number;
  readonly batchSize: number;
  readonly anomalyRate: number;
  readonly qualityErrorRate: number;
  readonly firstYear: number;
  readonly years: number;
  readonly schema: Schema;
  readonly compact: boolean;
  private readonly cat: Catalog;
  private readonly hospitals: Hospital[];

  constructor(options: CaseGeneratorOptions) {
    this.cases = Math.max(0, Math.floor(options.cases));
    this.seed = options.seed >>> 0;
    this.batchSize = Math.max(1, Math.floor(options.batchSize ?? 65_536));
    this.anomalyRate = options.anomalyRate ?? 0.02;
    this.qualityErrorRate = options.qualityErrorRate ?? 0.005;
    this.firstYear = options.firstYear ?? 2023;
    this.years = Math.max(1, Math.floor(options.years ?? 2));
    const nHosp = Math.max(1, Math.min(50, Math.floor(options.hospitals ?? 3))); // physician ids stay int16 dictionary indices
    this.cat = buildCatalog(options.ruleset ?? buildDemoRuleset());
    if (this.cat.units.length === 0) throw new Error('the ruleset gives no DRG the generator can make cases for');
    this.compact = options.compact ?? false;
    this.schema = buildSchema(this.compact);
    const r = seededRandom(this.seed ^ 0x9e3779b9);
    this.hospitals = Array.from({ length: nHosp }, (_, h): Hospital => {
      const level = h % 3 === 2 ? 2 : 3;
      return {
        id: `H${String(h + 1).padStart(2, '0')}`, level,
        costEffect: (level === 3 ? 1.06 : 0.86) * Math.exp(0.06 * (r() * 2 - 1)),
        losEffect: (level === 3 ? 0.97 : 1.06) * Math.exp(0.05 * (r() * 2 - 1)),
        volume: (level === 3 ? 1.5 : 0.8) * (0.8 + 0.4 * r()),
      };
    });
  }

  /** DRG codes of the ruleset (gt_drg dictionary order). */
  get drgCodes(): string[] { return this.cat.compiled.strings.drgCodes; }

  /** The record batches, one at a time (each holds only its own rows). */
  *batches(): Generator<RecordBatch> {
    const c = this.cat;
    // The case stream's uniforms come from a buffer refilled in bulk (the same sequence as seededRandom(seed)).
    const uni = new UniformBuffer(this.seed);
    let rngSpare = NaN; // Box–Muller's second normal, carried across batches
    const H = this.hospitals.length;
    const nDept = c.departments.length;
    const fx = seededRandom(this.seed ^ 0x2545f491);
    const fxNormal = () => { const u = Math.max(fx(), 1e-12); return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * fx()); };

    // Physicians and wards per (hospital, department), with their cost and LOS effects.
    const physStart = new Int32Array(H * nDept + 1);
    const physNames: string[] = [], physWard: number[] = [], physCost: number[] = [], physLos: number[] = [];
    const wardNames: string[] = [];
    const wardIndex = new Map<string, number>();
    const deptCost = new Float64Array(H * nDept), deptLos = new Float64Array(H * nDept);
    const numerals = ['一', '二', '三', '四'];
    for (let h = 0; h < H; h++) {
      for (let d = 0; d < nDept; d++) {
        const k = h * nDept + d;
        deptCost[k] = Math.exp(0.07 * fxNormal());
        deptLos[k] = Math.exp(0.06 * fxNormal());
        const nPhys = Math.round((this.hospitals[h].level === 3 ? 6 : 3) + fx() * 5);
        const nWard = nPhys > 6 ? 2 : 1;
        physStart[k] = physNames.length;
        for (let p = 0; p < nPhys; p++) {
          const wname = `${c.departments[d]}${numerals[p % nWard]}病区`;
          let w = wardIndex.get(wname);
          if (w === undefined) { w = wardNames.length; wardNames.push(wname); wardIndex.set(wname, w); }
          physNames.push(`${this.hospitals[h].id}-D${String(d + 1).padStart(2, '0')}${String(p + 1).padStart(2, '0')}`);
          physWard.push(w);
          physCost.push(Math.exp(0.12 * fxNormal()));
          physLos.push(Math.exp(0.1 * fxNormal()));
        }
      }
    }
    physStart[H * nDept] = physNames.length;

    // Unit popularity per hospital: MDC volume × kind share × Zipf rank within the department × suffix share.
    const T = c.templates, U = c.units;
    const byAdrg = new Map<string, number[]>();
    T.forEach((t, i) => { const l = byAdrg.get(t.adrg) ?? []; l.push(i); byAdrg.set(t.adrg, l); });
    const adrgRank = new Map<string, number>();
    const deptAdrgs = new Map<string, { adrg: string; rw: number }[]>();
    for (const [adrg, ts] of byAdrg) {
      const key = `${T[ts[0]].mdc}|${T[ts[0]].kind}`;
      const l = deptAdrgs.get(key) ?? [];
      l.push({ adrg, rw: T[ts[0]].rw });
      deptAdrgs.set(key, l);
    }
    const kindsOfMdc = new Map<string, Set<AdrgKind>>();
    for (const key of deptAdrgs.keys()) { const [m, k] = key.split('|'); const s = kindsOfMdc.get(m) ?? new Set(); s.add(k as AdrgKind); kindsOfMdc.set(m, s); }
    for (const l of deptAdrgs.values()) {
      l.sort((a, b) => a.rw - b.rw || (a.adrg < b.adrg ? -1 : 1)); // lighter groups are the common ones
      l.forEach((x, i) => adrgRank.set(x.adrg, i));
    }
    const tplRank = new Int32Array(T.length);
    for (const ts of byAdrg.values()) ts.forEach((t, i) => { tplRank[t] = i; });
    const unitWeight = (u: Unit, level: number) => {
      const t = T[u.t];
      const kinds = kindsOfMdc.get(t.mdc)!;
      let kindTotal = 0;
      for (const k of kinds) kindTotal += KIND_SHARE[k];
      const adrgW = (MDC_VOLUME[t.mdc] ?? 0.3) * (KIND_SHARE[t.kind] / kindTotal) / Math.pow(adrgRank.get(t.adrg)! + 1, 0.85);
      const levelW = level === 2 ? (t.rw >= 6 ? 0.02 : t.rw >= 3 ? 0.3 : 1.2) : 1;
      const planW = u.plan === 0 ? 0.7 : u.plan === 1 ? 0.25 : 0.05;
      const suffixW = SUFFIX_SHARE[c.drgSuffix[u.drg]] ?? 0.3;
      return adrgW * levelW * planW * suffixW / Math.pow(tplRank[u.t] + 1, 0.9);
    };
    const unitAlias = this.hospitals.map((h) => aliasTable(U.map((u) => unitWeight(u, h.level))));
    // Per-case lookups made numeric up front (string-keyed lookups in the loop are slow).
    const drgDeath = Float64Array.from(c.drgSuffix, (sfx, d) => (SEVERITY_DEATH[sfx] ?? 1) * Math.pow(Math.min(c.drgRw[d], 6), 0.3));
    const tDeath = Float64Array.from(T, (t) => MDC_DEATH_RISK[t.mdc] ?? 0.002);
    const tMale = Float64Array.from(T, (t) => (t.mdc === 'F' || t.mdc === 'B' ? 0.56 : 0.5));
    // 64 jittered, normalised share vectors per ADRG kind: one draw per case instead of nine.
    const shareSets = new Map<AdrgKind, Float64Array>();
    for (const kindName of ['surgical', 'non_or', 'medical'] as const) {
      const set = new Float64Array(64 * 9);
      for (let j = 0; j < 64; j++) {
        let sum = 0;
        for (let q = 0; q < 9; q++) { set[j * 9 + q] = COMPONENT_SHARE[kindName][q] * (0.7 + 0.6 * fx()); sum += set[j * 9 + q]; }
        for (let q = 0; q < 9; q++) set[j * 9 + q] /= sum;
      }
      shareSets.set(kindName, set);
    }
    const tShares = T.map((t) => shareSets.get(t.kind)!);
    const tMedical = Uint8Array.from(T, (t) => (t.kind === 'medical' ? 1 : 0));
    const yearCost = Float64Array.from({ length: this.years }, (_, y) => Math.pow(1.04, y));
    // Templates and units as columns: the loop reads typed arrays, never objects whose shapes may drift.
    const tAgeMin = Int16Array.from(T, (t) => t.ageMin), tAgeMax = Int16Array.from(T, (t) => t.ageMax);
    const tAgeMean = Float64Array.from(T, (t) => t.ageMean), tAgeSd = Float64Array.from(T, (t) => t.ageSd);
    const tChild = Float64Array.from(T, (t) => t.childShare), tSex = Uint8Array.from(T, (t) => t.sex);
    const tNewborn = Uint8Array.from(T, (t) => (t.newborn ? 1 : 0)), tZ51 = Uint8Array.from(T, (t) => (t.z51 ? 1 : 0));
    const tDaysMin = Int16Array.from(T, (t) => t.ageDaysMin), tDaysMax = Int16Array.from(T, (t) => t.ageDaysMax);
    const tBwMin = Int32Array.from(T, (t) => t.bwMin), tBwMax = Int32Array.from(T, (t) => t.bwMax);
    const tVentMin = Int32Array.from(T, (t) => t.ventMin), tVentMax = Int32Array.from(T, (t) => t.ventMax);
    const tDept = Int32Array.from(T, (t) => t.dept), tChildDept = Int32Array.from(T, (t) => t.childDept);
    const tPdx = Int32Array.from(T, (t) => t.pdx), tPproc = Int32Array.from(T, (t) => t.pproc);
    const tForced = T.map((t) => Int32Array.from(t.forcedSec)), tOthers = T.map((t) => Int32Array.from(t.others));
    const tNonCc = T.map((t) => t.pools[SEV_NONE]), tCc = T.map((t) => t.pools[SEV_CC]), tMcc = T.map((t) => t.pools[SEV_MCC]);
    const uT = Int32Array.from(U, (u) => u.t), uPlan = Int32Array.from(U, (u) => u.plan), uDrg = Int32Array.from(U, (u) => u.drg);
    const upcodeDrg = c.upcodeDrg, drgMeanCost = c.drgMeanCost, drgMeanLos = c.drgMeanLos, safeProcs = c.safeProcs;
    const hCost = Float64Array.from(this.hospitals, (x) => x.costEffect), hLos = Float64Array.from(this.hospitals, (x) => x.losEffect);
    const hLevel = Int8Array.from(this.hospitals, (x) => x.level);
    const qualityRate = this.qualityErrorRate, anomalyRate = this.anomalyRate;
    // Cost resolution: a cent, or a whole yuan in compact files.
    const unitCents = this.compact ? 100 : 1, centsPerUnit = 100 / unitCents;
    const physCostA = Float64Array.from(physCost), physLosA = Float64Array.from(physLos), physWardA = Int32Array.from(physWard);
    const subset = (keep: (u: Unit, i: number) => boolean) => {
      const idx = U.map((_, i) => i).filter((i) => keep(U[i], i));
      return { idx: Int32Array.from(idx), cum: this.hospitals.map((h) => cumulative(idx.map((i) => unitWeight(U[i], h.level) + 1e-12))) };
    };
    const upcodable = subset((_, i) => c.upcodeDrg[i] >= 0);
    const medical = subset((u) => T[u.t].kind === 'medical' && !T[u.t].newborn);
    const sexLimited = subset((u) => dxSexLimit(c.dx.codes[T[u.t].pdx]) !== 0 && 'MNO'.includes(T[u.t].mdc));
    const newborns = subset((u) => T[u.t].newborn);
    const hospCum = cumulative(this.hospitals.map((h) => h.volume));
    const yearCum = cumulative(Array.from({ length: this.years }, (_, y) => Math.pow(1.05, y)));
    const yearStart = Array.from({ length: this.years + 1 }, (_, y) => Date.UTC(this.firstYear + y, 0, 1) / DAY_MS);
    const windowEnd = yearStart[this.years] - 1;

    // Recent patients per hospital: who can come back (repeat patients, split admissions).
    const ring = {
      pid: new Float64Array(H * RING).fill(-1), sex: new Uint8Array(H * RING), age: new Int16Array(H * RING),
      discharge: new Int32Array(H * RING), unit: new Int32Array(H * RING), caseNum: new Float64Array(H * RING),
    };
    const ringPos = new Int32Array(H);
    let nextPatient = 1;
    const idWidth = Math.max(8, String(this.cases).length);

    // The per-batch fill is its own function: V8 optimises it, unlike a loop inside a generator body.
    const fill = (start: number, n: number): BatchColumns => {
      const caseNum = new Float64Array(n), patient = new Float64Array(n), related = new Float64Array(n).fill(-1);
      const hosp = new Int8Array(n), level = new Int8Array(n), dept = new Int8Array(n), ward = new Int16Array(n), phys = new Int16Array(n);
      const admit = new Int32Array(n), discharge = new Int32Array(n), los = new Int32Array(n);
      const age = new Int16Array(n), ageDays = new Int16Array(n), ageDaysOk = new Uint8Array(n);
      const sex = new Int8Array(n), bw = new Int32Array(n), bwOk = new Uint8Array(n), status = new Int8Array(n);
      const pdx = new Int16Array(n), pproc = new Int16Array(n), pprocOk = new Uint8Array(n);
      const vent = new Int32Array(n), ventOk = new Uint8Array(n);
      const total = new Float64Array(n), compFlat = new Float64Array(9 * n);
      const comps: Float64Array[] = [];
      for (let q = 0; q < COST_COMPONENTS.length; q++) comps.push(compFlat.subarray(q * n, (q + 1) * n));
      const fund = new Float64Array(n), self = new Float64Array(n), ins = new Int8Array(n);
      const gtKind = new Int8Array(n), gtDetail = new Int16Array(n), gtDetailOk = new Uint8Array(n), gtDrg = new Int16Array(n), gtDrgOk = new Uint8Array(n);
      const secOff = new Int32Array(n + 1), procOff = new Int32Array(n + 1);
      // Room for the most codes a case can get (forced ≤ 4 + severity 2 + extras 6; procedures ≤ 4 + 1).
      let maxForced = 0, maxOthers = 0;
      for (let q = 0; q < tForced.length; q++) { maxForced = Math.max(maxForced, tForced[q].length); maxOthers = Math.max(maxOthers, tOthers[q].length); }
      const sec = new Int32Array(n * (maxForced + 8)), oth = new Int32Array(n * (maxOthers + 1));
      let nSec = 0, nOth = 0;

      const ub = uni.buf;
      let up = uni.pos, spare = rngSpare;
      // The stores after the loop, made once before it too: optimised (OSR) code then has their type feedback.
      uni.pos = up; secOff[n] = 0; procOff[n] = 0;
      for (let i = 0; i < n; i++) {
        if (up > UNI_REFILL_AT) up = uni.refill(up);
        const g = start + i;
        // 1. What this case is: normal, a planted anomaly, or a planted data-quality error.
        let kind: number = AK.none, qe = -1;
        const r0 = ub[up++];
        if (r0 < qualityRate) { kind = AK.quality; qe = Math.floor(ub[up++] * QUALITY_ERROR_KINDS.length); if (qe === QE.duplicateId && g === 0) qe = QE.componentsOff; }
        else if (r0 < qualityRate + anomalyRate) {
          let x = ub[up++], a = 0;
          while (a < ANOMALY_MIX.length - 1 && x >= ANOMALY_MIX[a]) { x -= ANOMALY_MIX[a]; a++; }
          kind = a + 1;
        }
        const h = pick(hospCum, ub[up++]);
        // 2. The unit (template × severity plan); a split admission repeats an earlier patient's template.
        let unit: number, slot = -1;
        if (kind === AK.split) {
          slot = h * RING + Math.floor(ub[up++] * RING);
          if (ring.pid[slot] < 0 || tZ51[uT[ring.unit[slot]]] === 1 || ring.discharge[slot] + 14 > windowEnd) { kind = AK.none; slot = -1; }
        }
        if (slot >= 0) unit = ring.unit[slot];
        else if (kind === AK.upcoded && upcodable.idx.length) unit = upcodable.idx[pick(upcodable.cum[h], ub[up++])];
        else if (kind === AK.lowStandard && medical.idx.length) unit = medical.idx[pick(medical.cum[h], ub[up++])];
        else if (kind === AK.quality && qe === QE.sexConflict && sexLimited.idx.length) unit = sexLimited.idx[pick(sexLimited.cum[h], ub[up++])];
        else if (kind === AK.quality && qe === QE.newbornNoWeight && newborns.idx.length) unit = newborns.idx[pick(newborns.cum[h], ub[up++])];
        else { unit = aliasPick(unitAlias[h], ub[up++], ub[up++]); if (kind === AK.upcoded || kind === AK.lowStandard) kind = AK.none; }
        if (kind === AK.quality && ((qe === QE.sexConflict && !sexLimited.idx.length) || (qe === QE.newbornNoWeight && !newborns.idx.length))) qe = QE.componentsOff;
        const t = uT[unit];
        const drg = kind === AK.upcoded ? upcodeDrg[unit] : uDrg[unit];
        const costDrg = uDrg[unit];

        // 3. The patient: a split admission's patient, a returning patient, or a new one.
        let ageY: number, sx: number, admitDay = 0, stay: number;
        const child = tChild[t] > 0 && ub[up++] < tChild[t] && kind !== AK.split;
        if (tDaysMin[t] >= 0) ageY = 0;
        else if (child) ageY = 1 + Math.floor(ub[up++] * 14);
        else {
          let nz: number;
          if (spare === spare) { nz = spare; spare = NaN; } else { const u = Math.max(ub[up++], 1e-12), v = ub[up++]; const m = Math.sqrt(-2 * Math.log(u)); spare = m * Math.sin(TWO_PI * v); nz = m * Math.cos(TWO_PI * v); }
          ageY = Math.min(tAgeMax[t], Math.max(tAgeMin[t], Math.round(tAgeMean[t] + tAgeSd[t] * nz)));
        }
        sx = tSex[t] || (ub[up++] < tMale[t] ? 1 : 2);
        let pid = -1, prevDischarge = -1;
        if (slot < 0 && tNewborn[t] === 0 && ub[up++] < REPEAT_RATE) {
          const s = h * RING + Math.floor(ub[up++] * RING);
          const a = ring.age[s];
          if (ring.pid[s] >= 0 && a >= tAgeMin[t] && a <= tAgeMax[t] && a >= 1 && (tSex[t] === 0 || tSex[t] === ring.sex[s])) {
            slot = s; ageY = a; sx = ring.sex[s];
          }
        }
        if (slot >= 0) { pid = ring.pid[slot]; sx = ring.sex[slot]; ageY = ring.age[slot]; prevDischarge = ring.discharge[slot]; }

        // 4. LOS and cost: lognormal around the DRG means with hospital, department, physician and year effects.
        const dIdx = ageY >= 1 && ageY < 15 ? tChildDept[t] : tDept[t];
        const k = h * nDept + dIdx;
        const pCount = physStart[k + 1] - physStart[k];
        const p = physStart[k] + Math.min(pCount - 1, Math.floor(pCount * sq(ub[up++])));
        let z: number, z2: number;
        if (spare === spare) { z = spare; spare = NaN; } else { const u = Math.max(ub[up++], 1e-12), v = ub[up++]; const m = Math.sqrt(-2 * Math.log(u)); spare = m * Math.sin(TWO_PI * v); z = m * Math.cos(TWO_PI * v); }
        z = Math.max(-2.2, Math.min(2.2, z));
        if (spare === spare) { z2 = spare; spare = NaN; } else { const u = Math.max(ub[up++], 1e-12), v = ub[up++]; const m = Math.sqrt(-2 * Math.log(u)); spare = m * Math.sin(TWO_PI * v); z2 = m * Math.cos(TWO_PI * v); }
        z2 = 0.6 * z + 0.8 * z2;
        const effCost = hCost[h] * deptCost[k] * physCostA[p];
        const effLos = hLos[h] * deptLos[k] * physLosA[p];
        const meanCost = drgMeanCost[costDrg], meanLos = drgMeanLos[costDrg];
        stay = Math.max(1, Math.min(120, Math.round(meanLos * effLos * Math.exp(LOS_SIGMA * z2 - 0.07))));
        let ratio = Math.min(NORMAL_COST_RATIO[1], Math.max(NORMAL_COST_RATIO[0], effCost * Math.exp(COST_SIGMA * z - COST_SIGMA * COST_SIGMA / 2)));
        // 5. Discharge status: death by group risk × severity × age.
        const riskAge = ageY >= 75 ? 2 : ageY >= 60 ? 1.3 : ageY < 1 ? 1 : 0.6;
        const pDeath = Math.min(0.5, tDeath[t] * drgDeath[drg] * riskAge);
        const r1 = ub[up++];
        let st = r1 < pDeath ? 5 : r1 < pDeath + 0.02 ? 2 : r1 < pDeath + 0.035 ? 4 : r1 < pDeath + 0.045 ? 3 : r1 < pDeath + 0.05 ? 9 : 1;
        if (st === 5) stay = Math.max(1, Math.round(stay * (0.3 + 0.7 * ub[up++])));
        if (kind === AK.lowStandard) { stay = 1 + Math.floor(ub[up++] * GT_THRESHOLDS.lowStandardMaxLos); ratio = 0.1 + 0.18 * ub[up++]; st = 1; }
        else if (kind === AK.high) { ratio = 3.2 + 2.8 * ub[up++]; stay = Math.round(stay * (1.5 + 1.5 * ub[up++])); }
        else if (kind === AK.low) { ratio = 0.08 + 0.2 * ub[up++]; stay = Math.max(3, stay); }
        if (kind === AK.split) { st = st === 5 ? 1 : st; stay = Math.max(1, Math.round(stay * 0.6)); }
        const yearPick = pick(yearCum, ub[up++]);
        if (prevDischarge >= 0) {
          const gap = kind === AK.split ? 1 + Math.floor(ub[up++] * (GT_THRESHOLDS.splitMaxDays - 1)) : 30 + Math.floor(ub[up++] * 240);
          admitDay = prevDischarge + gap;
          if (admitDay + stay > windowEnd) { // no room left in the window: a new patient instead
            if (kind === AK.split) kind = AK.none;
            slot = -1; pid = -1; prevDischarge = -1;
          }
        }
        if (prevDischarge < 0) {
          const y0 = yearStart[yearPick], y1 = yearStart[yearPick + 1];
          const dis = y0 + Math.floor(ub[up++] * (y1 - y0));
          admitDay = dis - stay;
        }
        const yearIdx = yearOf(admitDay + stay, yearStart);
        ratio *= yearCost[yearIdx];
        if (kind === AK.none || kind === AK.quality || kind === AK.split || kind === AK.upcoded) ratio = Math.min(NORMAL_COST_RATIO[1], Math.max(NORMAL_COST_RATIO[0], ratio));
        const cents = Math.round(meanCost * ratio * centsPerUnit) * (100 / centsPerUnit);

        // 6. Codes: principal, forced and severity secondaries, common comorbidities; procedures.
        secOff[i] = nSec;
        const forced = tForced[t];
        for (let q = 0; q < forced.length; q++) sec[nSec++] = forced[q];
        const plan = kind === AK.upcoded ? SEV_MCC : uPlan[unit];
        const ccPool = tCc[t];
        if (plan > 0) { const pool = plan === SEV_MCC ? tMcc[t] : ccPool; sec[nSec++] = pool[Math.min(pool.length - 1, Math.floor(pool.length * sq(ub[up++])))]; }
        if (plan === SEV_MCC && ccPool.length && ub[up++] < 0.3) sec[nSec++] = ccPool[Math.floor(ub[up++] * ccPool.length)];
        const nonCc = tNonCc[t];
        if (nonCc.length) {
          const mean = tNewborn[t] === 1 ? 0.4 : 0.3 + ageY / 28;
          const extra = Math.min(6, Math.floor(-Math.log(Math.max(ub[up++], 1e-9)) * mean));
          for (let e = 0; e < extra; e++) {
            const code = nonCc[Math.min(nonCc.length - 1, Math.floor(nonCc.length * sq(ub[up++]) * ub[up++]))];
            let dup = false;
            for (let q = secOff[i]; q < nSec; q++) if (sec[q] === code) { dup = true; break; }
            if (!dup) sec[nSec++] = code;
          }
        }
        procOff[i] = nOth;
        const others = tOthers[t];
        for (let q = 0; q < others.length; q++) oth[nOth++] = others[q];
        let pp = tPproc[t];
        if (pp < 0 && tMedical[t] === 1 && safeProcs.length && ub[up++] < 0.3) pp = safeProcs[Math.floor(ub[up++] * safeProcs.length)];
        if (safeProcs.length && ub[up++] < 0.25) { const o = safeProcs[Math.floor(ub[up++] * safeProcs.length)]; if (o !== pp) oth[nOth++] = o; }

        // 7. Cost components to the cent (integer cents, remainder to other_cost), fund and patient shares.
        const shares = tShares[t], s0 = 9 * Math.floor(ub[up++] * 64);
        let left = cents;
        for (let q = 0; q < 8; q++) { const v = Math.floor((cents * shares[s0 + q]) / unitCents) * unitCents; compFlat[q * n + i] = v / 100; left -= v; }
        compFlat[8 * n + i] = left / 100;
        total[i] = cents / 100;
        const employee = ageY >= 18 && ageY < 75 ? ub[up++] < 0.6 : ub[up++] < 0.15;
        ins[i] = employee ? 0 : 1;
        const fundCents = Math.round(cents * ((employee ? 0.82 : 0.62) + 0.08 * ub[up++]));
        fund[i] = fundCents / 100;
        self[i] = (cents - fundCents) / 100;

        // 8. The row.
        const num = g + 1;
        caseNum[i] = num;
        if (pid < 0) pid = nextPatient++;
        patient[i] = pid;
        hosp[i] = h; level[i] = hLevel[h]; dept[i] = dIdx; phys[i] = p; ward[i] = physWardA[p];
        admit[i] = admitDay; discharge[i] = admitDay + stay; los[i] = stay;
        age[i] = ageY; sex[i] = sx === 1 ? 0 : 1; status[i] = st;
        if (tDaysMin[t] >= 0) { ageDays[i] = tDaysMin[t] + Math.floor(ub[up++] * (tDaysMax[t] - tDaysMin[t] + 1)); ageDaysOk[i] = 1; }
        if (tBwMin[t] >= 0) { bw[i] = tBwMin[t] + Math.floor(ub[up++] * (tBwMax[t] - tBwMin[t])); bwOk[i] = 1; }
        if (tVentMin[t] >= 0) { vent[i] = tVentMin[t] + Math.floor(ub[up++] * (tVentMax[t] - tVentMin[t])); ventOk[i] = 1; }
        pdx[i] = tPdx[t];
        if (pp >= 0) { pproc[i] = pp; pprocOk[i] = 1; }
        gtKind[i] = kind;
        gtDrg[i] = drg; gtDrgOk[i] = 1;
        if (kind === AK.upcoded) { gtDetail[i] = QUALITY_ERROR_KINDS.length + costDrg; gtDetailOk[i] = 1; }
        if (kind === AK.split) related[i] = ring.caseNum[slot];

        // 9. Planted data-quality errors (the row no longer has a trustworthy DRG).
        if (kind === AK.quality) {
          gtDetail[i] = qe; gtDetailOk[i] = 1; gtDrgOk[i] = 0;
          if (qe === QE.dischargeBeforeAdmit) { admit[i] = admitDay + stay; discharge[i] = admitDay; }
          else if (qe === QE.componentsOff) comps[0][i] = (Math.round((comps[0][i] * 100 + cents * (0.03 + 0.12 * ub[up++])) / unitCents) * unitCents) / 100;
          else if (qe === QE.sexConflict) sex[i] = sx === 1 ? 1 : 0;
          else if (qe === QE.duplicateId) caseNum[i] = num - 1;
          else if (qe === QE.newbornNoWeight) bwOk[i] = 0;
        }
        // 10. Remember the patient for returns (not after a death, not after a data-quality error).
        if (st !== 5 && kind !== AK.quality && tNewborn[t] === 0) {
          const s = slot >= 0 ? slot : h * RING + (ringPos[h]++ % RING);
          ring.pid[s] = pid; ring.sex[s] = sx; ring.age[s] = ageY; ring.discharge[s] = discharge[i]; ring.unit[s] = unit; ring.caseNum[s] = caseNum[i];
        }
      }
      uni.pos = up;
      rngSpare = spare;
      secOff[n] = nSec;
      procOff[n] = nOth;
      return {
        caseNum, patient, related, hosp, level, dept, ward, phys, admit, discharge, los, age, ageDays, ageDaysOk, sex, bw, bwOk, status,
        pdx, pproc, pprocOk, vent, ventOk, total, comps, fund, self, ins, gtKind, gtDetail, gtDetailOk, gtDrg, gtDrgOk,
        sec, nSec, secOff, oth, nOth, procOff, idWidth,
      };
    };
    for (let start = 0; start < this.cases; start += this.batchSize) {
      const n = Math.min(this.batchSize, this.cases - start);
      yield this.assemble(n, fill(start, n), { wardNames, physNames });
    }
  }

  private dictionaries: Vector[] | null = null;
  private dictionaryVectors(names: { wardNames: string[]; physNames: string[] }): Vector[] {
    if (this.dictionaries) return this.dictionaries;
    const v = (xs: readonly string[]) => makeVector(utf8FromCodes(tableOf(xs), Int32Array.from(xs.keys()), xs.length));
    this.dictionaries = [
      v(this.hospitals.map((h) => h.id)), v(this.cat.departments), v(names.wardNames), v(names.physNames), v(['M', 'F']),
      v(this.cat.dx.codes), v(this.cat.proc.codes), v(['职工', '居民']), v(ANOMALY_KINDS),
      v([...QUALITY_ERROR_KINDS, ...this.drgCodes.map((d) => `cost_of:${d}`)]), v(this.drgCodes),
    ];
    return this.dictionaries;
  }

  /** int32 columns as int16 in compact files (values fit: days, grams, hours). */
  private narrow(a: Int32Array): Int32Array | Int16Array {
    return this.compact ? Int16Array.from(a) : a;
  }

  private assemble(n: number, b: BatchColumns, names: { wardNames: string[]; physNames: string[] }): RecordBatch {
    const dicts = this.dictionaryVectors(names);
    const fields = this.schema.fields;
    const type = (name: string) => fields.find((f) => f.name === name)!.type;
    const dictData = (name: string, di: number, data: Int8Array | Int16Array, ok?: Uint8Array) =>
      makeData({ type: type(name) as Dictionary, length: n, data, dictionary: dicts[di], ...(ok ? validity(ok, n) : { nullCount: 0 }) });
    const list = (codes: CodeTable, idx: Int32Array, count: number, offsets: Int32Array) =>
      makeData({ type: utf8List(), length: n, nullCount: 0, valueOffsets: offsets, child: utf8FromCodes(codes, idx, count) });
    const plain = <T extends Int8 | Int16 | Int32 | Float64 | DateDay>(name: string, data: T['TArray'], ok?: Uint8Array) =>
      makeData({ type: type(name) as T, length: n, data, ...(ok ? validity(ok, n) : { nullCount: 0 }) } as never) as Data;
    const children: Data[] = [
      numberedIds(67 /* C */, b.idWidth, b.caseNum, n), numberedIds(80 /* P */, b.idWidth, b.patient, n),
      dictData('hospital_id', 0, b.hosp), plain('hospital_level', b.level), dictData('department', 1, b.dept),
      dictData('ward', 2, b.ward), dictData('physician', 3, b.phys), plain('admit_date', b.admit), plain('discharge_date', b.discharge),
      plain('los', this.narrow(b.los)), plain('age_years', b.age), plain('age_days', b.ageDays, b.ageDaysOk), dictData('sex', 4, b.sex),
      plain('birth_weight_g', this.narrow(b.bw), b.bwOk), plain('discharge_status', b.status), dictData('principal_dx', 5, b.pdx),
      list(this.cat.dx, b.sec, b.nSec, b.secOff), dictData('principal_proc', 6, b.pproc, b.pprocOk),
      list(this.cat.proc, b.oth, b.nOth, b.procOff), plain('vent_hours', this.narrow(b.vent), b.ventOk),
      plain('total_cost', b.total), ...b.comps.map((cv, q) => plain(COST_COMPONENTS[q], this.compact ? Int32Array.from(cv) : cv)),
      ...(this.compact ? [] : [plain('fund_paid', b.fund), plain('self_pay', b.self)]), dictData('insurance_type', 7, b.ins),
      dictData('gt_anomaly', 8, b.gtKind), dictData('gt_detail', 9, b.gtDetail, b.gtDetailOk), dictData('gt_drg', 10, b.gtDrg, b.gtDrgOk),
      numberedIds(67, b.idWidth, b.related, n),
    ];
    return new RecordBatch(this.schema, makeData({ type: new Struct(fields), length: n, nullCount: 0, children }));
  }

  /**
   * Writes the cases as Arrow IPC (file format by default) batch by batch: each piece of bytes goes to
   * `sink` as soon as it is made and nothing is kept, so memory stays one batch whatever the case count.
   */
  writeArrow(sink: (bytes: Uint8Array) => void, format: 'file' | 'stream' = 'file', onBatch?: (rows: number) => void): { rows: number; bytes: number } {
    const queue = new ChunkSink(sink);
    const writer = format === 'file' ? new RecordBatchFileWriter() : new RecordBatchStreamWriter();
    writer.reset(queue as unknown as AsyncByteQueue<Uint8Array>, this.schema);
    let rows = 0;
    for (const batch of this.batches()) {
      writer.write(batch);
      rows += batch.numRows;
      onBatch?.(rows);
    }
    writer.close(); // writes the footer (file) or end-of-stream marker, then closes the sink
    return { rows, bytes: queue.bytes };
  }

  /** All bytes at once (tests and small files). */
  toUint8Array(format: 'file' | 'stream' = 'file'): Uint8Array {
    const parts: Uint8Array[] = [];
    let size = 0;
    this.writeArrow((b) => { parts.push(b.slice()); size += b.byteLength; }, format);
    const out = new Uint8Array(size);
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.byteLength; }
    return out;
  }
}

interface BatchColumns {
  caseNum: Float64Array; patient: Float64Array; related: Float64Array;
  hosp: Int8Array; level: Int8Array; dept: Int8Array; ward: Int16Array; phys: Int16Array;
  admit: Int32Array; discharge: Int32Array; los: Int32Array; age: Int16Array; ageDays: Int16Array; ageDaysOk: Uint8Array;
  sex: Int8Array; bw: Int32Array; bwOk: Uint8Array; status: Int8Array; pdx: Int16Array; pproc: Int16Array; pprocOk: Uint8Array;
  vent: Int32Array; ventOk: Uint8Array; total: Float64Array; comps: Float64Array[]; fund: Float64Array; self: Float64Array; ins: Int8Array;
  gtKind: Int8Array; gtDetail: Int16Array; gtDetailOk: Uint8Array; gtDrg: Int16Array; gtDrgOk: Uint8Array;
  sec: Int32Array; nSec: number; secOff: Int32Array; oth: Int32Array; nOth: number; procOff: Int32Array; idWidth: number;
}

function tableOf(xs: readonly string[]): CodeTable {
  const t = new CodeTable();
  for (const x of xs) t.codes.push(x);
  t.seal();
  return t;
}

function yearOf(day: number, yearStart: number[]): number {
  let y = 0;
  while (y + 1 < yearStart.length - 1 && day >= yearStart[y + 1]) y++;
  return y;
}

/** The writer's byte queue, made synchronous: every chunk goes straight to the sink (the writer never buffers a file). */
class ChunkSink extends AsyncByteQueue<Uint8Array> {
  bytes = 0;
  constructor(private readonly sink: (bytes: Uint8Array) => void) { super(); }
  override write(value: Parameters<AsyncByteQueue<Uint8Array>['write']>[0]): void {
    let u8: Uint8Array;
    if (value instanceof Uint8Array) u8 = value;
    else if (ArrayBuffer.isView(value)) u8 = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    else if (value instanceof ArrayBuffer) u8 = new Uint8Array(value);
    else return; // the writer only ever passes byte views
    if (u8.byteLength === 0) return;
    this.bytes += u8.byteLength;
    this.sink(u8);
  }
}

/** Convenience: the generator's bytes for a set of options. */
export function generateCaseBytes(options: CaseGeneratorOptions, format: 'file' | 'stream' = 'file'): Uint8Array {
  return new CaseGenerator(options).toUint8Array(format);
}

/** Wall-clock-free day number → ISO date (for messages and tests). */
export function dayToIso(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
