// DRG and DIP payment per case (domain §3, §4): outliers, deviation cases, budget-neutral rate and point
// value, fund share; and the fused reprice + aggregate pass. Never groups, never allocates, never rounds.
//
// Money is f64 yuan, unrounded: rounding to the cent happens only when a value is displayed or exported,
// so sums stay exact to float precision and the TypeScript reference (src/engine/reference/pricing.ts)
// matches every bit by doing the same operations in the same order.
//
// Cases that cannot be priced — DRG id −1 (0000) or a DRG without a weight; DIP group −1 or a group
// without a score — are paid by item (payment = cost) and flagged FLAG_UNPRICED. They stay outside the
// budget-neutral sums: the budget covers the cases the method prices.

// ----- layouts (mirrored in src/engine/pricing-layout.ts; the host checks the counts) ---------------

/** Params descriptor (i32 words). */
const P_SCALARS = 0;
const P_DRG_WEIGHT = 1;
const P_N_DRG = 2;
const P_DIP_SCORE = 3;
const P_DIP_MEAN_COST = 4;
const P_N_DIP = 5;
const P_FUND_RATIO = 6;
const P_N_INSURANCE = 7;
const PARAM_WORDS = 8;

/** Scalar slots (f64). Per-level values sit at base + level (1/2/3); slot base + 0 is unused. */
const S_RATE = 0;
const S_COEF = 4;
const S_DIP_COEF = 8;
const S_HIGH = 12;
const S_LOW = 13;
const S_HIGH_SHARE = 14;
const S_REVIEW = 15;
const S_DIP_LOW = 16;
const S_DIP_HIGH = 17;
const S_FUND_DEFAULT = 18;
const S_RATE_BUDGET = 19;
const S_PV_FLOATING = 20;
const S_POINT_VALUE = 21;
const S_BUDGET = 22;
/** Host-set: 1 = the budget sums (S_SUM_WEIGHT_COEF, S_SUM_SCORE_COEF) are already in place from an earlier
 * pass over the same cases with the same weights, scores and coefficients: skip the first pass. */
const S_SUMS_GIVEN = 23;
/** Written by pricingResolve: rate per level and point value in use, the budget sums, and the per-level
 * products the loop multiplies by: rate × hospital coefficient, point value × level coefficient. */
const S_EFF_RATE = 24;
const S_EFF_PV = 28;
const S_SUM_WEIGHT_COEF = 29;
const S_SUM_SCORE_COEF = 30;
const S_RATE_COEF = 32;
const S_PV_COEF = 36;
const SCALAR_SLOTS = 40;

/** Case descriptor: drg i32, dip group i32, cost f64, hospital level i32, insurance type id i32, hospital id i32. */
const C_DRG = 0;
const C_DIP = 1;
const C_COST = 2;
const C_LEVEL = 3;
const C_INSURANCE = 4;
const C_HOSPITAL = 5;
const CASE_WORDS = 6;

/** Per-case output descriptor. */
const O_DRG_STANDARD = 0; // f64
const O_DRG_PAYMENT = 1; // f64
const O_DRG_OUTLIER = 2; // u8
const O_REVIEW = 3; // u8
const O_DRG_FUND = 4; // f64
const O_DRG_PATIENT = 5; // f64
const O_DIP_SCORE = 6; // f64
const O_DIP_PAYMENT = 7; // f64
const O_DIP_DEVIATION = 8; // u8
const O_DIP_FUND = 9; // f64
const O_DIP_PATIENT = 10; // f64
const ROW_WORDS = 11;

/** Outlier / deviation flags; each is also the offset of its count within a table's four count fields. */
const FLAG_HIGH: i32 = 1;
const FLAG_LOW: i32 = 2;
const FLAG_UNPRICED: i32 = 3;

