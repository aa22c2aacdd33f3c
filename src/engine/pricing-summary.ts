// Named per-hospital, per-DRG and per-DIP-group columns from the fused pricing pass's sums, with §3 settlement.
// Derived here once from the kernel's sums (thousands of rows, not cases), so Wasm and reference share the step.
import type { PricingParameters } from '../scenario/pricing-parameters.ts';
import { B, BASE_FIELDS, D, DIP_FIELDS, DRG_FIELDS, FLAG, G, H, HOSP_FIELDS, type PricingSums, type ResolvedPricing } from './pricing-layout.ts';

/** §3 hospital settlement of one payment method, per hospital (yuan, unrounded). */
export interface Settlement {
  /** Σ payment − Σ cost. */
  marginYuan: Float64Array;
  /** What the fund adds (> 0: its overrun_share of a loss) or takes back (< 0: the surplus the hospital does not keep). */
  adjustmentYuan: Float64Array;
  /** Σ payment + adjustment: what the hospital finally receives. */
  settledYuan: Float64Array;
  /** settled − Σ cost: the surplus kept (surplus_share × margin) or the loss borne ((1 − overrun_share) × margin). */
  hospitalResultYuan: Float64Array;
}

/**
 * margin > 0: the hospital keeps surplusShare × margin, the rest goes back to the fund (结余留用);
 * margin < 0: the fund covers overrunShare × |margin| (超支分担), the hospital bears the rest.
 */
export function settle(sumPaymentYuan: Float64Array, sumCostYuan: Float64Array, surplusShare: number, overrunShare: number): Settlement {
  const n = sumPaymentYuan.length;
  const marginYuan = new Float64Array(n), adjustmentYuan = new Float64Array(n);
  const settledYuan = new Float64Array(n), hospitalResultYuan = new Float64Array(n);
  for (let h = 0; h < n; h++) {
    const margin = sumPaymentYuan[h]! - sumCostYuan[h]!;
    const adjustment = margin > 0 ? -(1 - surplusShare) * margin : overrunShare * -margin;
    marginYuan[h] = margin;
    adjustmentYuan[h] = adjustment === 0 ? 0 : adjustment; // no −0 in displays
    settledYuan[h] = sumPaymentYuan[h]! + adjustment;
    hospitalResultYuan[h] = settledYuan[h]! - sumCostYuan[h]!;
  }
  return { marginYuan, adjustmentYuan, settledYuan, hospitalResultYuan };
}

/** Per hospital (one entry per hospital id, then one for cases without a hospital). */
export interface HospitalPricing {
  cases: Float64Array;
  costYuan: Float64Array;
  /** Σ RW of DRG-priced cases (CMI = weight ÷ DRG-priced cases). */
  weightRW: Float64Array;
  drgStandardYuan: Float64Array;
  drgPaymentYuan: Float64Array;
  /** §3 fund vs patient: Σ over insurance types of ratio[type] × Σ payment of that type. */
  drgFundYuan: Float64Array;
  drgPatientYuan: Float64Array;
  drgHigh: Float64Array;
  drgLow: Float64Array;
  drgUnpriced: Float64Array;
  specialReview: Float64Array;
  drgSettlement: Settlement;
  dipScore: Float64Array;
  dipPaymentYuan: Float64Array;
  dipFundYuan: Float64Array;
  dipPatientYuan: Float64Array;
  dipHigh: Float64Array;
  dipLow: Float64Array;
  dipUnpriced: Float64Array;
  dipSettlement: Settlement;
  /** Payment per hospital × insurance row (row-major, nInsurance + 1 per hospital; the last: type unknown). */
  drgPaymentByInsuranceYuan: Float64Array;
  dipPaymentByInsuranceYuan: Float64Array;
}

/** Per DRG or DIP group (one entry per group id, then one for ungrouped cases). */
export interface GroupPricing {
  cases: Float64Array;
  costYuan: Float64Array;
  /** DRG: Σ payment standard; DIP: Σ case score. */
  standardOrScore: Float64Array;
  paymentYuan: Float64Array;
  high: Float64Array;
  low: Float64Array;
  unpriced: Float64Array;
  /** DRG only (zeros for DIP): cases on the special-review list. */
  specialReview: Float64Array;
}

export interface PricingSummary {
  resolved: ResolvedPricing;
  hospitals: HospitalPricing;
  /** null when the fused pass was run without that table. */
  drgs: GroupPricing | null;
  dipGroups: GroupPricing | null;
  totals: {
    cases: number; costYuan: number; weightRW: number;
    drgStandardYuan: number; drgPaymentYuan: number; drgFundYuan: number;
    dipScore: number; dipPaymentYuan: number; dipFundYuan: number;
  };
}

