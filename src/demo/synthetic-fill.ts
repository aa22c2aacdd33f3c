// The synthetic generator's per-case loop (Case data issue): draws each case's hospital, DRG unit, patient,
// stay, costs and codes into reused batch columns, reading only flat lookup tables built once per run.
import type { AdrgKind } from '../rules/ruleset-format.ts';
import { dxSexLimit } from '../data/quality-checks.ts';
import { seededRandom } from './demo-cases.ts';
import type { Catalog, Template, Unit } from './synthetic-catalog.ts';
import {
  CHUNK, UniformBuffer, aliasTable, cumulative, exponentialQuantile, pick, quantile, quantileTable,
} from './synthetic-draws.ts';

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

export const DAY_MS = 86_400_000;

// The per-case loop's constants are const enums: they compile to literals, where V8 would reload a module
// constant on every use.
/** ANOMALY_KINDS indices. */
const enum AK { none, split, upcoded, lowStandard, high, low, quality }
/** QUALITY_ERROR_KINDS indices. */
const enum QE { dischargeBeforeAdmit, componentsOff, sexConflict, duplicateId, newbornNoWeight, count }
/** Severity plans and pools: plain, a CC, an MCC (as SEV_* in synthetic-catalog.ts). */
const enum Sev { none, cc, mcc }
/** Mix of the planted anomaly kinds (split, upcoded, low-standard, high, low). */
const ANOMALY_MIX = [0.3, 0.2, 0.2, 0.15, 0.15];

// ----- teaching parameters of the case draws (the templates' own are in synthetic-catalog.ts) ---------------
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
/** Cost component shares [drug, consumable, exam, lab, treatment, surgery, nursing, bed, other] by ADRG kind. */
const COMPONENT_SHARE: Record<AdrgKind, number[]> = {
  surgical: [0.2, 0.3, 0.06, 0.07, 0.09, 0.14, 0.05, 0.04, 0.05],
  non_or: [0.22, 0.33, 0.07, 0.08, 0.12, 0.06, 0.04, 0.03, 0.05],
  medical: [0.36, 0.08, 0.13, 0.16, 0.12, 0, 0.06, 0.05, 0.04],
};
const ADRG_KINDS: readonly AdrgKind[] = ['surgical', 'non_or', 'medical'];
/** Lognormal spread of costs and stays around the DRG means; the stay's normal is correlated 0.6 with the cost's. */
const COST_SIGMA = 0.45, LOS_SIGMA = 0.38, LOS_COST_CORRELATION = 0.6;
/** Parameters the per-case loop reads. */
const enum Param {
  /** Normal cases stay inside these cost ratios to the DRG mean, so the planted outliers are the only ones beyond 3× / 0.3×. */
  normalCostMin = 0.36,
  normalCostMax = 2.8,
  /** Share of cases that look for a returning patient. */
  repeatRate = 0.14,
  /** Recent patients remembered per hospital (who can come back); a power of two. */
  ring = 4096,
}

const sq = (x: number) => x * x;

// ----- the per-run tables ------------------------------------------------------------------------------------
export interface Hospital { id: string; level: number; costEffect: number; losEffect: number; volume: number }

export interface FillOptions {
  seed: number; years: number; firstYear: number; anomalyRate: number; qualityErrorRate: number; compact: boolean;
}

/** Units a planted anomaly is drawn from, with cumulative weights per hospital (`cum[h * idx.length …]`). */
class UnitSubset {
  readonly idx: Int32Array;
  readonly cum: Float64Array;
  constructor(idx: number[], weightOf: (unit: number, h: number) => number, hospitals: number) {
    this.idx = Int32Array.from(idx);
    this.cum = new Float64Array(hospitals * idx.length);
    for (let h = 0; h < hospitals; h++) this.cum.set(cumulative(idx.map((i) => weightOf(i, h) + 1e-12)), h * idx.length);
  }
  pick(h: number, u: number): number {
    const n = this.idx.length;
    return this.idx[pick(this.cum, h * n, n, u)];
  }
}

/** Template fields in FillContext.tpl (TplInt.size per template), and their float ones in tplNum. */
const enum TplInt {
  ageMin, ageMax, sex, newborn, z51, medical, daysMin, daysMax, bwMin, bwMax, ventMin, ventMax, dept, childDept, pdx, pproc,
  /** Start of the template's 64 cost-share vectors in FillContext.shares. */
  shares,
  /** Code lists as slices of FillContext.lists: forced secondaries, other procedures. */
  forcedAt, forcedEnd, othersAt, othersEnd,
  /** Secondary pools by severity (Sev): start and length, at pools + 2 × severity. */
  pools,
  size = pools + 6,
}
const enum TplNum { ageMean, ageSd, child, male, death, size }
/** A remembered patient's fields in FillContext.ring (Ring.size per slot, slot h × Param.ring + j). */
const enum Ring { pid, sex, age, discharge, unit, caseNum, size }

/**
 * Everything the per-case loop reads or carries from batch to batch, as typed arrays on one class (a single
 * hidden class keeps the loop's optimised code valid). Templates, and remembered patients, are records in one
 * array each: a case's reads then hit a few cache lines, and V8 checks one array instead of dozens.
 */
