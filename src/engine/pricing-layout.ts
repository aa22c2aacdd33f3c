// The pricing kernels' layouts (mirror of assembly/pricing.ts) and the packed inputs both kernels read:
// scalar slots plus per-group tables, built once per parameter change from the scenario and the ruleset.
import type { CompiledRuleset } from '../rules/ruleset-compile.ts';
import { HOSPITAL_LEVELS, insuranceTypeOf, type PricingParameters } from '../scenario/pricing-parameters.ts';

/** Scalar slots (f64); per-level values at base + level (1/2/3). Slots from S.EFF_RATE on are written by the
 * kernels: the rate and point value in use, the budget sums, and the per-level products the loop uses. */
export const S = {
  RATE: 0, COEF: 4, DIP_COEF: 8,
  HIGH: 12, LOW: 13, HIGH_SHARE: 14, REVIEW: 15, DIP_LOW: 16, DIP_HIGH: 17, FUND_DEFAULT: 18,
  RATE_BUDGET: 19, PV_FLOATING: 20, POINT_VALUE: 21, BUDGET: 22, SUMS_GIVEN: 23,
  EFF_RATE: 24, EFF_PV: 28, SUM_WEIGHT_COEF: 29, SUM_SCORE_COEF: 30, RATE_COEF: 32, PV_COEF: 36,
} as const;
export const SCALAR_SLOTS = 40;
export const PARAM_WORDS = 8;

/** Outlier (§3) and deviation (§4) flags per case; also the offset of each count within a table's four counts. */
export const FLAG = { normal: 0, high: 1, low: 2, unpriced: 3 } as const;

/**
 * What a parameter change moves, per hospital and insurance type: row h × (nInsurance + 1) + insurance id,
 * extra rows for no hospital (h = nHospitals) and a missing or unknown type (id = nInsurance). The fund's
 * share is ratio[type] × Σ payment of a row (pricingSummary), not a per-case product summed.
 */
export const H = {
  WEIGHT: 0, DRG_STANDARD: 1, DRG_PAYMENT: 2, REVIEW: 3, DRG_FLAGS: 4,
  DIP_SCORE: 8, DIP_PAYMENT: 9, DIP_FLAGS: 12,
} as const;
export const HOSP_FIELDS = 16;
/** Per DRG (extra row: DRG 0000). Fields 3 is padding so a row is one 64-byte line. */
export const G = { STANDARD: 0, PAYMENT: 1, REVIEW: 2, FLAGS: 4 } as const;
export const DRG_FIELDS = 8;
/** Per DIP group (extra row: no group). Fields 2–3 are padding. */
export const D = { SCORE: 0, PAYMENT: 1, FLAGS: 4 } as const;
export const DIP_FIELDS = 8;
/** What no parameter moves, summed once per case set: cases and Σ cost per row (extra row each). */
export const B = { CASES: 0, COST: 1 } as const;
export const BASE_FIELDS = 2;

/** The field counts as assembly/pricing.ts pricingAggregateFields packs them. */
export const PACKED_FIELDS = HOSP_FIELDS | (DRG_FIELDS << 8) | (DIP_FIELDS << 16) | (BASE_FIELDS << 24);

/** Case columns in the kernel's descriptor order. */
export const PRICING_CASE_COLUMNS = ['drg', 'dipGroup', 'costYuan', 'hospitalLevel', 'insuranceType', 'hospital'] as const;
export type PricingCaseColumn = (typeof PRICING_CASE_COLUMNS)[number];

/** The columns pricing reads; grouping results are reused as they are (architecture: repricing never regroups). */
export interface PricingCaseColumns {
  n: number;
  /** DRG id (DrgOutput.drg), −1 = 0000. */
  drg: Int32Array;
  /** DIP group id (DipOutput.group), −1 = none. */
  dipGroup: Int32Array;
  costYuan: Float64Array;
  /** 1/2/3; any other value counts as 3 (§1 default). */
  hospitalLevel: Int32Array;
  /** Index into PricingInputs.fundRatio (the case file's insurance_type dictionary); −1 = missing. */
  insuranceType: Int32Array;
  /** Hospital index in [0, nHospitals); others are priced but not summed per hospital. */
  hospital: Int32Array;
}