function field(sums: Float64Array, rows: number, width: number, f: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = sums[r * width + f]!;
  return out;
}

function minus(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((x, i) => x - b[i]!);
}

function total(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

function groupPricing(sums: Float64Array, base: Float64Array, width: number, f: { value: number; payment: number; flags: number; review: number | null }): GroupPricing {
  const rows = base.length / BASE_FIELDS;
  const get = (k: number) => field(sums, rows, width, k);
  return {
    cases: field(base, rows, BASE_FIELDS, B.CASES), costYuan: field(base, rows, BASE_FIELDS, B.COST),
    standardOrScore: get(f.value), paymentYuan: get(f.payment),
    high: get(f.flags + FLAG.high), low: get(f.flags + FLAG.low), unpriced: get(f.flags + FLAG.unpriced),
    specialReview: f.review === null ? new Float64Array(rows) : get(f.review),
  };
}

/** Named columns from the fused pass's sums; settlement with the given shares. */
export function pricingSummary(sums: PricingSums, p: Pick<PricingParameters, 'surplusShare' | 'overrunShare'>): PricingSummary {
  const nh = sums.nHospitals + 1, ni = sums.nInsurance + 1, hs = sums.hospital;
  // Hospital × insurance rows collapse to hospitals here; payments split into fund and patient by type.
  const hf = (f: number) => {
    const out = new Float64Array(nh);
    for (let h = 0; h < nh; h++) for (let k = 0; k < ni; k++) out[h] += hs[(h * ni + k) * HOSP_FIELDS + f]!;
    return out;
  };
  const fund = (f: number) => {
    const out = new Float64Array(nh);
    for (let h = 0; h < nh; h++) for (let k = 0; k < ni; k++) out[h] += sums.fundRatio[k]! * hs[(h * ni + k) * HOSP_FIELDS + f]!;
    return out;
  };
  const cost = field(sums.base.hospital, nh, BASE_FIELDS, B.COST);
  const drgPay = hf(H.DRG_PAYMENT), drgFund = fund(H.DRG_PAYMENT), dipPay = hf(H.DIP_PAYMENT), dipFund = fund(H.DIP_PAYMENT);
  const hospitals: HospitalPricing = {
    cases: field(sums.base.hospital, nh, BASE_FIELDS, B.CASES), costYuan: cost, weightRW: hf(H.WEIGHT),
    drgStandardYuan: hf(H.DRG_STANDARD), drgPaymentYuan: drgPay, drgFundYuan: drgFund, drgPatientYuan: minus(drgPay, drgFund),
    drgHigh: hf(H.DRG_FLAGS + FLAG.high), drgLow: hf(H.DRG_FLAGS + FLAG.low), drgUnpriced: hf(H.DRG_FLAGS + FLAG.unpriced),
    specialReview: hf(H.REVIEW), drgSettlement: settle(drgPay, cost, p.surplusShare, p.overrunShare),
    dipScore: hf(H.DIP_SCORE), dipPaymentYuan: dipPay, dipFundYuan: dipFund, dipPatientYuan: minus(dipPay, dipFund),
    dipHigh: hf(H.DIP_FLAGS + FLAG.high), dipLow: hf(H.DIP_FLAGS + FLAG.low), dipUnpriced: hf(H.DIP_FLAGS + FLAG.unpriced),
    dipSettlement: settle(dipPay, cost, p.surplusShare, p.overrunShare),
    drgPaymentByInsuranceYuan: field(hs, nh * ni, HOSP_FIELDS, H.DRG_PAYMENT),
    dipPaymentByInsuranceYuan: field(hs, nh * ni, HOSP_FIELDS, H.DIP_PAYMENT),
  };
  return {
    resolved: sums.resolved, hospitals,
    drgs: sums.drg && groupPricing(sums.drg, sums.base.drg, DRG_FIELDS, { value: G.STANDARD, payment: G.PAYMENT, flags: G.FLAGS, review: G.REVIEW }),
    dipGroups: sums.dip && groupPricing(sums.dip, sums.base.dip, DIP_FIELDS, { value: D.SCORE, payment: D.PAYMENT, flags: D.FLAGS, review: null }),
    totals: {
      cases: total(hospitals.cases), costYuan: total(cost), weightRW: total(hospitals.weightRW),
      drgStandardYuan: total(hospitals.drgStandardYuan), drgPaymentYuan: total(drgPay), drgFundYuan: total(drgFund),
      dipScore: total(hospitals.dipScore), dipPaymentYuan: total(dipPay), dipFundYuan: total(dipFund),
    },
  };
}