export class FillContext {
  // the case stream: uniforms, patient numbers
  readonly uni: UniformBuffer;
  nextPatient = 1;
  /** Quantile tables: a normal (ages); the cost factor and the stay's factors from the cost's normal and its own; an exponential. */
  readonly normal: Float64Array;
  readonly costFactor: Float64Array;
  readonly losFromCost: Float64Array;
  readonly losOwn: Float64Array;
  readonly exponential: Float64Array;
  readonly qualityRate: number;
  readonly plantRate: number;
  /** Cost resolution: a cent, or a whole yuan in compact files. */
  readonly unitCents: number;
  // hospitals; unit popularity per hospital (alias tables at h * nUnits)
  readonly hospCum: Float64Array;
  readonly hCost: Float64Array;
  readonly hLos: Float64Array;
  readonly hLevel: Int8Array;
  readonly nUnits: number;
  readonly aliasProb: Float64Array;
  readonly aliasIdx: Int32Array;
  readonly upcodable: UnitSubset;
  readonly medical: UnitSubset;
  readonly sexLimited: UnitSubset;
  readonly newborns: UnitSubset;
  // units and DRGs
  readonly uT: Int32Array;
  readonly uPlan: Int32Array;
  readonly uDrg: Int32Array;
  readonly upcodeDrg: Int32Array;
  readonly drgMeanCost: Float64Array;
  readonly drgMeanLos: Float64Array;
  readonly drgDeath: Float64Array;
  // templates (TplInt / TplNum records), their code lists and cost shares
  readonly tpl: Int32Array;
  readonly tplNum: Float64Array;
  readonly lists: Int32Array;
  readonly shares: Float64Array;
  readonly safeProcs: Int32Array;
  /** Most secondary diagnoses / other procedures one case can get. */
  readonly maxSec: number;
  readonly maxOth: number;
  // physicians and wards per (hospital, department) k = h * nDept + d: physicians physStart[k] … physStart[k + 1]
  readonly nDept: number;
  readonly deptCost: Float64Array;
  readonly deptLos: Float64Array;
  readonly physStart: Int32Array;
  readonly physCost: Float64Array;
  readonly physLos: Float64Array;
  readonly physWard: Int32Array;
  readonly wardNames: string[];
  readonly physNames: string[];
  // discharge years
  readonly yearCum: Float64Array;
  readonly yearStart: Int32Array;
  /** Year index by day of the window (day − yearStart[0]). */
  readonly yearOfDay: Uint8Array;
  readonly yearCost: Float64Array;
  readonly windowEnd: number;
  /** Recent patients per hospital (Ring records): who can come back (repeat patients, split admissions). */
  readonly ring: Int32Array;
  readonly ringPos: Int32Array;
  // a planted case's choices, handed back by plantCase (fields: one shape)
  kind = 0;
  qe = 0;
  hosp = 0;
  unit = 0;
  slot = 0;
  drg = 0;
  /** Its stay: fixed (> 0), else the drawn one × stayScale, at least minStay. */
  fixedStay = 0;
  stayScale = 1;
  minStay = 1;
  /** Its cost ratio to the DRG mean, when > 0. */
  ratio = 0;
  /** Its discharge status, when > 0. */
  status = 0;
  /** No in-hospital death. */
  survives = false;
  /** A cost_components_mismatch: the share of the total added to drug_cost. */
  offShare = 0;

  constructor(c: Catalog, hospitals: readonly Hospital[], o: FillOptions) {
    // The case stream's uniforms come from a buffer refilled in bulk (the same sequence as seededRandom(seed)).
    this.uni = new UniformBuffer(o.seed);
    this.qualityRate = o.qualityErrorRate;
    this.plantRate = o.qualityErrorRate + o.anomalyRate;
    this.unitCents = o.compact ? 100 : 1;
    // Lognormal cost ratio exp(σc·z − σc²/2), z cut at ±2.2; stay factor exp(σl·(ρ·z + √(1 − ρ²)·z′) − 0.07).
    const cut = (z: number) => Math.max(-2.2, Math.min(2.2, z));
    this.normal = quantileTable((z) => z);
    this.costFactor = quantileTable((z) => Math.exp(COST_SIGMA * cut(z) - (COST_SIGMA * COST_SIGMA) / 2));
    this.losFromCost = quantileTable((z) => Math.exp(LOS_SIGMA * LOS_COST_CORRELATION * cut(z)));
    this.losOwn = quantileTable((z) => Math.exp(LOS_SIGMA * Math.sqrt(1 - LOS_COST_CORRELATION ** 2) * z - 0.07));
    this.exponential = quantileTable((x) => x, exponentialQuantile);
    const H = hospitals.length;
    // The fixed effects' own stream: staff first, then the cost shares.
    const fx = seededRandom(o.seed ^ 0x2545f491);

    const staff = staffTables(c.departments, hospitals, fx);
    this.nDept = c.departments.length;
    this.deptCost = staff.deptCost; this.deptLos = staff.deptLos; this.physStart = staff.physStart;
    this.physCost = staff.physCost; this.physLos = staff.physLos; this.physWard = staff.physWard;
    this.wardNames = staff.wardNames; this.physNames = staff.physNames;

    const T = c.templates, U = c.units;
    const weights = unitWeights(c, hospitals);
    this.nUnits = U.length;
    this.aliasProb = new Float64Array(H * U.length);
    this.aliasIdx = new Int32Array(H * U.length);
    for (let h = 0; h < H; h++) aliasTable(weights(h), this.aliasProb, this.aliasIdx, h * U.length);
    const subset = (keep: (u: Unit, i: number) => boolean) => {
      const idx: number[] = [];
      for (let i = 0; i < U.length; i++) if (keep(U[i], i)) idx.push(i);
      return new UnitSubset(idx, (i, h) => weights(h)[i], H);
    };
    this.upcodable = subset((_, i) => c.upcodeDrg[i] >= 0);
    this.medical = subset((u) => T[u.t].kind === 'medical' && !T[u.t].newborn);
    this.sexLimited = subset((u) => dxSexLimit(c.dx.codes[T[u.t].pdx]) !== 0 && 'MNO'.includes(T[u.t].mdc));
    this.newborns = subset((u) => T[u.t].newborn);
    this.hospCum = cumulative(hospitals.map((h) => h.volume));
    this.hCost = Float64Array.from(hospitals, (x) => x.costEffect);
    this.hLos = Float64Array.from(hospitals, (x) => x.losEffect);
    this.hLevel = Int8Array.from(hospitals, (x) => x.level);

    this.uT = Int32Array.from(U, (u) => u.t); this.uPlan = Int32Array.from(U, (u) => u.plan); this.uDrg = Int32Array.from(U, (u) => u.drg);
    this.upcodeDrg = c.upcodeDrg; this.drgMeanCost = c.drgMeanCost; this.drgMeanLos = c.drgMeanLos;
    this.drgDeath = Float64Array.from(c.drgSuffix, (sfx, d) => (SEVERITY_DEATH[sfx] ?? 1) * Math.pow(Math.min(c.drgRw[d], 6), 0.3));
    this.shares = costShares(fx);

    const records = templateRecords(T);
    this.tpl = records.tpl; this.tplNum = records.tplNum; this.lists = records.lists;
    this.safeProcs = c.safeProcs;
    // Forced, then at most 2 severity codes and 6 comorbidities; other procedures, then at most 1 extra.
    this.maxSec = records.maxForced + 8;
    this.maxOth = records.maxOthers + 1;

    this.yearCum = cumulative(Array.from({ length: o.years }, (_, y) => Math.pow(1.05, y)));
    this.yearStart = Int32Array.from({ length: o.years + 1 }, (_, y) => Date.UTC(o.firstYear + y, 0, 1) / DAY_MS);
    this.yearCost = Float64Array.from({ length: o.years }, (_, y) => Math.pow(1.04, y));
    this.windowEnd = this.yearStart[o.years] - 1;
    this.yearOfDay = new Uint8Array(this.windowEnd - this.yearStart[0] + 1);
    for (let y = 1; y < o.years; y++) this.yearOfDay.fill(y, this.yearStart[y] - this.yearStart[0]);

    this.ring = new Int32Array(H * Param.ring * Ring.size);
    for (let s = 0; s < H * Param.ring; s++) this.ring[s * Ring.size + Ring.pid] = -1;
    this.ringPos = new Int32Array(H);
  }
}

