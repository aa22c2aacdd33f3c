// The pricing parameter set (domain §3 DRG, §4 DIP, §10 scenarios): one typed object, its defaults, how a
// ruleset's `parameters` fill it, and validation that names the field. No pricing happens here.

/** Hospital level (domain §1): 1 一级, 2 二级, 3 三级. */
export type HospitalLevel = 1 | 2 | 3;
export const HOSPITAL_LEVELS: readonly HospitalLevel[] = [1, 2, 3];
export type PerLevel = Record<HospitalLevel, number>;

/** Insurance types with a default fund ratio (§3). Case labels are matched by `insuranceTypeOf`. */
export const INSURANCE_EMPLOYEE = '职工';
export const INSURANCE_RESIDENT = '居民';

export interface PricingParameters {
  /** §3 base rate: `fixed` uses drgBaseRateYuan per level; `budget` = budgetYuan ÷ Σ (RW × coefficient). */
  drgRateMode: 'fixed' | 'budget';
  drgBaseRateYuan: PerLevel;
  /** §3 hospital_coefficient[level], default 1. */
  hospitalCoefficient: PerLevel;
  /** §3 outliers: ratio r = cost ÷ standard; r > high → high-cost case, r < low → paid by item. */
  drgHighOutlierRatio: number;
  drgLowOutlierRatio: number;
  /** Share of the cost above high × standard that is paid (1.0 = paid by item). */
  drgHighOutlierShare: number;
  /** Cases with r ≥ this go on the special-review list (Yantai practice: 2×). */
  specialReviewMultiple: number;
  /** §3 settlement: the hospital keeps this share of a positive margin; the fund covers this share of a loss. */
  surplusShare: number;
  overrunShare: number;
  /** §3 fund share of the payment by insurance type label; other or missing types use fundRatioDefault. */
  fundRatio: Record<string, number>;
  fundRatioDefault: number;
  /** §4 point value: `fixed` uses dipPointValueYuan; `floating` = budgetYuan ÷ Σ (case score × level coefficient). */
  dipPointValueMode: 'fixed' | 'floating';
  dipPointValueYuan: number;
  /** Total payment (fund + patient) for the priced cases, yuan; used by the budget-neutral modes only. */
  budgetYuan: number;
  /** §4 deviation cases: r = cost ÷ combination mean cost below low or above high. */
  dipLowDeviationRatio: number;
  dipHighDeviationRatio: number;
  /** §4 hospital-level coefficient (三级 1.0, 二级 0.9, 一级 0.8). */
  dipLevelCoefficient: PerLevel;
  /** §4 mean cost of all cases the scores were made from; fills a combination's missing mean cost
   * (score ÷ factor × this). 0 = not known: such groups have no deviation cases. */
  dipReferenceMeanCostYuan: number;
  /** §4 score factor (1000; some regions 100). */
  dipScoreFactor: number;
  /** User edits to single DRG weights, by DRG code; they win over the ruleset and a recalibration. */
  drgWeightOverrides: Record<string, number>;
  /** §3 weight recalibration: trim percentiles and the minimum cases for a group's own weight. */
  weightTrimLowPercentile: number;
  weightTrimHighPercentile: number;
  weightMinGroupCases: number;
}

/**
 * The defaults named in domain §3 and §4. Base rates and the point value are not in the domain text;
 * the values here are the demo ruleset's demonstration values, replaced by any ruleset's `parameters`.
 */
export const DEFAULT_PRICING_PARAMETERS: Readonly<PricingParameters> = Object.freeze({
  drgRateMode: 'fixed',
  drgBaseRateYuan: { 1: 9000, 2: 10500, 3: 12000 },
  hospitalCoefficient: { 1: 1, 2: 1, 3: 1 },
  drgHighOutlierRatio: 2.0,
  drgLowOutlierRatio: 0.4,
  drgHighOutlierShare: 1.0,
  specialReviewMultiple: 2.0,
  surplusShare: 1.0,
  overrunShare: 0,
  fundRatio: { [INSURANCE_EMPLOYEE]: 0.85, [INSURANCE_RESIDENT]: 0.7 },
  // Unknown insurance type: the lower of the two, so a missing label never raises the fund's share.
  fundRatioDefault: 0.7,
  dipPointValueMode: 'fixed',
  dipPointValueYuan: 10,
  budgetYuan: 0,
  dipLowDeviationRatio: 0.5,
  dipHighDeviationRatio: 2.0,
  dipLevelCoefficient: { 1: 0.8, 2: 0.9, 3: 1.0 },
  dipReferenceMeanCostYuan: 0,
  dipScoreFactor: 1000,
  drgWeightOverrides: {},
  weightTrimLowPercentile: 2.5,
  weightTrimHighPercentile: 97.5,
  weightMinGroupCases: 5,
} satisfies PricingParameters);

/** A fresh, mutable copy of the defaults (nested objects copied too). */
export function defaultPricingParameters(): PricingParameters {
  return clonePricingParameters(DEFAULT_PRICING_PARAMETERS);
}