/** What the kernels read besides the case columns. `scalars` slots from S.EFF_RATE on are written by them. */
export interface PricingInputs {
  scalars: Float64Array;
  /** Per DRG id: RW (ruleset, recalibrated, then overridden); NaN or ≤ 0 = unpriced. */
  drgWeight: Float64Array;
  /** Per DIP group id: score and the combination's mean cost (NaN = no deviation check). */
  dipScore: Float64Array;
  dipMeanCostYuan: Float64Array;
  /** Per insurance type id: the fund's share of the payment. */
  fundRatio: Float64Array;
}

/** Values from a recalibration (src/scenario/weight-recalibration.ts) that replace the ruleset's. */
export interface PricingCalibration {
  drgWeight?: Float64Array;
  dipScore?: Float64Array;
  dipMeanCostYuan?: Float64Array;
}

/**
 * Packs a parameter set for the kernels. `insuranceLabels[id]` is the insurance_type text of id; each
 * gets the ratio of its type (insuranceTypeOf) or the default. Validate the parameters first.
 */
export function buildPricingInputs(
  p: Readonly<PricingParameters>, compiled: CompiledRuleset, insuranceLabels: readonly string[] = [], calibration: PricingCalibration = {},
): PricingInputs {
  const t = compiled.tables;
  const s = new Float64Array(SCALAR_SLOTS);
  for (const lv of HOSPITAL_LEVELS) {
    s[S.RATE + lv] = p.drgBaseRateYuan[lv];
    s[S.COEF + lv] = p.hospitalCoefficient[lv];
    s[S.DIP_COEF + lv] = p.dipLevelCoefficient[lv];
  }
  s[S.HIGH] = p.drgHighOutlierRatio;
  s[S.LOW] = p.drgLowOutlierRatio;
  s[S.HIGH_SHARE] = p.drgHighOutlierShare;
  s[S.REVIEW] = p.specialReviewMultiple;
  s[S.DIP_LOW] = p.dipLowDeviationRatio;
  s[S.DIP_HIGH] = p.dipHighDeviationRatio;
  s[S.FUND_DEFAULT] = p.fundRatioDefault;
  s[S.RATE_BUDGET] = p.drgRateMode === 'budget' ? 1 : 0;
  s[S.PV_FLOATING] = p.dipPointValueMode === 'floating' ? 1 : 0;
  s[S.POINT_VALUE] = p.dipPointValueYuan;
  s[S.BUDGET] = p.budgetYuan;

  const drgWeight = Float64Array.from(calibration.drgWeight ?? t.drgWeight);
  const drgIds = new Map(compiled.strings.drgCodes.map((c, i) => [c, i]));
  for (const [code, w] of Object.entries(p.drgWeightOverrides)) {
    const id = drgIds.get(code.trim().toUpperCase());
    if (id !== undefined) drgWeight[id] = w;
  }
  const dipScore = Float64Array.from(calibration.dipScore ?? t.dipGroupScore);
  const dipMeanCostYuan = Float64Array.from(calibration.dipMeanCostYuan ?? t.dipGroupMeanCost);
  // A combination without a mean cost gets score ÷ factor × the reference mean cost (§4 score definition).
  if (p.dipReferenceMeanCostYuan > 0) {
    for (let g = 0; g < dipMeanCostYuan.length; g++) {
      if (!(dipMeanCostYuan[g]! > 0) && dipScore[g]! > 0) dipMeanCostYuan[g] = (dipScore[g]! / p.dipScoreFactor) * p.dipReferenceMeanCostYuan;
    }
  }
  const fundRatio = Float64Array.from(insuranceLabels, (label) => p.fundRatio[insuranceTypeOf(label)] ?? p.fundRatioDefault);
  return { scalars: s, drgWeight, dipScore, dipMeanCostYuan, fundRatio };
}

/** The rate per level and point value the last pricing used (budget-neutral or given), from the scalars. */
export interface ResolvedPricing {
  /** Index 1/2/3 = hospital level; index 0 unused. */
  drgRateYuan: [number, number, number, number];
  dipPointValueYuan: number;
  /** Σ (RW × coefficient) and Σ (case score × level coefficient) over priced cases (budget modes only, else 0). */
  sumWeightCoef: number;
  sumScoreCoef: number;
}