/** Physicians and wards per (hospital, department) k = h × departments + d, with their cost and LOS effects. */
function staffTables(departments: readonly string[], hospitals: readonly Hospital[], fx: () => number) {
  const fxNormal = () => { const u = Math.max(fx(), 1e-12); return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * fx()); };
  const H = hospitals.length, nDept = departments.length;
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
      const nPhys = Math.round((hospitals[h].level === 3 ? 6 : 3) + fx() * 5);
      const nWard = nPhys > 6 ? 2 : 1;
      physStart[k] = physNames.length;
      for (let p = 0; p < nPhys; p++) {
        const wname = `${departments[d]}${numerals[p % nWard]}病区`;
        let w = wardIndex.get(wname);
        if (w === undefined) { w = wardNames.length; wardNames.push(wname); wardIndex.set(wname, w); }
        physNames.push(`${hospitals[h].id}-D${String(d + 1).padStart(2, '0')}${String(p + 1).padStart(2, '0')}`);
        physWard.push(w);
        physCost.push(Math.exp(0.12 * fxNormal()));
        physLos.push(Math.exp(0.1 * fxNormal()));
      }
    }
  }
  physStart[H * nDept] = physNames.length;
  return {
    deptCost, deptLos, physStart, physCost: Float64Array.from(physCost), physLos: Float64Array.from(physLos),
    physWard: Int32Array.from(physWard), wardNames, physNames,
  };
}

/**
 * Unit popularity by hospital: MDC volume × kind share × Zipf rank within the department × suffix share, and
 * the hospital's level. Returns the weights of hospital h (computed once per level).
 */
function unitWeights(c: Catalog, hospitals: readonly Hospital[]): (h: number) => Float64Array {
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
  // Per template: its ADRG's weight, and the Zipf factor of its rank within the ADRG.
  const adrgW = new Float64Array(T.length), rankPow = new Float64Array(T.length);
  for (const ts of byAdrg.values()) ts.forEach((ti, i) => {
    const t = T[ti];
    let kindTotal = 0;
    for (const k of kindsOfMdc.get(t.mdc)!) kindTotal += KIND_SHARE[k];
    adrgW[ti] = (MDC_VOLUME[t.mdc] ?? 0.3) * (KIND_SHARE[t.kind] / kindTotal) / Math.pow(adrgRank.get(t.adrg)! + 1, 0.85);
    rankPow[ti] = Math.pow(i + 1, 0.9);
  });
  const byLevel = new Map<number, Float64Array>();
  return (h) => {
    const level = hospitals[h].level;
    let w = byLevel.get(level);
    if (!w) {
      w = new Float64Array(U.length);
      for (let i = 0; i < U.length; i++) {
        const u = U[i], rw = T[u.t].rw;
        const levelW = level === 2 ? (rw >= 6 ? 0.02 : rw >= 3 ? 0.3 : 1.2) : 1;
        const planW = u.plan === 0 ? 0.7 : u.plan === 1 ? 0.25 : 0.05;
        w[i] = adrgW[u.t] * levelW * planW * (SUFFIX_SHARE[c.drgSuffix[u.drg]] ?? 0.3) / rankPow[u.t];
      }
      byLevel.set(level, w);
    }
    return w;
  };
}

/** 64 jittered, normalised share vectors per ADRG kind: one draw per case instead of nine. */
function costShares(fx: () => number): Float64Array {
  const shares = new Float64Array(ADRG_KINDS.length * 64 * 9);
  ADRG_KINDS.forEach((kindName, ki) => {
    for (let j = ki * 64; j < (ki + 1) * 64; j++) {
      let sum = 0;
      for (let q = 0; q < 9; q++) { shares[j * 9 + q] = COMPONENT_SHARE[kindName][q] * (0.7 + 0.6 * fx()); sum += shares[j * 9 + q]; }
      for (let q = 0; q < 9; q++) shares[j * 9 + q] /= sum;
    }
  });
  return shares;
}