/**
 * What a parameter change moves, per hospital and insurance type: row h × (nIns + 1) + insurance row (the
 * extra insurance row: type missing or unknown). The fund's share is ratio[type] × Σ payment of the row,
 * applied by the host, so the loop does not multiply per case. 16 fields = two 64-byte lines.
 */
const H_WEIGHT = 0;
const H_DRG_STANDARD = 1;
const H_DRG_PAYMENT = 2;
const H_REVIEW = 3;
const H_DRG_FLAGS = 4; // 4 counts: normal, high, low, unpriced
const H_DIP_SCORE = 8;
const H_DIP_PAYMENT = 9;
const H_DIP_FLAGS = 12; // 4 counts
const HOSP_FIELDS = 16;
/** Per DRG (8 fields = one 64-byte line when the host aligns the table). */
const G_STANDARD = 0;
const G_PAYMENT = 1;
const G_REVIEW = 2;
const G_FLAGS = 4; // 4 counts
const DRG_FIELDS = 8;
/** Per DIP group. */
const D_SCORE = 0;
const D_PAYMENT = 1;
const D_FLAGS = 4; // 4 counts
const DIP_FIELDS = 8;
/** What no parameter moves, summed once per case set by pricingCaseSums: cases and Σ cost per row. */
const B_CASES = 0;
const B_COST = 1;
const BASE_FIELDS = 2;

export function pricingParamWords(): i32 { return PARAM_WORDS; }
export function pricingScalarSlots(): i32 { return SCALAR_SLOTS; }
export function pricingCaseWords(): i32 { return CASE_WORDS; }
export function pricingRowWords(): i32 { return ROW_WORDS; }
/** The field counts packed in one number (hospital, DRG, DIP, base; a byte each), so one call checks them. */
export function pricingAggregateFields(): i32 {
  return HOSP_FIELDS | (DRG_FIELDS << 8) | (DIP_FIELDS << 16) | (BASE_FIELDS << 24);
}

// ----- small helpers ----------------------------------------------------------------------------------

@inline function word(block: usize, k: i32): usize {
  return <usize>load<u32>(block + (<usize>k << 2));
}

@inline function scalar(s: usize, slot: i32): f64 {
  return load<f64>(s + (<usize>slot << 3));
}

@inline function setScalar(s: usize, slot: i32, v: f64): void {
  store<f64>(s + (<usize>slot << 3), v);
}

/** cond ? a : b for i32, without a branch (V8 emits cmov for an i32 `select`). */
@inline function pickI(cond: bool, a: i32, b: i32): i32 {
  return select<i32>(a, b, cond);
}

/** Hospital level 1/2/3; anything else counts as 3 (domain §1: default 3). */
@inline function levelOf(v: i32): i32 {
  return pickI(<u32>(v - 1) < 3, v, 3);
}

/** A row id, or `n` (the table's extra row / slot) when outside [0, n). */
@inline function rowOf(id: i32, n: i32): i32 {
  return pickI(<u32>id < <u32>n, id, n);
}

@inline function addF(base: usize, field: i32, v: f64): void {
  const p = base + (<usize>field << 3);
  store<f64>(p, load<f64>(p) + v);
}

/**
 * Scratch for choosing among candidate values. Outliers and deviation cases depend on each case's cost,
 * so branches on them mispredict often, and V8 lowers an f64 `select` to a branch on x64; the loop stores
 * the candidates and loads the one its integer flag names. Every candidate is computed exactly as the
 * reference computes it, so results stay bit-identical.
 */
const PICK: usize = memory.data(80);

// ----- budget-neutral resolution ------------------------------------------------------------------------

/**
 * Fills the S_EFF_* and per-level product slots. Fixed modes copy the given rate and point value; budget
 * modes take one pass over the cases: §3 rate = budget ÷ Σ (RW × hospital coefficient) and §4 point value =
 * budget ÷ Σ (case score × level coefficient), both over priced cases, summed in row order.
 *
 * Tables as the host places them (src/engine/wasm-pricing.ts): weight and score with one slot more than
 * groups, unpriced entries (NaN, ≤ 0) and the extra slot 0; mean cost with NaN in the extra slot; fund
 * ratio with the default in the extra slot. An out-of-range id reads the extra slot, and an unpriced
 * weight or score of 0 adds +0, leaving a sum as the reference's `if (w > 0)` leaves it.
 */
