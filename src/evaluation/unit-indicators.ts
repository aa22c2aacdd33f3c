// §5 indicators of each evaluated unit and period, from the kernel's per-slice sums: no per-case loop here.
// A value that cannot be computed is NaN inside with an explicit reason code beside it, never a bare NaN.
import { EVALUATION_INDICATORS, INDICATOR_ALIASES, type IndicatorInfo } from '../scenario/composite-presets.ts';
import { NA_REASONS, naReasonText, type FormulaLocale, type NaReason } from '../scenario/formula-evaluator.ts';
import { S, SLICE_FIELDS } from './evaluation-layout.ts';
import { RISK_CLASS } from './risk-classes.ts';

/**
 * Why a value is n/a; index 0 = a valid value. The formula evaluator's reasons (NA_REASONS) follow the
 * indicator ones under the same names, so one reason column serves indicators, composites and changes.
 */
export const EVALUATION_NA_REASONS = [
  'ok',
  'no-grouped-cases', // CMI, the indices: the unit has cases but none grouped
  'no-weights', // 总权重, CMI: the ruleset gives no DRG a weight
  'no-reference', // an index: none of the unit's grouped cases has a reference mean (benchmark lacks its DRGs)
  'no-risk-classes', // the death rates: no DRG of the reference has a death, so no group is low-risk
  'no-low-risk-cases', // 低风险组死亡率: the unit has no case in a low-risk group
  'no-mid-low-risk-cases',
  'not-in-period', // year-on-year: the unit has no case in one of the two periods
  'zero-base', // year-on-year change rate: the earlier value is 0
  ...NA_REASONS.slice(1),
] as const;
export type EvaluationNaReason = (typeof EVALUATION_NA_REASONS)[number];
export const NA: Readonly<Record<EvaluationNaReason, number>> = Object.fromEntries(EVALUATION_NA_REASONS.map((r, i) => [r, i])) as Record<EvaluationNaReason, number>;

/** The evaluation's own reasons; the formula language's (after them in EVALUATION_NA_REASONS) keep their texts. */
const NA_TEXT: Partial<Record<EvaluationNaReason, Record<FormulaLocale, string>>> = {
  'no-grouped-cases': { en: 'no grouped cases', 'zh-CN': '无入组病例' },
  'no-weights': { en: 'the ruleset has no DRG weights', 'zh-CN': '分组方案未提供权重' },
  'no-reference': { en: 'no reference mean for its DRGs', 'zh-CN': '所涉病组无参照均值' },
  'no-risk-classes': { en: 'no deaths in the reference, so no risk classes', 'zh-CN': '参照人群无死亡病例，无法划分风险等级' },
  'no-low-risk-cases': { en: 'no cases in low-risk groups', 'zh-CN': '无低风险组病例' },
  'no-mid-low-risk-cases': { en: 'no cases in mid-low-risk groups', 'zh-CN': '无中低风险组病例' },
  'not-in-period': { en: 'no cases in that period', 'zh-CN': '该期间无病例' },
  'zero-base': { en: 'the earlier value is 0', 'zh-CN': '基期值为 0' },
};

export function evaluationNaText(reason: number, locale: FormulaLocale): string {
  const key = EVALUATION_NA_REASONS[reason] ?? 'missing-value';
  return NA_TEXT[key]?.[locale] ?? naReasonText(key as NaReason, locale);
}

/** "n/a (why)" / "无法计算（原因）" for a cell whose reason is not 0. */
export function evaluationNaCell(reason: number, locale: FormulaLocale): string {
  const why = evaluationNaText(reason || NA['missing-value'], locale);
  return locale === 'zh-CN' ? `无法计算（${why}）` : `n/a (${why})`;
}

/** Indicators beyond the formula language's §5 set that the table shows and formulas may also use. */
export const EXTRA_INDICATORS: readonly IndicatorInfo[] = [
  { name: '死亡人数', alias: 'deaths', en: 'Deaths', unit: 'count' },
  { name: '次均费用', alias: 'mean_cost', en: 'Mean cost per case (yuan)', unit: 'index' },
  { name: '平均住院日', alias: 'mean_los', en: 'Mean LOS (days)', unit: 'index' },
];

/** Every indicator column of an evaluation table, in display order. */
export const TABLE_INDICATORS: readonly IndicatorInfo[] = (() => {
  const byName = new Map([...EVALUATION_INDICATORS, ...EXTRA_INDICATORS].map((i) => [i.name, i]));
  const order = ['病例数', '入组病例数', '入组率', 'DRG组数', '总权重', 'CMI', '时间消耗指数', '费用消耗指数',
    '次均费用', '平均住院日', '死亡人数', '低风险组病例数', '低风险组死亡人数', '低风险组死亡率',
    '中低风险组病例数', '中低风险组死亡人数', '中低风险组死亡率'];
  const known = new Set(order);
  return [...order.map((n) => byName.get(n)!), ...[...byName.values()].filter((i) => !known.has(i.name))];
})();