export function clonePricingParameters(p: Readonly<PricingParameters>): PricingParameters {
  return {
    ...p,
    drgBaseRateYuan: { ...p.drgBaseRateYuan },
    hospitalCoefficient: { ...p.hospitalCoefficient },
    fundRatio: { ...p.fundRatio },
    dipLevelCoefficient: { ...p.dipLevelCoefficient },
    drgWeightOverrides: { ...p.drgWeightOverrides },
  };
}

// ----- from a ruleset's `parameters` (the flat keys of docs/ruleset-format.md and the demo ruleset) ----------

type Scalar = number | string | boolean;
type NumberField = {
  [K in keyof PricingParameters]: PricingParameters[K] extends number ? K : never;
}[keyof PricingParameters];

const SCALAR_KEYS: Readonly<Record<string, NumberField>> = {
  drg_high_outlier_ratio: 'drgHighOutlierRatio',
  drg_low_outlier_ratio: 'drgLowOutlierRatio',
  drg_high_outlier_reimbursement_share: 'drgHighOutlierShare',
  special_review_multiple: 'specialReviewMultiple',
  surplus_share: 'surplusShare',
  overrun_share: 'overrunShare',
  fund_share_default: 'fundRatioDefault',
  dip_point_value_yuan: 'dipPointValueYuan',
  budget_yuan: 'budgetYuan',
  dip_low_deviation_ratio: 'dipLowDeviationRatio',
  dip_high_deviation_ratio: 'dipHighDeviationRatio',
  dip_reference_mean_cost_yuan: 'dipReferenceMeanCostYuan',
  weight_trim_low_percentile: 'weightTrimLowPercentile',
  weight_trim_high_percentile: 'weightTrimHighPercentile',
  weight_min_group_cases: 'weightMinGroupCases',
};
const LEVEL_KEYS: Readonly<Record<string, 'drgBaseRateYuan' | 'hospitalCoefficient' | 'dipLevelCoefficient'>> = {
  drg_base_rate_yuan_level_: 'drgBaseRateYuan',
  hospital_coefficient_level_: 'hospitalCoefficient',
  dip_level_coefficient_: 'dipLevelCoefficient',
};

/** A number, a numeric string as its number, anything else NaN (validation then names the field). */
function toNumber(v: Scalar): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return NaN;
}

/**
 * The ruleset's default parameters laid over `base`. Keys this module does not know are left alone (the
 * ruleset may carry parameters for other modules); `meta.dip_score_factor` sets the score factor.
 */
export function pricingParametersFromRuleset(
  parameters: Readonly<Record<string, Scalar>> | undefined,
  meta?: { dip_score_factor?: number },
  base: Readonly<PricingParameters> = DEFAULT_PRICING_PARAMETERS,
): PricingParameters {
  const p = clonePricingParameters(base);
  if (meta?.dip_score_factor !== undefined) p.dipScoreFactor = meta.dip_score_factor;
  for (const [key, value] of Object.entries(parameters ?? {})) {
    const field = SCALAR_KEYS[key];
    if (field) { p[field] = toNumber(value); continue; }
    const prefix = Object.keys(LEVEL_KEYS).find((k) => key.startsWith(k));
    if (prefix) {
      const level = Number(key.slice(prefix.length));
      if (level === 1 || level === 2 || level === 3) p[LEVEL_KEYS[prefix]!][level] = toNumber(value);
      continue;
    }
    if (key === 'fund_share_employee') p.fundRatio[INSURANCE_EMPLOYEE] = toNumber(value);
    else if (key === 'fund_share_resident') p.fundRatio[INSURANCE_RESIDENT] = toNumber(value);
    else if (key === 'dip_point_value_floating') p.dipPointValueMode = value === true || value === 'true' ? 'floating' : 'fixed';
    else if (key === 'drg_rate_budget_neutral') p.drgRateMode = value === true || value === 'true' ? 'budget' : 'fixed';
  }
  return p;
}

/** The fund-ratio key a case's insurance_type label falls under: 职工 / 居民 by name, else the label itself. */
export function insuranceTypeOf(label: string): string {
  const t = label.trim();
  if (t.includes(INSURANCE_EMPLOYEE) || /^employee$/i.test(t)) return INSURANCE_EMPLOYEE;
  if (t.includes(INSURANCE_RESIDENT) || /^resident$/i.test(t)) return INSURANCE_RESIDENT;
  return t;
}

// ----- validation ---------------------------------------------------------------------------------------

/** A problem the UI can show next to the field it names (e.g. `drgBaseRateYuan.2`, `drgWeightOverrides.LC19`). */
export interface ParameterProblem {
  code: 'param.not_number' | 'param.negative' | 'param.not_positive' | 'param.share_range' | 'param.order'
    | 'param.budget_zero' | 'param.unknown_drg' | 'param.mode';
  message: string;
  where: { field: string };
}

