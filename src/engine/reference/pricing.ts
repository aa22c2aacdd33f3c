// Plain-TypeScript twin of assembly/pricing.ts (domain §3, §4): the oracle for tests and the bench baseline.
// Same algorithm, same typed columns, same operation order (so results match bit for bit); never slowed down.
//
// Money is f64 yuan and never rounded here; rounding to the cent is for display and export only.
// Unpriced cases (DRG −1 or no weight; DIP −1 or no score) are paid by item (payment = cost), flagged 3,
// and left out of the budget-neutral sums. The Wasm loop picks values without branches; this one uses
// ordinary `if`s, which is what plain TypeScript would write.
import {
  ALL_TABLES, B, BASE_FIELDS, D, DIP_FIELDS, DRG_FIELDS, FLAG, G, H, HOSP_FIELDS, S, allocPricingRows, fundRatioRows, resolvedFrom,
  type AggregateTables, type CaseSums, type PricingCaseColumns, type PricingInputs, type PricingRows, type PricingSums,
} from '../pricing-layout.ts';

const HIGH: number = FLAG.high, LOW: number = FLAG.low, UNPRICED: number = FLAG.unpriced;

/** Hospital level 1/2/3; anything else counts as 3 (domain §1: default 3). */
function levelOf(v: number): number {
  return v >= 1 && v <= 3 ? v : 3;
}

/** §4 deviation case score: r < low → r × score; r > high → (r − high + 1) × score; else score. */
function dipCaseScore(score: number, meanCost: number, cost: number, low: number, high: number): number {
  if (!(meanCost > 0)) return score;
  const r = cost / meanCost;
  if (r < low) return r * score;
  if (r > high) return (r - high + 1) * score;
  return score;
}

function dipFlag(meanCost: number, cost: number, low: number, high: number): number {
  if (!(meanCost > 0)) return 0;
  const r = cost / meanCost;
  return r < low ? LOW : r > high ? HIGH : 0;
}

/** What pricing one case reads: the inputs and the scalars of the last resolve, taken once per call. */
interface PriceContext {
  s: Float64Array;
  weight: Float64Array;
  nDrg: number;
  score: Float64Array;
  mean: Float64Array;
  nDip: number;
  high: number;
  low: number;
  share: number;
  review: number;
  dlo: number;
  dhi: number;
}

function priceContext(inputs: PricingInputs): PriceContext {
  const s = inputs.scalars;
  return {
    s, weight: inputs.drgWeight, nDrg: inputs.drgWeight.length,
    score: inputs.dipScore, mean: inputs.dipMeanCostYuan, nDip: inputs.dipScore.length,
    high: s[S.HIGH]!, low: s[S.LOW]!, share: s[S.HIGH_SHARE]!, review: s[S.REVIEW]!, dlo: s[S.DIP_LOW]!, dhi: s[S.DIP_HIGH]!,
  };
}

/** One case's price; a record reused across cases so the loops allocate nothing. */
interface CasePrice {
  /** RW when the DRG is priced, else 0 (the ΣRW of the hospital table). */
  priced: number;
  std: number;
  pay: number;
  flag: number;
  review: number;
  caseScore: number;
  dipPay: number;
  dipFlag: number;
}

const newCasePrice = (): CasePrice => ({ priced: 0, std: 0, pay: 0, flag: 0, review: 0, caseScore: 0, dipPay: 0, dipFlag: 0 });

/**
 * §3: standard = RW × (rate × coefficient); r = cost ÷ standard; r > high → standard + (cost − high ×
 * standard) × share; r < low → cost; special review when r ≥ the multiple. §4: deviation-adjusted case
 * score × (point value × level coefficient). Unpriced sides are paid by item.
 */