/**
 * Template records (TplInt / TplNum), and their code lists in one array: the secondary pools (shared by
 * templates) once each, then each template's forced secondaries and other procedures.
 */
function templateRecords(T: readonly Template[]) {
  const poolAt = new Map<Int32Array, number>();
  let listed = 0;
  for (const t of T) for (const pool of t.pools) if (!poolAt.has(pool)) { poolAt.set(pool, listed); listed += pool.length; }
  const lists = new Int32Array(T.reduce((size, t) => size + t.forcedSec.length + t.others.length, listed));
  for (const [pool, at] of poolAt) lists.set(pool, at);
  const store = (codes: number[]) => { lists.set(codes, listed); listed += codes.length; return listed - codes.length; };
  const tpl = new Int32Array(T.length * TplInt.size);
  const tplNum = new Float64Array(T.length * TplNum.size);
  let maxForced = 0, maxOthers = 0;
  T.forEach((t, i) => {
    const r = tpl.subarray(i * TplInt.size, (i + 1) * TplInt.size), f = tplNum.subarray(i * TplNum.size, (i + 1) * TplNum.size);
    r[TplInt.ageMin] = t.ageMin; r[TplInt.ageMax] = t.ageMax; r[TplInt.sex] = t.sex; r[TplInt.newborn] = t.newborn ? 1 : 0;
    r[TplInt.z51] = t.z51 ? 1 : 0; r[TplInt.medical] = t.kind === 'medical' ? 1 : 0;
    r[TplInt.daysMin] = t.ageDaysMin; r[TplInt.daysMax] = t.ageDaysMax; r[TplInt.bwMin] = t.bwMin; r[TplInt.bwMax] = t.bwMax;
    r[TplInt.ventMin] = t.ventMin; r[TplInt.ventMax] = t.ventMax; r[TplInt.dept] = t.dept; r[TplInt.childDept] = t.childDept;
    r[TplInt.pdx] = t.pdx; r[TplInt.pproc] = t.pproc; r[TplInt.shares] = ADRG_KINDS.indexOf(t.kind) * 64 * 9;
    r[TplInt.forcedAt] = store(t.forcedSec); r[TplInt.forcedEnd] = listed;
    r[TplInt.othersAt] = store(t.others); r[TplInt.othersEnd] = listed;
    for (let level = 0; level < 3; level++) { r[TplInt.pools + 2 * level] = poolAt.get(t.pools[level])!; r[TplInt.pools + 2 * level + 1] = t.pools[level].length; }
    f[TplNum.ageMean] = t.ageMean; f[TplNum.ageSd] = t.ageSd; f[TplNum.child] = t.childShare;
    f[TplNum.male] = t.mdc === 'F' || t.mdc === 'B' ? 0.56 : 0.5; f[TplNum.death] = MDC_DEATH_RISK[t.mdc] ?? 0.002;
    maxForced = Math.max(maxForced, t.forcedSec.length); maxOthers = Math.max(maxOthers, t.others.length);
  });
  return { tpl, tplNum, lists, maxForced, maxOthers };
}

/**
 * One batch's columns, allocated once for the largest batch and refilled batch after batch (every row's
 * every value is written, nulls included). Arrow data made from them is only valid until the next fill.
 */
export class BatchColumns {
  n = 0;
  /** Codes written so far into sec / oth. */
  nSec = 0;
  nOth = 0;
  readonly caseNum: Float64Array; readonly patient: Float64Array; readonly related: Float64Array;
  readonly hosp: Int8Array; readonly level: Int8Array; readonly dept: Int8Array; readonly ward: Int16Array; readonly phys: Int16Array;
  readonly admit: Int32Array; readonly discharge: Int32Array; readonly los: Int32Array;
  readonly age: Int16Array; readonly ageDays: Int16Array; readonly ageDaysOk: Uint8Array;
  readonly sex: Int8Array; readonly bw: Int32Array; readonly bwOk: Uint8Array; readonly status: Int8Array;
  readonly pdx: Int16Array; readonly pproc: Int16Array; readonly pprocOk: Uint8Array;
  readonly vent: Int32Array; readonly ventOk: Uint8Array;
  readonly total: Float64Array;
  /** The nine cost components, component q at q * capacity. */
  readonly comps: Float64Array;
  readonly fund: Float64Array; readonly self: Float64Array; readonly ins: Int8Array;
  readonly gtKind: Int8Array; readonly gtDetail: Int16Array; readonly gtDetailOk: Uint8Array; readonly gtDrg: Int16Array; readonly gtDrgOk: Uint8Array;
  /** Secondary diagnoses of row i: sec[secOff[i] … secOff[i + 1]); other procedures likewise. */
  readonly sec: Int32Array; readonly secOff: Int32Array; readonly oth: Int32Array; readonly procOff: Int32Array;
  /** What the per-case loop draws for the cost split done after it: total cents, share vector, fund share, planted mismatch. */
  readonly cents: Float64Array; readonly shareAt: Int32Array; readonly fundShare: Float64Array; readonly offShare: Float64Array;

