// Plain-TypeScript twin of assembly/evaluation.ts (§5 per-case sums): the oracle for tests and the bench
// baseline. Same algorithm over the same typed columns, same row order (so sums match bit for bit); never slowed.
import {
  D, DAY_TABLE_DAYS, DENSE_ENTRIES, DRG_FIELDS, K, KEY_WORDS, S, SLICE_FIELDS,
  type DrgTables, type EvalCaseArrays, type EvaluationKernels, type SliceKeys, type SliceParams,
} from '../../evaluation/evaluation-layout.ts';
import { periodCodeReference } from '../../evaluation/periods.ts';

const STATUS_DEATH = 5;

function hash3(a: number, b: number, p: number): number {
  let h = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77) ^ Math.imul(p, 0xc2b2ae3d)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** Cases, deaths, Σ LOS, Σ cost per DRG id in [0, nDrg). */
export function drgSumsReference(c: EvalCaseArrays, nDrg: number): Float64Array {
  const out = new Float64Array(nDrg * DRG_FIELDS);
  const { drg, los, totalCost, dischargeStatus, n } = c;
  for (let i = 0; i < n; i++) {
    const g = drg[i]!;
    if (g < 0 || g >= nDrg) continue;
    const o = g * DRG_FIELDS;
    out[o + D.CASES]! += 1;
    if (dischargeStatus[i] === STATUS_DEATH) out[o + D.DEATHS]! += 1;
    out[o + D.LOS]! += los[i]!;
    out[o + D.COST]! += totalCost[i]!;
  }
  return out;
}

/**
 * The slice of every case, dense in order of first occurrence (−1: filtered out or no unit); see the kernel.
 * Same steps: a day → period table over the day range, a direct index of (hospital, unit, period) when that
 * space is small, else an open-addressing hash that doubles at half load.
 */
export function sliceIdsReference(c: EvalCaseArrays, p: SliceParams): SliceKeys & { slice: Int32Array } {
  const { n, hospital, department, ward, physician, dischargeDay } = c;
  const own = p.level === 1 ? department : p.level === 2 ? ward : p.level === 3 ? physician : null;
  const { hospital: fH, department: fD, ward: fW, physician: fP } = p.filter;
  const kind = p.period;
  const nA = p.nHospitals, nB = p.level === 0 ? 1 : p.nUnits;
  let lo = 2147483647, hi = -2147483648;
  for (let i = 0; i < n; i++) {
    const d = dischargeDay[i]!;
    if (d < lo) lo = d;
    if (d > hi) hi = d;
  }
  let dayTable: Int32Array | null = null;
  let pLo = 0, nP = 0;
  if (n > 0 && hi - lo < DAY_TABLE_DAYS) {
    dayTable = new Int32Array(hi - lo + 1);
    for (let d = 0; d < dayTable.length; d++) dayTable[d] = periodCodeReference(lo + d, kind);
    pLo = periodCodeReference(lo, kind);
    nP = periodCodeReference(hi, kind) - pLo + 1;
  }
  const denseEntries = Math.max(nA, 0) * Math.max(nB, 0) * nP;
  const dense = nP > 0 && denseEntries <= DENSE_ENTRIES ? new Int32Array(denseEntries) : null;
  const slice = new Int32Array(n);
  let capacity = 1024;
  let slots = new Int32Array(capacity);
  let keys = new Int32Array(256 * KEY_WORDS);
  let count = 0, matched = 0, unassigned = 0;
  let lastA = -1, lastB = -1, lastP = 0, lastId = -1;
  const addKey = (h: number, b: number, per: number, row: number): number => {
    const id = count++;
    if (count * KEY_WORDS > keys.length) {
      const more = new Int32Array(keys.length * 2);
      more.set(keys);
      keys = more;
    }
    const k = id * KEY_WORDS;
    keys[k + K.HOSPITAL] = h;
    keys[k + K.UNIT] = b;
    keys[k + K.PERIOD] = per;
    keys[k + K.FIRST_ROW] = row;
    return id;
  };
  for (let i = 0; i < n; i++) {
    const h = hospital[i]!;
    if ((fH >= 0 && h !== fH) || (fD >= 0 && department[i] !== fD) || (fW >= 0 && ward[i] !== fW) || (fP >= 0 && physician[i] !== fP)) {
      slice[i] = -1;
      continue;
    }
    matched++;
    const b = own ? own[i]! : 0;
    if (h < 0 || h >= nA || b < 0 || b >= nB) {
      unassigned++;
      slice[i] = -1;
      continue;
    }
    const day = dischargeDay[i]!;
    const per = dayTable ? dayTable[day - lo]! : periodCodeReference(day, kind);
    if (h === lastA && b === lastB && per === lastP && lastId >= 0) {
      slice[i] = lastId;
      continue;
    }
    let id: number;
    if (dense) {
      const e = (h * nB + b) * nP + (per - pLo);
      const s = dense[e]!;
      if (s !== 0) id = s - 1;
      else {
        id = addKey(h, b, per, i);
        dense[e] = id + 1;
      }
    } else {
      let slot = hash3(h, b, per) & (capacity - 1);
      for (;;) {
        const s = slots[slot]!;
        if (s === 0) {
          id = addKey(h, b, per, i);
          slots[slot] = id + 1;
          break;
        }
        const k = (s - 1) * KEY_WORDS;
        if (keys[k + K.HOSPITAL] === h && keys[k + K.UNIT] === b && keys[k + K.PERIOD] === per) {
          id = s - 1;
          break;
        }
        slot = (slot + 1) & (capacity - 1);
      }
      if (count * 2 > capacity) {
        // Half full: double and re-insert every key (ids do not change).
        capacity *= 2;
        slots = new Int32Array(capacity);
        for (let j = 0; j < count; j++) {
          const k = j * KEY_WORDS;
          let t = hash3(keys[k + K.HOSPITAL]!, keys[k + K.UNIT]!, keys[k + K.PERIOD]!) & (capacity - 1);
          while (slots[t] !== 0) t = (t + 1) & (capacity - 1);
          slots[t] = j + 1;
        }
      }
    }
    slice[i] = id;
    lastA = h; lastB = b; lastP = per; lastId = id;
  }
  return { slice, count, keys: keys.slice(0, count * KEY_WORDS), matched, unassigned };
}