function priceCase(x: PriceContext, g: number, d: number, c: number, lv: number, p: CasePrice): void {
  const w = g >= 0 && g < x.nDrg ? x.weight[g]! : NaN;
  p.priced = 0; p.std = 0; p.pay = c; p.flag = UNPRICED; p.review = 0;
  if (w > 0) {
    const std = w * x.s[S.RATE_COEF + lv]!;
    const r = c / std;
    p.priced = w;
    p.std = std;
    if (r > x.high) { p.pay = std + (c - x.high * std) * x.share; p.flag = HIGH; }
    else if (r < x.low) { p.pay = c; p.flag = LOW; }
    else { p.pay = std; p.flag = 0; }
    p.review = r >= x.review ? 1 : 0;
  }
  const sc = d >= 0 && d < x.nDip ? x.score[d]! : NaN;
  p.caseScore = 0; p.dipPay = c; p.dipFlag = UNPRICED;
  if (sc > 0) {
    const m = x.mean[d]!;
    p.caseScore = dipCaseScore(sc, m, c, x.dlo, x.dhi);
    p.dipFlag = dipFlag(m, c, x.dlo, x.dhi);
    p.dipPay = p.caseScore * x.s[S.PV_COEF + lv]!;
  }
}

/**
 * Writes the rate and point value in use into inputs.scalars (as the Wasm kernel does in linear memory):
 * §3 rate = budget ÷ Σ (RW × coefficient), §4 point value = budget ÷ Σ (case score × level coefficient) over
 * priced cases in row order when the budget modes are on; then the per-level products rate × coefficient
 * and point value × level coefficient that pricing multiplies by.
 */
export function resolvePricingReference(inputs: PricingInputs, cases: PricingCaseColumns): void {
  const s = inputs.scalars;
  const rateBudget = s[S.RATE_BUDGET] !== 0;
  const pvFloating = s[S.PV_FLOATING] !== 0;
  let sumWC = 0;
  let sumSC = 0;
  if ((rateBudget || pvFloating) && s[S.SUMS_GIVEN] !== 0) {
    sumWC = s[S.SUM_WEIGHT_COEF]!;
    sumSC = s[S.SUM_SCORE_COEF]!;
  } else if (rateBudget || pvFloating) {
    const weight = inputs.drgWeight, nDrg = weight.length;
    const score = inputs.dipScore, mean = inputs.dipMeanCostYuan, nDip = score.length;
    const dlo = s[S.DIP_LOW]!, dhi = s[S.DIP_HIGH]!;
    const coef = S.COEF, dipCoef = S.DIP_COEF;
    const { drg, dipGroup, costYuan, hospitalLevel, n } = cases;
    for (let i = 0; i < n; i++) {
      const lv = levelOf(hospitalLevel[i]!);
      const g = drg[i]!;
      const w = g >= 0 && g < nDrg ? weight[g]! : NaN;
      if (w > 0) sumWC += w * s[coef + lv]!;
      const d = dipGroup[i]!;
      const sc = d >= 0 && d < nDip ? score[d]! : NaN;
      if (sc > 0) sumSC += dipCaseScore(sc, mean[d]!, costYuan[i]!, dlo, dhi) * s[dipCoef + lv]!;
    }
  }
  const budget = s[S.BUDGET]!;
  const budgetRate = sumWC > 0 ? budget / sumWC : 0;
  const pv = pvFloating ? (sumSC > 0 ? budget / sumSC : 0) : s[S.POINT_VALUE]!;
  for (let lv = 1; lv <= 3; lv++) {
    const rate = rateBudget ? budgetRate : s[S.RATE + lv]!;
    s[S.EFF_RATE + lv] = rate;
    s[S.RATE_COEF + lv] = rate * s[S.COEF + lv]!;
    s[S.PV_COEF + lv] = pv * s[S.DIP_COEF + lv]!;
  }
  s[S.EFF_PV] = pv;
  s[S.SUM_WEIGHT_COEF] = sumWC;
  s[S.SUM_SCORE_COEF] = sumSC;
}

/**
 * Prices `count` cases into rows 0 … count−1: case rows[k] when `rows` is given, else first + k. Uses the
 * values of the last resolve (call repriceAggregateReference or resolvePricingReference first).
 */