  constructor(readonly capacity: number, maxSec: number, maxOth: number) {
    const n = capacity;
    this.caseNum = new Float64Array(n); this.patient = new Float64Array(n); this.related = new Float64Array(n);
    this.hosp = new Int8Array(n); this.level = new Int8Array(n); this.dept = new Int8Array(n); this.ward = new Int16Array(n); this.phys = new Int16Array(n);
    this.admit = new Int32Array(n); this.discharge = new Int32Array(n); this.los = new Int32Array(n);
    this.age = new Int16Array(n); this.ageDays = new Int16Array(n); this.ageDaysOk = new Uint8Array(n);
    this.sex = new Int8Array(n); this.bw = new Int32Array(n); this.bwOk = new Uint8Array(n); this.status = new Int8Array(n);
    this.pdx = new Int16Array(n); this.pproc = new Int16Array(n); this.pprocOk = new Uint8Array(n);
    this.vent = new Int32Array(n); this.ventOk = new Uint8Array(n);
    this.total = new Float64Array(n); this.comps = new Float64Array(COST_COMPONENTS.length * n);
    this.fund = new Float64Array(n); this.self = new Float64Array(n); this.ins = new Int8Array(n);
    this.gtKind = new Int8Array(n); this.gtDetail = new Int16Array(n); this.gtDetailOk = new Uint8Array(n);
    this.gtDrg = new Int16Array(n); this.gtDrgOk = new Uint8Array(n);
    this.sec = new Int32Array(n * maxSec); this.secOff = new Int32Array(n + 1);
    this.oth = new Int32Array(n * maxOth); this.procOff = new Int32Array(n + 1);
    this.cents = new Float64Array(n); this.shareAt = new Int32Array(n); this.fundShare = new Float64Array(n); this.offShare = new Float64Array(n);
  }
}

/** Fills rows 0 … n − 1 of `b` with cases start … start + n − 1. */
export function fillBatch(x: FillContext, b: BatchColumns, start: number, n: number): void {
  b.nSec = 0;
  b.nOth = 0;
  // In chunks, the uniforms refilled in between: the per-case loop then holds no refill (V8 would inline it there).
  for (let i = 0; i < n; i += CHUNK) {
    x.uni.refill();
    fillRows(x, b, start, i, Math.min(n, i + CHUNK));
  }
  b.secOff[n] = b.nSec;
  b.procOff[n] = b.nOth;
  splitCosts(x, b, n);
  plantQualityErrors(b, n);
  b.n = n;
}

/**
 * The per-case loop, rows i0 … i1 − 1. Module-level, reading typed arrays from two classes of one shape each,
 * so V8 optimises it once and keeps it. What is special about planted cases is decided up front by plantCase
 * and applied here as plain values (a fixed stay, a ratio …), or patched after the loop (plantQualityErrors):
 * rare code first run after optimisation would deoptimise the loop.
 */
