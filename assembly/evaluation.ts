// §5 evaluation indicators, the per-case part: sums per DRG over the reference population, the dense
// (unit, period) slice of every case, and one pass of sums per slice. Indicators are built from these by
// the host (src/evaluation/unit-indicators.ts); nothing here divides a sum by a count or allocates.
//
// The TypeScript twin (src/engine/reference/evaluation.ts) does the same operations in the same row order,
// so ids and counts are identical and sums match bit for bit. Layouts are mirrored in
// src/evaluation/evaluation-layout.ts; the host checks them through evalLayout().

// ----- layouts -------------------------------------------------------------------------------------------

/** Case descriptor: i32 columns except cost (f64). */
const C_HOSPITAL = 0;
const C_DEPARTMENT = 1;
const C_WARD = 2;
const C_PHYSICIAN = 3;
const C_DAY = 4;
const C_LOS = 5;
const C_COST = 6;
const C_STATUS = 7;
const C_DRG = 8;
const CASE_WORDS = 9;

/** Slice parameters (i32 words). Filters < 0 = no constraint. Ids at or past the label counts count as
 * missing. The kernel writes the two counts back. */
const P_LEVEL = 0; // 0 hospital, 1 department, 2 ward, 3 physician
const P_PERIOD = 1; // 0 all, 1 year, 2 half, 3 quarter, 4 month
const P_F_HOSPITAL = 2;
const P_F_DEPARTMENT = 3;
const P_F_WARD = 4;
const P_F_PHYSICIAN = 5;
const P_N_HOSPITAL = 6; // hospital labels
const P_N_UNIT = 7; // labels of the level's own unit (1 at the hospital level)
const P_OUT_MATCHED = 8; // cases passing the filter
const P_OUT_UNASSIGNED = 9; // of those, cases without the level's unit (hospital or own id missing)
const PARAM_WORDS = 10;

/** A (hospital, unit, period) table of at most this many entries is indexed directly instead of hashed. */
const DENSE_ENTRIES: i64 = 1 << 20;
/** Day ranges up to this long get a day → period table instead of a calendar computation per case. */
const DAY_TABLE_DAYS: i32 = 1 << 17;

/** Per slice key (i32 words): hospital id, own unit id (0 at the hospital level), period code, first row. */
const K_HOSPITAL = 0;
const K_UNIT = 1;
const K_PERIOD = 2;
const K_FIRST_ROW = 3;
const KEY_WORDS = 4;

/** Per-DRG tables descriptor: weight f64 (0 = none), mean LOS and cost of the reference f64 (0 = none),
 * risk class i32 (0…4; −1 = not a grouped DRG, e.g. an ambiguity group xQY). */
const T_WEIGHT = 0;
const T_REF_LOS = 1;
const T_REF_COST = 2;
const T_CLASS = 3;
const TABLE_WORDS = 4;

/** Per DRG over the reference population (f64). */
const D_CASES = 0;
const D_DEATHS = 1;
const D_LOS = 2;
const D_COST = 3;
const DRG_FIELDS = 4;

/** Per slice (f64). */
const S_CASES = 0;
const S_DEATHS = 1;
const S_COST = 2;
const S_LOS = 3;
const S_GROUPED = 4;
const S_DRGS = 5;
const S_WEIGHTED = 6;
const S_WEIGHT = 7;
const S_LOS_REF_CASES = 8;
const S_LOS_RATIO = 9;
const S_COST_REF_CASES = 10;
const S_COST_RATIO = 11;
const S_CLASS_CASES = 12; // 5 fields: classes 0…4
const S_CLASS_DEATHS = 17; // 5 fields
const SLICE_FIELDS = 22;

/** §1 discharge_status 5 = 死亡. */
const STATUS_DEATH: i32 = 5;

/** Field and word counts packed one per byte, so the host checks every layout with one call. */
export function evalLayout(): i32 {
  return CASE_WORDS | (PARAM_WORDS << 8) | (TABLE_WORDS << 16) | (SLICE_FIELDS << 24);
}

/** The remaining counts: key words, DRG fields. */
export function evalLayout2(): i32 {
  return KEY_WORDS | (DRG_FIELDS << 8);
}