export function priceRowsReference(
  inputs: PricingInputs, cases: PricingCaseColumns, rows: Int32Array | null, count: number, first = 0,
  out: PricingRows = allocPricingRows(count),
): PricingRows {
  const x = priceContext(inputs);
  const fund = inputs.fundRatio, nIns = fund.length, fundDefault = x.s[S.FUND_DEFAULT]!;
  const { drg, dipGroup, costYuan, hospitalLevel, insuranceType } = cases;
  const p = newCasePrice();
  for (let k = 0; k < count; k++) {
    const i = rows ? rows[k]! : first + k;
    const c = costYuan[i]!;
    const ins = insuranceType[i]!;
    const ratio = ins >= 0 && ins < nIns ? fund[ins]! : fundDefault;
    priceCase(x, drg[i]!, dipGroup[i]!, c, levelOf(hospitalLevel[i]!), p);
    const f = p.pay * ratio;
    out.drgStandardYuan[k] = p.std;
    out.drgPaymentYuan[k] = p.pay;
    out.drgOutlier[k] = p.flag;
    out.specialReview[k] = p.review;
    out.drgFundYuan[k] = f;
    out.drgPatientYuan[k] = p.pay - f;
    const df = p.dipPay * ratio;
    out.dipCaseScore[k] = p.caseScore;
    out.dipPaymentYuan[k] = p.dipPay;
    out.dipDeviation[k] = p.dipFlag;
    out.dipFundYuan[k] = df;
    out.dipPatientYuan[k] = p.dipPay - df;
  }
  return out;
}

/**
 * Cases and Σ cost per hospital, DRG and DIP group (extra row last for ids outside each), in row order.
 * No parameter moves them: sum once per case set and pass them to every reprice.
 */
export function caseSumsReference(cases: PricingCaseColumns, nHospitals: number, nDrg: number, nDip: number): CaseSums {
  const hs = new Float64Array((nHospitals + 1) * BASE_FIELDS);
  const gs = new Float64Array((nDrg + 1) * BASE_FIELDS);
  const ds = new Float64Array((nDip + 1) * BASE_FIELDS);
  const { drg, dipGroup, costYuan, hospital, n } = cases;
  for (let i = 0; i < n; i++) {
    const c = costYuan[i]!;
    const h = hospital[i]!, g = drg[i]!, d = dipGroup[i]!;
    const hb = (h >= 0 && h < nHospitals ? h : nHospitals) * BASE_FIELDS;
    hs[hb + B.CASES] += 1;
    hs[hb + B.COST] += c;
    const gb = (g >= 0 && g < nDrg ? g : nDrg) * BASE_FIELDS;
    gs[gb + B.CASES] += 1;
    gs[gb + B.COST] += c;
    const db = (d >= 0 && d < nDip ? d : nDip) * BASE_FIELDS;
    ds[db + B.CASES] += 1;
    ds[db + B.COST] += c;
  }
  return { nHospitals, hospital: hs, drg: gs, dip: ds };
}

/**
 * The fast path: resolve (a first pass only in budget modes), then price every case and sum per hospital and
 * insurance type — and per DRG, per DIP group as `tables` asks — in one pass, writing no per-case columns.
 * Each table has extra rows for the cases outside it (no hospital, unknown insurance type, DRG 0000, no DIP
 * group). The fund's share is applied to the sums afterwards (pricingSummary). Sums run in row order.
 */