function fillRows(x: FillContext, b: BatchColumns, start: number, i0: number, i1: number): void {
  const {
    uni, qualityRate, plantRate, unitCents, normal, costFactor, losFromCost, losOwn, hospCum, hCost, hLos, hLevel, nUnits, aliasProb, aliasIdx,
    uT, uPlan, uDrg, drgMeanCost, drgMeanLos, drgDeath, tpl, tplNum,
    nDept, deptCost, deptLos, physStart, physCost, physLos, physWard, yearCum, yearStart, yearOfDay, yearCost, windowEnd, ring, ringPos,
  } = x;
  const {
    caseNum, patient, related, hosp, level, dept, ward, phys, admit, discharge, los, age, ageDays, ageDaysOk, sex, bw, bwOk, status,
    pdx, vent, ventOk, ins, gtKind, gtDetail, gtDetailOk, gtDrg, gtDrgOk, cents: centsOf, shareAt, fundShare, offShare,
  } = b;
  const centsPerUnit = 100 / unitCents;
  const nHosp = hospCum.length, nYears = yearCum.length;
  const firstDay = yearStart[0], lastDay = yearOfDay.length - 1;
  const splitGapSpan = GT_THRESHOLDS.splitMaxDays - 1; // read here: a property read first run in a rare branch deoptimises
  const ub = uni.buf;
  let up = uni.pos, nextPatient = x.nextPatient;
  // Draws scaled to a count are truncated with `| 0` (as Math.floor for these non-negative values, cheaper in V8).
  for (let i = i0; i < i1; i++) {
    const g = start + i;
    // 1–2. What this case is (normal, a planted anomaly or data-quality error), its hospital and its unit
    // (template × severity plan); a split admission repeats an earlier patient's template.
    let kind: number = AK.none, qe = 0, h: number, unit: number, drg: number, slot = -1;
    let fixedStay = 0, stayScale = 1, minStay = 1, plantedRatio = 0, plantedStatus = 0, survives = false, offShareNow = 0;
    const r0 = ub[up++];
    if (r0 < plantRate) {
      up = plantCase(x, g, r0 < qualityRate, up);
      kind = x.kind; qe = x.qe; h = x.hosp; unit = x.unit; drg = x.drg; slot = x.slot;
      fixedStay = x.fixedStay; stayScale = x.stayScale; minStay = x.minStay; plantedRatio = x.ratio; plantedStatus = x.status;
      survives = x.survives; offShareNow = x.offShare;
    } else {
      h = pick(hospCum, 0, nHosp, (r0 - plantRate) / (1 - plantRate)); // r0 beyond plantRate, rescaled: a fresh uniform
      const xu = ub[up++] * nUnits, j = Math.min(nUnits - 1, xu | 0), at = h * nUnits + j;
      unit = xu - j < aliasProb[at] ? j : aliasIdx[at];
      drg = uDrg[unit];
    }
    const t = uT[unit], ti = t * TplInt.size, tn = t * TplNum.size;
    const costDrg = uDrg[unit];

    // 3. The patient: a split admission's patient, a returning patient, or a new one.
    let ageY: number, sx: number, admitDay = 0, stay: number;
    const childShare = tplNum[tn + TplNum.child];
    const child = childShare > 0 && ub[up++] < childShare && kind !== AK.split;
    const ageMin = tpl[ti + TplInt.ageMin], ageMax = tpl[ti + TplInt.ageMax], sexOf = tpl[ti + TplInt.sex], newborn = tpl[ti + TplInt.newborn];
    const daysMin = tpl[ti + TplInt.daysMin];
    if (daysMin >= 0) ageY = 0;
    else if (child) ageY = 1 + ((ub[up++] * 14) | 0);
    else ageY = Math.min(ageMax, Math.max(ageMin, Math.round(tplNum[tn + TplNum.ageMean] + tplNum[tn + TplNum.ageSd] * quantile(normal, ub[up++]))));
    sx = sexOf || (ub[up++] < tplNum[tn + TplNum.male] ? 1 : 2);
    let pid = -1, prevDischarge = -1;
    if (slot < 0 && newborn === 0 && ub[up++] < Param.repeatRate) {
      const s = h * Param.ring + ((ub[up++] * Param.ring) | 0), r = s * Ring.size;
      const a = ring[r + Ring.age];
      if (ring[r + Ring.pid] >= 0 && a >= ageMin && a <= ageMax && a >= 1 && (sexOf === 0 || sexOf === ring[r + Ring.sex])) slot = s;
    }
    if (slot >= 0) { const r = slot * Ring.size; pid = ring[r + Ring.pid]; sx = ring[r + Ring.sex]; ageY = ring[r + Ring.age]; prevDischarge = ring[r + Ring.discharge]; }

    // 4. LOS and cost: lognormal around the DRG means with hospital, department, physician and year effects.
    const dIdx = ageY >= 1 && ageY < 15 ? tpl[ti + TplInt.childDept] : tpl[ti + TplInt.dept];
    const k = h * nDept + dIdx;
    const pCount = physStart[k + 1] - physStart[k];
    const p = physStart[k] + Math.min(pCount - 1, (pCount * sq(ub[up++])) | 0);
    const uCost = ub[up++], uLos = ub[up++];
    const effCost = hCost[h] * deptCost[k] * physCost[p];
    const effLos = hLos[h] * deptLos[k] * physLos[p];
    stay = Math.max(1, Math.min(120, Math.round(drgMeanLos[costDrg] * effLos * quantile(losFromCost, uCost) * quantile(losOwn, uLos))));
    let ratio = Math.min(Param.normalCostMax, Math.max(Param.normalCostMin, effCost * quantile(costFactor, uCost)));
    // 5. Discharge status: death by group risk × severity × age.
    const riskAge = ageY >= 75 ? 2 : ageY >= 60 ? 1.3 : ageY < 1 ? 1 : 0.6;
    const pDeath = Math.min(0.5, tplNum[tn + TplNum.death] * drgDeath[drg] * riskAge);
    const r1 = ub[up++];
    let st = r1 < pDeath ? 5 : r1 < pDeath + 0.02 ? 2 : r1 < pDeath + 0.035 ? 4 : r1 < pDeath + 0.045 ? 3 : r1 < pDeath + 0.05 ? 9 : 1;
    if (st === 5) stay = Math.max(1, Math.round(stay * (0.3 + 0.7 * ub[up++])));
    // A planted anomaly's stay, cost ratio and status (plain cases: scale 1, nothing fixed).
    stay = fixedStay > 0 ? fixedStay : Math.max(minStay, Math.round(stay * stayScale));
    if (plantedRatio > 0) ratio = plantedRatio;
    st = plantedStatus > 0 ? plantedStatus : st === 5 && survives ? 1 : st;
    const yearPick = pick(yearCum, 0, nYears, ub[up++]);
    if (prevDischarge >= 0) {
      // The gap to the last discharge; a split admission's is short (chosen by value, not by a branch only splits run).
      const split = kind === AK.split;
      admitDay = prevDischarge + (split ? 1 : 30) + ((ub[up++] * (split ? splitGapSpan : 240)) | 0);
      if (admitDay + stay > windowEnd) { // no room left in the window: a new patient instead
        if (split) kind = AK.none;
        slot = -1; pid = -1; prevDischarge = -1;
      }
    }
    if (prevDischarge < 0) {
      const y0 = yearStart[yearPick], y1 = yearStart[yearPick + 1];
      admitDay = y0 + ((ub[up++] * (y1 - y0)) | 0) - stay;
    }
    const dayInWindow = admitDay + stay - firstDay;
    ratio *= yearCost[yearOfDay[dayInWindow < 0 ? 0 : dayInWindow > lastDay ? lastDay : dayInWindow]];
    if (kind === AK.none || kind === AK.quality || kind === AK.split || kind === AK.upcoded) ratio = Math.min(Param.normalCostMax, Math.max(Param.normalCostMin, ratio));
    const cents = Math.round(drgMeanCost[costDrg] * ratio * centsPerUnit) * (100 / centsPerUnit);

    // 6. Codes: forced and severity secondaries, common comorbidities; procedures.
    up = drawCodes(x, b, i, ti, kind === AK.upcoded ? Sev.mcc : uPlan[unit], ageY, newborn, up);

    // 7. Cost: the total and what its split draws (the split itself is splitCosts, after the loop); insurance.
    centsOf[i] = cents;
    offShare[i] = offShareNow;
    shareAt[i] = tpl[ti + TplInt.shares] + 9 * ((ub[up++] * 64) | 0);
    const employee = ageY >= 18 && ageY < 75 ? ub[up++] < 0.6 : ub[up++] < 0.15;
    ins[i] = employee ? 0 : 1;
    fundShare[i] = (employee ? 0.82 : 0.62) + 0.08 * ub[up++];

    // 8. The row.
    const num = g + 1;
    caseNum[i] = num;
    if (pid < 0) pid = nextPatient++;
    patient[i] = pid;
    const previousCase = slot >= 0 ? ring[slot * Ring.size + Ring.caseNum] : -1;
    related[i] = kind === AK.split ? previousCase : -1;
    hosp[i] = h; level[i] = hLevel[h]; dept[i] = dIdx; phys[i] = p; ward[i] = physWard[p];
    admit[i] = admitDay; discharge[i] = admitDay + stay; los[i] = stay;
    age[i] = ageY; sex[i] = sx === 1 ? 0 : 1; status[i] = st;
    // Age in days, birth weight and ventilation hours where the template has them. Computed for every row and
    // kept only then (their uniform consumed only then): rare code first run after optimisation deoptimises the loop.
    const hasDays = daysMin >= 0, days = daysMin + Math.floor(ub[up] * (tpl[ti + TplInt.daysMax] - daysMin + 1));
    ageDays[i] = hasDays ? days : 0; ageDaysOk[i] = hasDays ? 1 : 0; up += hasDays ? 1 : 0;
    const bwMin = tpl[ti + TplInt.bwMin], hasBw = bwMin >= 0, weight = bwMin + Math.floor(ub[up] * (tpl[ti + TplInt.bwMax] - bwMin));
    bw[i] = hasBw ? weight : 0; bwOk[i] = hasBw ? 1 : 0; up += hasBw ? 1 : 0;
    const ventMin = tpl[ti + TplInt.ventMin], hasVent = ventMin >= 0, hours = ventMin + Math.floor(ub[up] * (tpl[ti + TplInt.ventMax] - ventMin));
    vent[i] = hasVent ? hours : 0; ventOk[i] = hasVent ? 1 : 0; up += hasVent ? 1 : 0;
    pdx[i] = tpl[ti + TplInt.pdx];
    // 9. The ground truth: an upcoded case's detail names the DRG its costs come from, a data-quality error's
    // its kind (the error itself is planted after the loop), and such a row has no trustworthy DRG.
    const upcoded = kind === AK.upcoded, quality = kind === AK.quality, costOf = QE.count + costDrg;
    gtKind[i] = kind;
    gtDrg[i] = drg; gtDrgOk[i] = quality ? 0 : 1;
    gtDetail[i] = upcoded ? costOf : quality ? qe : 0; gtDetailOk[i] = upcoded || quality ? 1 : 0;
    // 10. Remember the patient for returns (not after a death, not after a data-quality error).
    if (st !== 5 && kind !== AK.quality && newborn === 0) {
      const s = slot >= 0 ? slot : h * Param.ring + (ringPos[h]++ & (Param.ring - 1)), r = s * Ring.size;
      ring[r + Ring.pid] = pid; ring[r + Ring.sex] = sx; ring[r + Ring.age] = ageY; ring[r + Ring.discharge] = admitDay + stay;
      ring[r + Ring.unit] = unit; ring[r + Ring.caseNum] = num;
    }
  }
  uni.pos = up;
  x.nextPatient = nextPatient;
}