// ----- helpers -------------------------------------------------------------------------------------------

@inline function col(block: usize, k: i32): usize {
  return <usize>load<u32>(block + (<usize>k << 2));
}

@inline function i32At(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

@inline function addF(p: usize, v: f64): void {
  store<f64>(p, load<f64>(p) + v);
}

/**
 * Period code of a day number (days since 1970-01-01): year y; half y×2 + (0|1); quarter y×4 + q; month
 * y×12 + m; 0 for 'all'. Civil date from days after H. Hinnant's algorithm (proleptic Gregorian).
 */
export function periodCode(day: i32, kind: i32): i32 {
  if (kind == 0) return 0;
  const z = day + 719468;
  const era = (z >= 0 ? z : z - 146096) / 146097;
  const doe = z - era * 146097;
  const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const mp = (5 * doy + 2) / 153;
  const m0 = mp < 10 ? mp + 2 : mp - 10; // month 0…11
  const y = yoe + era * 400 + (m0 < 2 ? 1 : 0);
  if (kind == 1) return y;
  if (kind == 2) return y * 2 + (m0 >= 6 ? 1 : 0);
  if (kind == 3) return y * 4 + m0 / 3;
  return y * 12 + m0;
}

/** Mixes three ids into a slot hash (murmur3 finaliser over a multiplicative combination). */
@inline function hash3(a: i32, b: i32, p: i32): u32 {
  let h = <u32>a * 0x9e3779b1 ^ <u32>b * 0x85ebca77 ^ <u32>p * 0xc2b2ae3d;
  h ^= h >> 16;
  h *= 0x7feb352d;
  h ^= h >> 15;
  h *= 0x846ca68b;
  h ^= h >> 16;
  return h;
}

// ----- kernels -------------------------------------------------------------------------------------------

/** Cases, deaths, Σ LOS, Σ cost per DRG id in [0, nDrg) (other ids are skipped). Clears `out` first. */
export function evalDrgSums(cases: usize, n: i32, nDrg: i32, out: usize): void {
  memory.fill(out, 0, <usize>nDrg * DRG_FIELDS << 3);
  const drg = col(cases, C_DRG), los = col(cases, C_LOS), cost = col(cases, C_COST), status = col(cases, C_STATUS);
  for (let i = 0; i < n; i++) {
    const g = i32At(drg, i);
    if (<u32>g >= <u32>nDrg) continue;
    const o = out + (<usize>g * DRG_FIELDS << 3);
    store<f64>(o, load<f64>(o) + 1);
    if (i32At(status, i) == STATUS_DEATH) addF(o + (D_DEATHS << 3), 1);
    addF(o + (D_LOS << 3), <f64>i32At(los, i));
    addF(o + (D_COST << 3), load<f64>(cost + (<usize>i << 3)));
  }
}

/** Appends slice `id` with its key. */
@inline function addKey(keys: usize, id: i32, h: i32, b: i32, p: i32, row: i32): void {
  const k = keys + (<usize>id * KEY_WORDS << 2);
  store<i32>(k + (K_HOSPITAL << 2), h);
  store<i32>(k + (K_UNIT << 2), b);
  store<i32>(k + (K_PERIOD << 2), p);
  store<i32>(k + (K_FIRST_ROW << 2), row);
}

/**
 * The slice of every case: the dense id of its (hospital, unit, period) in order of first occurrence, or −1
 * when the case fails the parent filter or lacks the unit. `slots` holds `capacity` i32 (a power of two ≥ 2 ×
 * maxSlices) and is cleared here; `keys` receives KEY_WORDS i32 per slice. Returns the slice count, or −1
 * when more than maxSlices exist (the host retries with room for more).
 *
 * Periods come from a day → period table over the cases' day range; slices from a direct (hospital, unit,
 * period) index when that space is small (DENSE_ENTRIES), else from an open-addressing hash. Either way the
 * ids are in order of first occurrence, which is all the reference has to match.
 */
export function evalSliceIds(cases: usize, n: i32, params: usize, outSlice: usize, keys: usize, maxSlices: i32, slots: usize, capacity: i32): i32 {
  const level = i32At(params, P_LEVEL), kind = i32At(params, P_PERIOD);
  const fH = i32At(params, P_F_HOSPITAL), fD = i32At(params, P_F_DEPARTMENT);
  const fW = i32At(params, P_F_WARD), fP = i32At(params, P_F_PHYSICIAN);
  const nA = i32At(params, P_N_HOSPITAL), nB = level == 0 ? 1 : i32At(params, P_N_UNIT);
  const hosp = col(cases, C_HOSPITAL), dept = col(cases, C_DEPARTMENT), ward = col(cases, C_WARD), phys = col(cases, C_PHYSICIAN);
  const day = col(cases, C_DAY);
  const own = level == 1 ? dept : level == 2 ? ward : level == 3 ? phys : 0;

  // Day range → a day → period table (and the period range, for the direct index).
  let lo = i32.MAX_VALUE, hi = i32.MIN_VALUE;
  for (let i = 0; i < n; i++) {
    const d = i32At(day, i);
    lo = min(lo, d);
    hi = max(hi, d);
  }
  let dayTable: usize = 0;
  let pLo = 0, nP: i64 = 0; // nP = 0: period range unknown
  if (n > 0 && <i64>hi - <i64>lo < <i64>DAY_TABLE_DAYS) {
    const days = hi - lo + 1;
    dayTable = heap.alloc(<usize>days << 2);
    for (let d = 0; d < days; d++) store<i32>(dayTable + (<usize>d << 2), periodCode(lo + d, kind));
    pLo = periodCode(lo, kind);
    nP = <i64>periodCode(hi, kind) - <i64>pLo + 1;
  }
  const denseEntries: i64 = <i64>max(nA, 0) * <i64>max(nB, 0) * nP;
  const dense: usize = nP > 0 && denseEntries <= DENSE_ENTRIES ? heap.alloc(<usize>denseEntries << 2) : 0;
  if (dense != 0) memory.fill(dense, 0, <usize>denseEntries << 2);
  else memory.fill(slots, 0, <usize>capacity << 2);
  const np = <i32>nP;

  const mask = capacity - 1;
  let count = 0, matched = 0, unassigned = 0;
  let overflow = false;
  // The previous case's key and slice: discharges of one unit and month often come together.
  let lastA = -1, lastB = -1, lastP = 0, lastId = -1;
  for (let i = 0; i < n; i++) {
    const h = i32At(hosp, i);
    if ((fH >= 0 && h != fH) || (fD >= 0 && i32At(dept, i) != fD) || (fW >= 0 && i32At(ward, i) != fW) || (fP >= 0 && i32At(phys, i) != fP)) {
      store<i32>(outSlice + (<usize>i << 2), -1);
      continue;
    }
    matched++;
    const b = own != 0 ? i32At(own, i) : 0;
    if (<u32>h >= <u32>nA || <u32>b >= <u32>nB) {
      unassigned++;
      store<i32>(outSlice + (<usize>i << 2), -1);
      continue;
    }
    const dd = i32At(day, i);
    const p = dayTable != 0 ? load<i32>(dayTable + (<usize>(dd - lo) << 2)) : periodCode(dd, kind);
    if (h == lastA && b == lastB && p == lastP && lastId >= 0) {
      store<i32>(outSlice + (<usize>i << 2), lastId);
      continue;
    }
    let id = -1;
    if (dense != 0) {
      const e = dense + ((<usize>(h * nB + b) * <usize>np + <usize>(p - pLo)) << 2);
      const s = load<i32>(e);
      if (s != 0) id = s - 1;
      else if (count < maxSlices) {
        id = count++;
        store<i32>(e, id + 1);
        addKey(keys, id, h, b, p, i);
      }
    } else {
      let slot = <i32>(hash3(h, b, p) & <u32>mask);
      while (true) {
        const s = i32At(slots, slot);
        if (s == 0) {
          if (count < maxSlices) {
            id = count++;
            store<i32>(slots + (<usize>slot << 2), id + 1);
            addKey(keys, id, h, b, p, i);
          }
          break;
        }
        const k = keys + (<usize>(s - 1) * KEY_WORDS << 2);
        if (load<i32>(k + (K_HOSPITAL << 2)) == h && load<i32>(k + (K_UNIT << 2)) == b && load<i32>(k + (K_PERIOD << 2)) == p) {
          id = s - 1;
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
    if (id < 0) {
      overflow = true;
      break;
    }
    store<i32>(outSlice + (<usize>i << 2), id);
    lastA = h; lastB = b; lastP = p; lastId = id;
  }
  if (dayTable != 0) heap.free(dayTable);
  if (dense != 0) heap.free(dense);
  store<i32>(params + (P_OUT_MATCHED << 2), matched);
  store<i32>(params + (P_OUT_UNASSIGNED << 2), unassigned);
  return overflow ? -1 : count;
}

/**
 * One pass of sums per slice (SLICE_FIELDS f64 each, cleared here). Every case of a slice counts in cases,
 * deaths, Σ cost and Σ LOS; a grouped case (DRG id in range with risk class 0…4) also in the grouped count,
 * the distinct DRGs (a bit per slice and DRG in `bits`, (nDrg + 31) >> 5 words per slice, cleared here),
 * Σ weight (when the DRG has one), Σ LOS ÷ reference mean LOS and Σ cost ÷ reference mean cost (when the
 * DRG has a reference), and the cases and deaths of its DRG's risk class.
 */
export function evalSliceSums(cases: usize, n: i32, slices: usize, nSlices: i32, tables: usize, nDrg: i32, out: usize, bits: usize): void {
  const words = (nDrg + 31) >> 5;
  memory.fill(out, 0, <usize>nSlices * SLICE_FIELDS << 3);
  memory.fill(bits, 0, <usize>nSlices * <usize>words << 2);
  const drg = col(cases, C_DRG), los = col(cases, C_LOS), cost = col(cases, C_COST), status = col(cases, C_STATUS);
  const weight = col(tables, T_WEIGHT), refLos = col(tables, T_REF_LOS), refCost = col(tables, T_REF_COST), risk = col(tables, T_CLASS);
  for (let i = 0; i < n; i++) {
    const s = i32At(slices, i);
    if (<u32>s >= <u32>nSlices) continue;
    const o = out + (<usize>s * SLICE_FIELDS << 3);
    const death = i32At(status, i) == STATUS_DEATH;
    const l = <f64>i32At(los, i);
    const c = load<f64>(cost + (<usize>i << 3));
    store<f64>(o, load<f64>(o) + 1);
    if (death) addF(o + (S_DEATHS << 3), 1);
    addF(o + (S_COST << 3), c);
    addF(o + (S_LOS << 3), l);
    const g = i32At(drg, i);
    if (<u32>g >= <u32>nDrg) continue;
    const k = i32At(risk, g);
    if (<u32>k > 4) continue;
    addF(o + (S_GROUPED << 3), 1);
    const wp = bits + ((<usize>s * <usize>words + <usize>(g >> 5)) << 2);
    const bit: u32 = 1 << (g & 31);
    const word = load<u32>(wp);
    if ((word & bit) == 0) {
      store<u32>(wp, word | bit);
      addF(o + (S_DRGS << 3), 1);
    }
    const w = load<f64>(weight + (<usize>g << 3));
    if (w > 0) {
      addF(o + (S_WEIGHTED << 3), 1);
      addF(o + (S_WEIGHT << 3), w);
    }
    const rl = load<f64>(refLos + (<usize>g << 3));
    if (rl > 0) {
      addF(o + (S_LOS_REF_CASES << 3), 1);
      addF(o + (S_LOS_RATIO << 3), l / rl);
    }
    const rc = load<f64>(refCost + (<usize>g << 3));
    if (rc > 0) {
      addF(o + (S_COST_REF_CASES << 3), 1);
      addF(o + (S_COST_RATIO << 3), c / rc);
    }
    addF(o + (<usize>(S_CLASS_CASES + k) << 3), 1);
    if (death) addF(o + (<usize>(S_CLASS_DEATHS + k) << 3), 1);
  }
}