/**
 * Every problem of a parameter set. `drgCodes` (the ruleset's DRG codes) lets overrides be checked;
 * without it they are checked as numbers only. The budget must be > 0 only when a budget mode uses it.
 */
export function validatePricingParameters(p: Readonly<PricingParameters>, drgCodes?: readonly string[]): ParameterProblem[] {
  const problems: ParameterProblem[] = [];
  const add = (code: ParameterProblem['code'], field: string, message: string) => problems.push({ code, message, where: { field } });
  /** Finite and ≥ 0 (or > 0 when `positive`); returns whether it is usable. */
  const num = (field: string, v: unknown, positive = false): v is number => {
    if (typeof v !== 'number' || !Number.isFinite(v)) { add('param.not_number', field, `${field} must be a number (got ${JSON.stringify(v)})`); return false; }
    if (v < 0) { add('param.negative', field, `${field} must not be negative (got ${v})`); return false; }
    if (positive && v === 0) { add('param.not_positive', field, `${field} must be greater than 0`); return false; }
    return true;
  };
  const share = (field: string, v: unknown) => {
    if (num(field, v) && v > 1) add('param.share_range', field, `${field} is a share: between 0 and 1 (got ${v})`);
  };

  if (p.drgRateMode !== 'fixed' && p.drgRateMode !== 'budget') add('param.mode', 'drgRateMode', 'drgRateMode must be "fixed" or "budget"');
  if (p.dipPointValueMode !== 'fixed' && p.dipPointValueMode !== 'floating') add('param.mode', 'dipPointValueMode', 'dipPointValueMode must be "fixed" or "floating"');
  for (const lv of HOSPITAL_LEVELS) {
    if (p.drgRateMode !== 'budget') num(`drgBaseRateYuan.${lv}`, p.drgBaseRateYuan?.[lv], true);
    num(`hospitalCoefficient.${lv}`, p.hospitalCoefficient?.[lv], true);
    num(`dipLevelCoefficient.${lv}`, p.dipLevelCoefficient?.[lv], true);
  }
  const high = num('drgHighOutlierRatio', p.drgHighOutlierRatio, true);
  const low = num('drgLowOutlierRatio', p.drgLowOutlierRatio);
  if (high && low && p.drgLowOutlierRatio >= p.drgHighOutlierRatio) add('param.order', 'drgLowOutlierRatio', 'drgLowOutlierRatio must be below drgHighOutlierRatio');
  share('drgHighOutlierShare', p.drgHighOutlierShare);
  num('specialReviewMultiple', p.specialReviewMultiple, true);
  share('surplusShare', p.surplusShare);
  share('overrunShare', p.overrunShare);
  for (const [label, v] of Object.entries(p.fundRatio ?? {})) share(`fundRatio.${label}`, v);
  share('fundRatioDefault', p.fundRatioDefault);
  if (p.dipPointValueMode !== 'floating') num('dipPointValueYuan', p.dipPointValueYuan, true);
  if (num('budgetYuan', p.budgetYuan) && p.budgetYuan === 0 && (p.drgRateMode === 'budget' || p.dipPointValueMode === 'floating')) {
    add('param.budget_zero', 'budgetYuan', 'a budget-neutral rate or floating point value needs a budget greater than 0');
  }
  const dlo = num('dipLowDeviationRatio', p.dipLowDeviationRatio);
  const dhi = num('dipHighDeviationRatio', p.dipHighDeviationRatio, true);
  if (dlo && dhi && p.dipLowDeviationRatio >= p.dipHighDeviationRatio) add('param.order', 'dipLowDeviationRatio', 'dipLowDeviationRatio must be below dipHighDeviationRatio');
  num('dipReferenceMeanCostYuan', p.dipReferenceMeanCostYuan);
  num('dipScoreFactor', p.dipScoreFactor, true);
  const tlo = num('weightTrimLowPercentile', p.weightTrimLowPercentile);
  const thi = num('weightTrimHighPercentile', p.weightTrimHighPercentile, true);
  if (thi && p.weightTrimHighPercentile > 100) add('param.share_range', 'weightTrimHighPercentile', 'weightTrimHighPercentile is a percentile: at most 100');
  if (tlo && thi && p.weightTrimLowPercentile >= p.weightTrimHighPercentile) add('param.order', 'weightTrimLowPercentile', 'weightTrimLowPercentile must be below weightTrimHighPercentile');
  if (num('weightMinGroupCases', p.weightMinGroupCases, true) && !Number.isInteger(p.weightMinGroupCases)) {
    add('param.not_number', 'weightMinGroupCases', 'weightMinGroupCases must be a whole number');
  }
  const known = drgCodes ? new Set(drgCodes) : null;
  for (const [code, v] of Object.entries(p.drgWeightOverrides ?? {})) {
    const field = `drgWeightOverrides.${code}`;
    if (known && !known.has(code.trim().toUpperCase())) add('param.unknown_drg', field, `no DRG ${code} in the ruleset`);
    num(field, v, true);
  }
  return problems;
}