/**
 * Step 6 of the per-case loop, row i: the forced and severity secondaries of the template and plan, common
 * comorbidities, the procedures (and the principal one's column). Returns the position in the uniforms.
 * Apart from fillRows the loop is no slower: measured, 1M cases alternating runs, 993k cases/s steady (median
 * of 10) against 872k/s with the step inside the loop, on a loaded 2-core machine.
 */
function drawCodes(x: FillContext, b: BatchColumns, i: number, ti: number, plan: number, ageY: number, newborn: number, up: number): number {
  const { tpl, lists, safeProcs } = x;
  const { sec, oth } = b;
  const ub = x.uni.buf, nSafe = safeProcs.length;
  let nSec = b.nSec, nOth = b.nOth;
  const sec0 = nSec;
  b.secOff[i] = nSec;
  for (let q = tpl[ti + TplInt.forcedAt], e = tpl[ti + TplInt.forcedEnd]; q < e; q++) sec[nSec++] = lists[q];
  if (plan > 0) {
    const at = tpl[ti + TplInt.pools + 2 * plan], len = tpl[ti + TplInt.pools + 2 * plan + 1];
    sec[nSec++] = lists[at + Math.min(len - 1, (len * sq(ub[up++])) | 0)];
  }
  const ccLen = tpl[ti + TplInt.pools + 2 * Sev.cc + 1];
  if (plan === Sev.mcc && ccLen && ub[up++] < 0.3) sec[nSec++] = lists[tpl[ti + TplInt.pools + 2 * Sev.cc] + ((ub[up++] * ccLen) | 0)];
  const plainAt = tpl[ti + TplInt.pools], plainLen = tpl[ti + TplInt.pools + 1];
  if (plainLen) {
    const mean = newborn === 1 ? 0.4 : 0.3 + ageY / 28;
    const extra = Math.min(6, (quantile(x.exponential, ub[up++]) * mean) | 0);
    for (let e = 0; e < extra; e++) {
      // Zipf-like: the position is a fraction u²·v of the pool (u, v uniform), drawn as (1 − √(1 − w))² from one uniform w.
      const r = 1 - Math.sqrt(1 - ub[up++]);
      const code = lists[plainAt + Math.min(plainLen - 1, (plainLen * r * r) | 0)];
      let dup = false;
      for (let q = sec0; q < nSec; q++) if (sec[q] === code) { dup = true; break; }
      if (!dup) sec[nSec++] = code;
    }
  }
  b.procOff[i] = nOth;
  for (let q = tpl[ti + TplInt.othersAt], e = tpl[ti + TplInt.othersEnd]; q < e; q++) oth[nOth++] = lists[q];
  let pp = tpl[ti + TplInt.pproc];
  if (pp < 0 && tpl[ti + TplInt.medical] === 1 && nSafe && ub[up++] < 0.3) pp = safeProcs[(ub[up++] * nSafe) | 0];
  if (nSafe && ub[up++] < 0.25) { const o = safeProcs[(ub[up++] * nSafe) | 0]; if (o !== pp) oth[nOth++] = o; }
  b.pproc[i] = pp >= 0 ? pp : 0; b.pprocOk[i] = pp >= 0 ? 1 : 0;
  b.nSec = nSec;
  b.nOth = nOth;
  return up;
}