export function repriceAggregateReference(
  inputs: PricingInputs, cases: PricingCaseColumns, base: CaseSums, tables: Readonly<AggregateTables> = ALL_TABLES,
): PricingSums {
  resolvePricingReference(inputs, cases);
  const nHospitals = base.nHospitals;
  const x = priceContext(inputs);
  const { s, nDrg, nDip } = x;
  const fund = inputs.fundRatio, nIns = fund.length;
  const { drg, dipGroup, costYuan, hospitalLevel, insuranceType, hospital, n } = cases;
  const hs = new Float64Array((nHospitals + 1) * (nIns + 1) * HOSP_FIELDS);
  const gs = tables.drg ? new Float64Array((nDrg + 1) * DRG_FIELDS) : null;
  const ds = tables.dip ? new Float64Array((nDip + 1) * DIP_FIELDS) : null;
  const p = newCasePrice();
  for (let i = 0; i < n; i++) {
    const ins = insuranceType[i]!;
    const g = drg[i]!, d = dipGroup[i]!;
    priceCase(x, g, d, costYuan[i]!, levelOf(hospitalLevel[i]!), p);
    const { priced, std, pay, flag, review: rev, caseScore: cs, dipPay: dpay, dipFlag: dflag } = p;

    const h = hospital[i]!;
    const hb = ((h >= 0 && h < nHospitals ? h : nHospitals) * (nIns + 1) + (ins >= 0 && ins < nIns ? ins : nIns)) * HOSP_FIELDS;
    hs[hb + H.WEIGHT] += priced;
    hs[hb + H.DRG_STANDARD] += std;
    hs[hb + H.DRG_PAYMENT] += pay;
    hs[hb + H.REVIEW] += rev;
    hs[hb + H.DRG_FLAGS + flag] += 1;
    hs[hb + H.DIP_SCORE] += cs;
    hs[hb + H.DIP_PAYMENT] += dpay;
    hs[hb + H.DIP_FLAGS + dflag] += 1;
    if (gs) {
      const gb = (g >= 0 && g < nDrg ? g : nDrg) * DRG_FIELDS;
      gs[gb + G.STANDARD] += std;
      gs[gb + G.PAYMENT] += pay;
      gs[gb + G.REVIEW] += rev;
      gs[gb + G.FLAGS + flag] += 1;
    }
    if (ds) {
      const db = (d >= 0 && d < nDip ? d : nDip) * DIP_FIELDS;
      ds[db + D.SCORE] += cs;
      ds[db + D.PAYMENT] += dpay;
      ds[db + D.FLAGS + dflag] += 1;
    }
  }
  return { nHospitals, nInsurance: nIns, fundRatio: fundRatioRows(inputs), hospital: hs, drg: gs, dip: ds, base, resolved: resolvedFrom(s) };
}

/** Counts per bin of r (nBins equal bins over [0, maxRatio), then r ≥ maxRatio): DRG and DIP. */
export interface RatioHistogram {
  maxRatio: number;
  drg: Int32Array;
  dip: Int32Array;
}

/**
 * §3 r = cost ÷ payment standard over priced DRG cases and §4 r = cost ÷ combination mean cost over DIP cases
 * with a mean cost, with the last resolved values (assembly/pricing.ts pricingRatioHistogram).
 */
export function ratioHistogramReference(inputs: PricingInputs, cases: PricingCaseColumns, nBins: number, maxRatio: number): RatioHistogram {
  const s = inputs.scalars, weight = inputs.drgWeight, mean = inputs.dipMeanCostYuan;
  const drg = new Int32Array(nBins + 1), dip = new Int32Array(nBins + 1);
  const scale = nBins / maxRatio;
  const bin = (r: number) => (r >= maxRatio ? nBins : Math.trunc(r * scale));
  for (let i = 0; i < cases.n; i++) {
    const c = cases.costYuan[i]!;
    const g = cases.drg[i]!, d = cases.dipGroup[i]!;
    const w = g >= 0 && g < weight.length ? weight[g]! : NaN;
    const r = c / (w * s[S.RATE_COEF + levelOf(cases.hospitalLevel[i]!)]!);
    if (w > 0 && r >= 0) drg[bin(r)]++;
    const m = d >= 0 && d < mean.length ? mean[d]! : NaN;
    const dr = c / m;
    if (m > 0 && dr >= 0) dip[bin(dr)]++;
  }
  return { maxRatio, drg, dip };
}