/** SLICE_FIELDS sums per slice, in row order; see the kernel for what counts where. */
export function sliceSumsReference(c: EvalCaseArrays, slice: Int32Array, nSlices: number, t: DrgTables): Float64Array {
  const nDrg = t.weight.length;
  const words = (nDrg + 31) >> 5;
  const out = new Float64Array(nSlices * SLICE_FIELDS);
  const bits = new Uint32Array(nSlices * words);
  const { n, drg, los, totalCost, dischargeStatus } = c;
  const { weight, refLosDays, refCostYuan, riskClass } = t;
  for (let i = 0; i < n; i++) {
    const s = slice[i]!;
    if (s < 0 || s >= nSlices) continue;
    const o = s * SLICE_FIELDS;
    const death = dischargeStatus[i] === STATUS_DEATH;
    const l = los[i]!;
    const cost = totalCost[i]!;
    out[o + S.CASES]! += 1;
    if (death) out[o + S.DEATHS]! += 1;
    out[o + S.COST]! += cost;
    out[o + S.LOS]! += l;
    const g = drg[i]!;
    if (g < 0 || g >= nDrg) continue;
    const k = riskClass[g]!;
    if (k < 0 || k > 4) continue;
    out[o + S.GROUPED]! += 1;
    const wi = s * words + (g >> 5);
    const bit = 1 << (g & 31);
    if ((bits[wi]! & bit) === 0) {
      bits[wi]! |= bit;
      out[o + S.DRGS]! += 1;
    }
    const w = weight[g]!;
    if (w > 0) {
      out[o + S.WEIGHTED]! += 1;
      out[o + S.WEIGHT]! += w;
    }
    const rl = refLosDays[g]!;
    if (rl > 0) {
      out[o + S.LOS_REF_CASES]! += 1;
      out[o + S.LOS_RATIO]! += l / rl;
    }
    const rc = refCostYuan[g]!;
    if (rc > 0) {
      out[o + S.COST_REF_CASES]! += 1;
      out[o + S.COST_RATIO]! += cost / rc;
    }
    out[o + S.CLASS_CASES + k]! += 1;
    if (death) out[o + S.CLASS_DEATHS + k]! += 1;
  }
  return out;
}

/** The reference kernels over plain arrays, behind the same interface as the Wasm ones. */
export class ReferenceEvaluationKernels implements EvaluationKernels {
  private slice: Int32Array | null = null;
  private nSlices = 0;

  constructor(private readonly cases: EvalCaseArrays) {}

  drgSums(nDrg: number): Float64Array {
    return drgSumsReference(this.cases, nDrg);
  }

  sliceIds(params: SliceParams): SliceKeys {
    const { slice, ...keys } = sliceIdsReference(this.cases, params);
    this.slice = slice;
    this.nSlices = keys.count;
    return keys;
  }

  sliceSums(tables: DrgTables): Float64Array {
    if (!this.slice) throw new Error('sliceSums: sliceIds first');
    return sliceSumsReference(this.cases, this.slice, this.nSlices, tables);
  }

  caseSlices(): Int32Array {
    return this.slice ? this.slice.slice() : new Int32Array(0);
  }

  release(): void {
    this.slice = null;
  }
}