export function pricingResolve(params: usize, cases: usize, n: i32): void {
  const s = word(params, P_SCALARS);
  const rateBudget = scalar(s, S_RATE_BUDGET) != 0;
  const pvFloating = scalar(s, S_PV_FLOATING) != 0;
  let sumWC: f64 = 0;
  let sumSC: f64 = 0;
  if ((rateBudget || pvFloating) && scalar(s, S_SUMS_GIVEN) != 0) {
    sumWC = scalar(s, S_SUM_WEIGHT_COEF);
    sumSC = scalar(s, S_SUM_SCORE_COEF);
  } else if (rateBudget || pvFloating) {
    const weight = word(params, P_DRG_WEIGHT), nDrg = <i32>word(params, P_N_DRG);
    const score = word(params, P_DIP_SCORE), mean = word(params, P_DIP_MEAN_COST), nDip = <i32>word(params, P_N_DIP);
    const dlo = scalar(s, S_DIP_LOW), dhi = scalar(s, S_DIP_HIGH);
    const drg = word(cases, C_DRG), dip = word(cases, C_DIP), cost = word(cases, C_COST), level = word(cases, C_LEVEL);
    for (let i = 0; i < n; i++) {
      const i4 = <usize>i << 2;
      const c = load<f64>(cost + (<usize>i << 3));
      const lv = levelOf(load<i32>(level + i4));
      const w = load<f64>(weight + (<usize>rowOf(load<i32>(drg + i4), nDrg) << 3));
      sumWC += w * scalar(s, S_COEF + lv);
      const d8 = <usize>rowOf(load<i32>(dip + i4), nDip) << 3;
      const sc = load<f64>(score + d8);
      const m = load<f64>(mean + d8);
      const mOk = m > 0;
      const r = c / m;
      const dLow = <i32>(mOk & (r < dlo)), dHigh = <i32>(mOk & (r > dhi)) & ~dLow;
      store<f64>(PICK, sc);
      store<f64>(PICK + 8, (r - dhi + 1) * sc);
      store<f64>(PICK + 16, r * sc);
      sumSC += load<f64>(PICK + (<usize>(dHigh | (dLow << 1)) << 3)) * scalar(s, S_DIP_COEF + lv);
    }
  }
  const budget = scalar(s, S_BUDGET);
  const budgetRate = sumWC > 0 ? budget / sumWC : 0;
  const pv = pvFloating ? (sumSC > 0 ? budget / sumSC : 0) : scalar(s, S_POINT_VALUE);
  for (let lv = 1; lv <= 3; lv++) {
    const rate = rateBudget ? budgetRate : scalar(s, S_RATE + lv);
    setScalar(s, S_EFF_RATE + lv, rate);
    setScalar(s, S_RATE_COEF + lv, rate * scalar(s, S_COEF + lv));
    setScalar(s, S_PV_COEF + lv, pv * scalar(s, S_DIP_COEF + lv));
  }
  setScalar(s, S_EFF_PV, pv);
  setScalar(s, S_SUM_WEIGHT_COEF, sumWC);
  setScalar(s, S_SUM_SCORE_COEF, sumSC);
}

// ----- pricing: one loop for per-case rows and for the fused aggregate ---------------------------------------