/**
 * A planted case, up front: its kind (x.kind, x.qe), hospital and unit (x.hosp, x.unit, x.drg, x.slot), and
 * what the loop then applies (x.fixedStay … x.offShare): anomalies as §9 defines them, a share for a mismatch.
 */
function plantCase(x: FillContext, g: number, quality: boolean, up: number): number {
  const ub = x.uni.buf;
  let kind: number, qe = 0;
  if (quality) { kind = AK.quality; qe = (ub[up++] * QE.count) | 0; if (qe === QE.duplicateId && g === 0) qe = QE.componentsOff; }
  else {
    let v = ub[up++], a = 0;
    while (a < ANOMALY_MIX.length - 1 && v >= ANOMALY_MIX[a]) { v -= ANOMALY_MIX[a]; a++; }
    kind = a + 1;
  }
  const h = pick(x.hospCum, 0, x.hospCum.length, ub[up++]);
  let unit: number, slot = -1;
  if (kind === AK.split) {
    slot = h * Param.ring + ((ub[up++] * Param.ring) | 0);
    const r = slot * Ring.size;
    if (x.ring[r + Ring.pid] < 0 || x.tpl[x.uT[x.ring[r + Ring.unit]] * TplInt.size + TplInt.z51] === 1 || x.ring[r + Ring.discharge] + 14 > x.windowEnd) { kind = AK.none; slot = -1; }
  }
  if (slot >= 0) unit = x.ring[slot * Ring.size + Ring.unit];
  else if (kind === AK.upcoded && x.upcodable.idx.length) unit = x.upcodable.pick(h, ub[up++]);
  else if (kind === AK.lowStandard && x.medical.idx.length) unit = x.medical.pick(h, ub[up++]);
  else if (kind === AK.quality && qe === QE.sexConflict && x.sexLimited.idx.length) unit = x.sexLimited.pick(h, ub[up++]);
  else if (kind === AK.quality && qe === QE.newbornNoWeight && x.newborns.idx.length) unit = x.newborns.pick(h, ub[up++]);
  else {
    const xu = ub[up++] * x.nUnits, j = Math.min(x.nUnits - 1, xu | 0), at = h * x.nUnits + j;
    unit = xu - j < x.aliasProb[at] ? j : x.aliasIdx[at];
    if (kind === AK.upcoded || kind === AK.lowStandard) kind = AK.none;
  }
  if (kind === AK.quality && ((qe === QE.sexConflict && !x.sexLimited.idx.length) || (qe === QE.newbornNoWeight && !x.newborns.idx.length))) qe = QE.componentsOff;
  x.kind = kind; x.qe = qe; x.hosp = h; x.unit = unit; x.slot = slot;
  x.drg = kind === AK.upcoded ? x.upcodeDrg[unit] : x.uDrg[unit];
  // Stay, cost ratio and status: low-standard admissions short and cheap, cost outliers beyond 3× / 0.3× the
  // DRG mean, split admissions shorter and survived (step 5 applies them).
  x.fixedStay = 0; x.stayScale = 1; x.minStay = 1; x.ratio = 0; x.status = 0; x.survives = false; x.offShare = 0;
  if (kind === AK.lowStandard) { x.fixedStay = 1 + ((ub[up++] * GT_THRESHOLDS.lowStandardMaxLos) | 0); x.ratio = 0.1 + 0.18 * ub[up++]; x.status = 1; }
  else if (kind === AK.high) { x.ratio = 3.2 + 2.8 * ub[up++]; x.stayScale = 1.5 + 1.5 * ub[up++]; }
  else if (kind === AK.low) { x.ratio = 0.08 + 0.2 * ub[up++]; x.minStay = 3; }
  else if (kind === AK.split) { x.stayScale = 0.6; x.survives = true; }
  else if (kind === AK.quality && qe === QE.componentsOff) x.offShare = 0.03 + 0.12 * ub[up++];
  return up;
}

/** Step 9, after the loop: the planted data-quality errors (cost mismatches are planted by splitCosts). */
function plantQualityErrors(b: BatchColumns, n: number): void {
  const { gtKind, gtDetail, admit, discharge, sex, caseNum, bwOk } = b;
  for (let i = 0; i < n; i++) {
    if (gtKind[i] !== AK.quality) continue;
    const qe = gtDetail[i];
    if (qe === QE.dischargeBeforeAdmit) { const a = admit[i]; admit[i] = discharge[i]; discharge[i] = a; }
    else if (qe === QE.sexConflict) sex[i] = 1 - sex[i];
    else if (qe === QE.duplicateId) caseNum[i] -= 1;
    else if (qe === QE.newbornNoWeight) bwOk[i] = 0;
  }
}

/** Cost components to the cent (integer cents, remainder to other_cost), fund and patient shares; planted mismatches. */
function splitCosts(x: FillContext, b: BatchColumns, n: number): void {
  const { shares, unitCents } = x;
  const { cents: centsOf, shareAt, fundShare, offShare, comps, total, fund, self, gtKind, gtDetail, capacity } = b;
  const perUnit = 1 / unitCents;
  for (let i = 0; i < n; i++) {
    const cents = centsOf[i], s0 = shareAt[i];
    let left = cents;
    for (let q = 0, at = i; q < 8; q++, at += capacity) {
      const v = Math.floor(cents * shares[s0 + q] * perUnit) * unitCents;
      comps[at] = v / 100;
      left -= v;
    }
    comps[8 * capacity + i] = left / 100;
    total[i] = cents / 100;
    const fundCents = Math.round(cents * fundShare[i]);
    fund[i] = fundCents / 100;
    self[i] = (cents - fundCents) / 100;
    if (gtKind[i] === AK.quality && gtDetail[i] === QE.componentsOff) {
      comps[i] = (Math.round((comps[i] * 100 + cents * offShare[i]) / unitCents) * unitCents) / 100;
    }
  }
}