/** The fund ratio per hospital-table insurance row: each type's, then the default for the extra row. */
export function fundRatioRows(inputs: PricingInputs): Float64Array {
  const out = new Float64Array(inputs.fundRatio.length + 1);
  out.set(inputs.fundRatio);
  out[inputs.fundRatio.length] = inputs.scalars[S.FUND_DEFAULT]!;
  return out;
}

export function resolvedFrom(scalars: Float64Array): ResolvedPricing {
  return {
    drgRateYuan: [0, scalars[S.EFF_RATE + 1]!, scalars[S.EFF_RATE + 2]!, scalars[S.EFF_RATE + 3]!],
    dipPointValueYuan: scalars[S.EFF_PV]!,
    sumWeightCoef: scalars[S.SUM_WEIGHT_COEF]!,
    sumScoreCoef: scalars[S.SUM_SCORE_COEF]!,
  };
}

/** Per-case pricing for a page, a selection or every case (both implementations fill this shape). */
export interface PricingRows {
  drgStandardYuan: Float64Array;
  drgPaymentYuan: Float64Array;
  /** FLAG: 0 normal, 1 high-cost, 2 low-cost, 3 unpriced (paid by item). */
  drgOutlier: Uint8Array;
  /** 1 = r ≥ specialReviewMultiple: on the §3 special-review list. */
  specialReview: Uint8Array;
  drgFundYuan: Float64Array;
  drgPatientYuan: Float64Array;
  /** Case score after the §4 deviation adjustment (0 when unpriced). */
  dipCaseScore: Float64Array;
  dipPaymentYuan: Float64Array;
  /** FLAG: 0 normal, 1 high deviation, 2 low deviation, 3 unpriced. */
  dipDeviation: Uint8Array;
  dipFundYuan: Float64Array;
  dipPatientYuan: Float64Array;
}
export const PRICING_ROW_COLUMNS = [
  'drgStandardYuan', 'drgPaymentYuan', 'drgOutlier', 'specialReview', 'drgFundYuan', 'drgPatientYuan',
  'dipCaseScore', 'dipPaymentYuan', 'dipDeviation', 'dipFundYuan', 'dipPatientYuan',
] as const satisfies readonly (keyof PricingRows)[];
export const PRICING_ROW_BYTES: Readonly<Record<keyof PricingRows, 1 | 8>> = {
  drgStandardYuan: 8, drgPaymentYuan: 8, drgOutlier: 1, specialReview: 1, drgFundYuan: 8, drgPatientYuan: 8,
  dipCaseScore: 8, dipPaymentYuan: 8, dipDeviation: 1, dipFundYuan: 8, dipPatientYuan: 8,
};

export function allocPricingRows(count: number): PricingRows {
  const rows = {} as Record<keyof PricingRows, Float64Array | Uint8Array>;
  for (const k of PRICING_ROW_COLUMNS) rows[k] = PRICING_ROW_BYTES[k] === 1 ? new Uint8Array(count) : new Float64Array(count);
  return rows as unknown as PricingRows;
}

/** Cases and Σ cost per hospital, DRG and DIP group (BASE_FIELDS per row, extra row last): per case set. */
export interface CaseSums {
  nHospitals: number;
  hospital: Float64Array;
  drg: Float64Array;
  dip: Float64Array;
}

/** The fused pass's sums (row-major; field indices H, G, D; extra rows last), the case sums, and what it resolved. */
export interface PricingSums {
  nHospitals: number;
  /** Insurance types in the fund table; hospital rows are (nHospitals + 1) × (nInsurance + 1). */
  nInsurance: number;
  /** Fund ratio per insurance row (the default last), to split each row's payment into fund and patient. */
  fundRatio: Float64Array;
  hospital: Float64Array;
  /** null when the per-DRG / per-DIP-group tables were not asked for. */
  drg: Float64Array | null;
  dip: Float64Array | null;
  base: CaseSums;
  resolved: ResolvedPricing;
}

/** Which group tables the fused pass fills (the hospital table always). */
export interface AggregateTables {
  drg: boolean;
  dip: boolean;
}
export const ALL_TABLES: Readonly<AggregateTables> = { drg: true, dip: true };