/**
 * Prices cases and either writes per-case rows (`out` ≠ 0: row k = case rows[k], or first + k when rows = 0)
 * or sums them (`out` = 0: cases 0 … count−1 into the hospital table, and into the DRG and DIP tables when
 * their pointers are not 0). The modes are loop-invariant.
 * §3: standard = RW × (rate × coefficient)[level]; r = cost ÷ standard; r > high → standard + (cost − high ×
 * standard) × share; r < low → cost; special review when r ≥ the multiple.
 * §4: r = cost ÷ combination mean cost; r < low → r × score; r > high → (r − high + 1) × score;
 * payment = case score × (point value × level coefficient)[level]. Unpriced → cost, flag 3.
 */
@inline function priceLoop(
  params: usize, cases: usize, count: i32, out: usize, rows: usize, first: i32,
  nHosp: i32, outHosp: usize, outDrg: usize, outDip: usize,
): void {
  const s = word(params, P_SCALARS);
  const weight = word(params, P_DRG_WEIGHT), nDrg = <i32>word(params, P_N_DRG);
  const score = word(params, P_DIP_SCORE), mean = word(params, P_DIP_MEAN_COST), nDip = <i32>word(params, P_N_DIP);
  const fund = word(params, P_FUND_RATIO), nIns = <i32>word(params, P_N_INSURANCE);
  const high = scalar(s, S_HIGH), low = scalar(s, S_LOW), share = scalar(s, S_HIGH_SHARE), review = scalar(s, S_REVIEW);
  const dlo = scalar(s, S_DIP_LOW), dhi = scalar(s, S_DIP_HIGH);
  const drg = word(cases, C_DRG), dip = word(cases, C_DIP), cost = word(cases, C_COST);
  const level = word(cases, C_LEVEL), insurance = word(cases, C_INSURANCE), hospital = word(cases, C_HOSPITAL);
  for (let k = 0; k < count; k++) {
    const i = out != 0 ? (rows != 0 ? load<i32>(rows + (<usize>k << 2)) : first + k) : k;
    const i4 = <usize>i << 2;
    const c = load<f64>(cost + (<usize>i << 3));
    const lv = levelOf(load<i32>(level + i4));
    const insRow = rowOf(load<i32>(insurance + i4), nIns);

    // §3 DRG
    const g = rowOf(load<i32>(drg + i4), nDrg);
    const w = load<f64>(weight + (<usize>g << 3));
    const priced = w > 0;
    const std = w * scalar(s, S_RATE_COEF + lv);
    const r = c / std;
    const isHigh = <i32>(r > high);
    const flag = isHigh | ((<i32>(r < low) & ~isHigh) << 1) | (3 & -(<i32>!priced));
    store<f64>(PICK, std);
    store<f64>(PICK + 8, std + (c - high * std) * share);
    store<f64>(PICK + 16, c);
    store<f64>(PICK + 24, c);
    const pay = load<f64>(PICK + (<usize>flag << 3));
    const rev = priced & (r >= review);

    // §4 DIP
    const d = rowOf(load<i32>(dip + i4), nDip);
    const sc = load<f64>(score + (<usize>d << 3));
    const scored = sc > 0;
    const m = load<f64>(mean + (<usize>d << 3));
    const mOk = m > 0;
    const dr = c / m;
    const dLow = <i32>(mOk & (dr < dlo)), dHigh = <i32>(mOk & (dr > dhi)) & ~dLow;
    const dev = dHigh | (dLow << 1);
    const dflag = dev | (3 & -(<i32>!scored));
    // An unscored group reads candidate 0, its score: 0 as the host places it, so cs = +0 as in the reference.
    store<f64>(PICK + 32, sc);
    store<f64>(PICK + 40, (dr - dhi + 1) * sc);
    store<f64>(PICK + 48, dr * sc);
    const cs = load<f64>(PICK + 32 + (<usize>(dev & -(<i32>scored)) << 3));
    store<f64>(PICK + 64, cs * scalar(s, S_PV_COEF + lv));
    store<f64>(PICK + 72, c);
    const dpay = load<f64>(PICK + 64 + (<usize>!scored << 3));

    if (out != 0) {
      const ratio = load<f64>(fund + (<usize>insRow << 3));
      const f = pay * ratio, df = dpay * ratio;
      const k8 = <usize>k << 3;
      store<f64>(word(out, O_DRG_STANDARD) + k8, std);
      store<f64>(word(out, O_DRG_PAYMENT) + k8, pay);
      store<u8>(word(out, O_DRG_OUTLIER) + <usize>k, <u8>flag);
      store<u8>(word(out, O_REVIEW) + <usize>k, <u8>rev);
      store<f64>(word(out, O_DRG_FUND) + k8, f);
      store<f64>(word(out, O_DRG_PATIENT) + k8, pay - f);
      store<f64>(word(out, O_DIP_SCORE) + k8, cs);
      store<f64>(word(out, O_DIP_PAYMENT) + k8, dpay);
      store<u8>(word(out, O_DIP_DEVIATION) + <usize>k, <u8>dflag);
      store<f64>(word(out, O_DIP_FUND) + k8, df);
      store<f64>(word(out, O_DIP_PATIENT) + k8, dpay - df);
    } else {
      const hRow = rowOf(load<i32>(hospital + i4), nHosp) * (nIns + 1) + insRow;
      const hb = outHosp + (<usize>hRow * HOSP_FIELDS << 3);
      addF(hb, H_WEIGHT, w);
      addF(hb, H_DRG_STANDARD, std);
      addF(hb, H_DRG_PAYMENT, pay);
      addF(hb, H_REVIEW, <f64>rev);
      addF(hb, H_DRG_FLAGS + flag, 1);
      addF(hb, H_DIP_SCORE, cs);
      addF(hb, H_DIP_PAYMENT, dpay);
      addF(hb, H_DIP_FLAGS + dflag, 1);
      if (outDrg != 0) {
        const gb = outDrg + (<usize>g * DRG_FIELDS << 3);
        addF(gb, G_STANDARD, std);
        addF(gb, G_PAYMENT, pay);
        addF(gb, G_REVIEW, <f64>rev);
        addF(gb, G_FLAGS + flag, 1);
      }
      if (outDip != 0) {
        const db = outDip + (<usize>d * DIP_FIELDS << 3);
        addF(db, D_SCORE, cs);
        addF(db, D_PAYMENT, dpay);
        addF(db, D_FLAGS + dflag, 1);
      }
    }
  }
}