export const TABLE_INDICATOR_ALIASES: ReadonlyMap<string, string> = new Map([...INDICATOR_ALIASES, ...EXTRA_INDICATORS.map((i) => [i.alias, i.name] as const)]);

/** One column of values with its reasons: values[i] is NaN exactly where reasons[i] ≠ 0. */
export interface ValueColumn {
  values: Float64Array;
  reasons: Uint8Array;
}

/** What the per-unit sums alone do not say. */
export interface IndicatorContext {
  /** Some grouped DRG of the ruleset has a weight > 0. */
  hasWeights: boolean;
  /** Some DRG of the reference has a death (μ and σ exist). */
  hasRiskClasses: boolean;
}

/** Per slice, the counts the table shows beside the indicators so a reader sees what each one covers. */
export interface SliceCoverage {
  /** Grouped cases whose DRG has a reference mean LOS / cost (the cases inside the time / cost index). */
  timeIndexCases: Float64Array;
  costIndexCases: Float64Array;
  /** Grouped cases whose DRG has no weight (they add 0 to 总权重 but count in CMI's denominator). */
  unweightedCases: Float64Array;
}

/**
 * The §5 indicators of the slices `rows` (in that order) from SLICE_FIELDS sums per slice:
 * 入组率 = grouped ÷ cases; CMI = 总权重 ÷ grouped; 时间/费用消耗指数 = Σ (x ÷ reference mean of the case's DRG)
 * ÷ cases with a reference (= Σ_g n_g·(x̄_unit,g ÷ x̄_ref,g) ÷ Σ_g n_g); 低/中低风险组死亡率 = deaths ÷ cases of
 * the unit in class-1 / class-2 groups.
 */
export function indicatorsFromSums(sums: Float64Array, rows: ArrayLike<number>, ctx: IndicatorContext): { columns: Map<string, ValueColumn>; coverage: SliceCoverage } {
  const m = rows.length;
  const columns = new Map<string, ValueColumn>();
  const make = (name: string): ValueColumn => {
    const c = { values: new Float64Array(m), reasons: new Uint8Array(m) };
    columns.set(name, c);
    return c;
  };
  const cols = Object.fromEntries(TABLE_INDICATORS.map((i) => [i.name, make(i.name)])) as Record<string, ValueColumn>;
  const coverage: SliceCoverage = { timeIndexCases: new Float64Array(m), costIndexCases: new Float64Array(m), unweightedCases: new Float64Array(m) };
  const set = (name: string, r: number, value: number, reason = 0) => {
    const c = cols[name]!;
    if (reason === 0 && !Number.isFinite(value)) reason = NA['missing-value'];
    c.reasons[r] = reason;
    c.values[r] = reason ? NaN : value;
  };
  const ratio = (name: string, r: number, num: number, den: number, whenZero: number) => set(name, r, num / den, den > 0 ? 0 : whenZero);
  for (let r = 0; r < m; r++) {
    const o = rows[r]! * SLICE_FIELDS;
    const f = (k: number) => sums[o + k]!;
    const cases = f(S.CASES), grouped = f(S.GROUPED);
    set('病例数', r, cases);
    set('入组病例数', r, grouped);
    ratio('入组率', r, grouped, cases, NA['missing-value']);
    set('DRG组数', r, f(S.DRGS));
    set('总权重', r, f(S.WEIGHT), ctx.hasWeights ? 0 : NA['no-weights']);
    ratio('CMI', r, f(S.WEIGHT), grouped, ctx.hasWeights ? NA['no-grouped-cases'] : NA['no-weights']);
    if (!ctx.hasWeights) set('CMI', r, NaN, NA['no-weights']);
    const noRef = grouped > 0 ? NA['no-reference'] : NA['no-grouped-cases'];
    ratio('时间消耗指数', r, f(S.LOS_RATIO), f(S.LOS_REF_CASES), noRef);
    ratio('费用消耗指数', r, f(S.COST_RATIO), f(S.COST_REF_CASES), noRef);
    ratio('次均费用', r, f(S.COST), cases, NA['missing-value']);
    ratio('平均住院日', r, f(S.LOS), cases, NA['missing-value']);
    set('死亡人数', r, f(S.DEATHS));
    for (const [k, label, none] of [[RISK_CLASS.low, '低风险组', NA['no-low-risk-cases']], [RISK_CLASS.midLow, '中低风险组', NA['no-mid-low-risk-cases']]] as const) {
      const n = f(S.CLASS_CASES + k), d = f(S.CLASS_DEATHS + k);
      set(`${label}病例数`, r, n);
      set(`${label}死亡人数`, r, d);
      if (!ctx.hasRiskClasses) set(`${label}死亡率`, r, NaN, NA['no-risk-classes']);
      else ratio(`${label}死亡率`, r, d, n, none);
    }
    coverage.timeIndexCases[r] = f(S.LOS_REF_CASES);
    coverage.costIndexCases[r] = f(S.COST_REF_CASES);
    coverage.unweightedCases[r] = grouped - f(S.WEIGHTED);
  }
  return { columns, coverage };
}