/**
 * Per-case pricing of `count` cases into output rows 0 … count−1: case rows[k] when `rows` is given, else
 * first + k. Uses the values of the last pricingResolve / pricingAggregate.
 */
export function pricingRows(params: usize, cases: usize, out: usize, rows: usize, count: i32, first: i32): void {
  priceLoop(params, cases, count, out, rows, first, 0, 0, 0, 0);
}

/**
 * The fast path: resolves budget-neutral values (a first pass only in budget modes), then prices every case
 * and sums per hospital and insurance type — and per DRG, per DIP group when those pointers are not 0 —
 * writing no per-case columns. Each table has extra rows for the cases outside it: hospital id outside
 * [0, nHosp) (its own hospital row), insurance type outside the fund table, DRG −1 (0000), DIP −1.
 * Outputs are cleared here; sums run in row order.
 */
export function pricingAggregate(params: usize, cases: usize, n: i32, nHosp: i32, outHosp: usize, outDrg: usize, outDip: usize): void {
  pricingResolve(params, cases, n);
  memory.fill(outHosp, 0, <usize>((nHosp + 1) * (<i32>word(params, P_N_INSURANCE) + 1)) * HOSP_FIELDS << 3);
  if (outDrg != 0) memory.fill(outDrg, 0, <usize>(<i32>word(params, P_N_DRG) + 1) * DRG_FIELDS << 3);
  if (outDip != 0) memory.fill(outDip, 0, <usize>(<i32>word(params, P_N_DIP) + 1) * DIP_FIELDS << 3);
  priceLoop(params, cases, n, 0, 0, 0, nHosp, outHosp, outDrg, outDip);
}

/**
 * Cases and Σ cost per hospital, per DRG and per DIP group (extra row each for ids outside), in row order:
 * no parameter moves them, so the host sums them once per case set, not on every reprice.
 */
export function pricingCaseSums(cases: usize, n: i32, nHosp: i32, nDrg: i32, nDip: i32, outHosp: usize, outDrg: usize, outDip: usize): void {
  memory.fill(outHosp, 0, <usize>(nHosp + 1) * BASE_FIELDS << 3);
  memory.fill(outDrg, 0, <usize>(nDrg + 1) * BASE_FIELDS << 3);
  memory.fill(outDip, 0, <usize>(nDip + 1) * BASE_FIELDS << 3);
  const drg = word(cases, C_DRG), dip = word(cases, C_DIP), cost = word(cases, C_COST), hospital = word(cases, C_HOSPITAL);
  for (let i = 0; i < n; i++) {
    const i4 = <usize>i << 2;
    const c = load<f64>(cost + (<usize>i << 3));
    const hb = outHosp + (<usize>rowOf(load<i32>(hospital + i4), nHosp) * BASE_FIELDS << 3);
    addF(hb, B_CASES, 1);
    addF(hb, B_COST, c);
    const gb = outDrg + (<usize>rowOf(load<i32>(drg + i4), nDrg) * BASE_FIELDS << 3);
    addF(gb, B_CASES, 1);
    addF(gb, B_COST, c);
    const db = outDip + (<usize>rowOf(load<i32>(dip + i4), nDip) * BASE_FIELDS << 3);
    addF(db, B_CASES, 1);
    addF(db, B_COST, c);
  }
}

/**
 * Distribution of r = cost ÷ payment standard (§3, priced DRG cases) and r = cost ÷ combination mean cost
 * (§4, DIP cases with a mean cost), with the values of the last resolve: nBins bins of equal width over
 * [0, maxRatio), then one bin for r ≥ maxRatio. Outputs are i32 counts (nBins + 1 each), cleared here.
 */
export function pricingRatioHistogram(params: usize, cases: usize, n: i32, nBins: i32, maxRatio: f64, outDrg: usize, outDip: usize): void {
  memory.fill(outDrg, 0, <usize>(nBins + 1) << 2);
  memory.fill(outDip, 0, <usize>(nBins + 1) << 2);
  const s = word(params, P_SCALARS);
  const weight = word(params, P_DRG_WEIGHT), nDrg = <i32>word(params, P_N_DRG);
  const mean = word(params, P_DIP_MEAN_COST), nDip = <i32>word(params, P_N_DIP);
  const drg = word(cases, C_DRG), dip = word(cases, C_DIP), cost = word(cases, C_COST), level = word(cases, C_LEVEL);
  const scale = <f64>nBins / maxRatio;
  for (let i = 0; i < n; i++) {
    const i4 = <usize>i << 2;
    const c = load<f64>(cost + (<usize>i << 3));
    const w = load<f64>(weight + (<usize>rowOf(load<i32>(drg + i4), nDrg) << 3));
    const r = c / (w * scalar(s, S_RATE_COEF + levelOf(load<i32>(level + i4))));
    if (w > 0 && r >= 0) { // r ≥ 0 also leaves out a NaN from a bad cost or a zero rate
      const bin = r >= maxRatio ? nBins : <i32>(r * scale);
      const p = outDrg + (<usize>bin << 2);
      store<i32>(p, load<i32>(p) + 1);
    }
    const m = load<f64>(mean + (<usize>rowOf(load<i32>(dip + i4), nDip) << 3));
    const dr = c / m;
    if (m > 0 && dr >= 0) {
      const bin = dr >= maxRatio ? nBins : <i32>(dr * scale);
      const p = outDip + (<usize>bin << 2);
      store<i32>(p, load<i32>(p) + 1);
    }
  }
}
