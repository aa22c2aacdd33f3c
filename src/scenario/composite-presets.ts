// The §5 evaluation indicators the formula language knows, and the composite-score presets (seed 004).
// Presets are plain formula texts a scenario stores and the user edits; nothing here computes a score.
import type { FormulaEnvironment, RatioDefinition } from './formula-evaluator.ts';

export interface IndicatorInfo {
  /** Canonical name, as formulas and input columns spell it. */
  name: string;
  /** ASCII spelling accepted in formulas. */
  alias: string;
  en: string;
  /** What one value means; rates are fractions (0.005 = 0.5 %). */
  unit: 'count' | 'weight' | 'fraction' | 'index';
  /** Ratio indicators say what they divide, so pooled(…) can combine them over peers. */
  ratio?: RatioDefinition;
}

export const EVALUATION_INDICATORS: readonly IndicatorInfo[] = [
  { name: 'DRG组数', alias: 'drg_count', en: 'DRGs covered', unit: 'count' },
  { name: '总权重', alias: 'total_weight', en: 'Total weight', unit: 'weight' },
  { name: 'CMI', alias: 'cmi', en: 'Case-mix index', unit: 'weight', ratio: { numerator: '总权重', denominator: '入组病例数' } },
  { name: '病例数', alias: 'cases', en: 'Cases', unit: 'count' },
  { name: '入组病例数', alias: 'grouped_cases', en: 'Grouped cases', unit: 'count' },
  { name: '入组率', alias: 'grouping_rate', en: 'Grouping rate', unit: 'fraction', ratio: { numerator: '入组病例数', denominator: '病例数' } },
  { name: '时间消耗指数', alias: 'time_index', en: 'Time consumption index', unit: 'index' },
  { name: '费用消耗指数', alias: 'cost_index', en: 'Cost consumption index', unit: 'index' },
  { name: '低风险组病例数', alias: 'low_risk_cases', en: 'Low-risk group cases', unit: 'count' },
  { name: '低风险组死亡人数', alias: 'low_risk_deaths', en: 'Low-risk group deaths', unit: 'count' },
  { name: '低风险组死亡率', alias: 'low_risk_mortality', en: 'Low-risk group mortality', unit: 'fraction', ratio: { numerator: '低风险组死亡人数', denominator: '低风险组病例数' } },
  { name: '中低风险组病例数', alias: 'mid_low_risk_cases', en: 'Mid-low-risk group cases', unit: 'count' },
  { name: '中低风险组死亡人数', alias: 'mid_low_risk_deaths', en: 'Mid-low-risk group deaths', unit: 'count' },
  { name: '中低风险组死亡率', alias: 'mid_low_risk_mortality', en: 'Mid-low-risk group mortality', unit: 'fraction', ratio: { numerator: '中低风险组死亡人数', denominator: '中低风险组病例数' } },
];

export const INDICATOR_ALIASES: ReadonlyMap<string, string> = new Map(EVALUATION_INDICATORS.map((i) => [i.alias, i.name]));
export const INDICATOR_RATIOS: ReadonlyMap<string, RatioDefinition> = new Map(EVALUATION_INDICATORS.flatMap((i) => (i.ratio ? [[i.name, i.ratio] as const] : [])));

/** The environment for compiling against the §5 indicators (or only those a data set supplies). */
export function evaluationEnvironment(available: Iterable<string> = EVALUATION_INDICATORS.map((i) => i.name)): FormulaEnvironment {
  return { indicators: available, aliases: INDICATOR_ALIASES, ratios: INDICATOR_RATIOS };
}

/** English labels for the preset formula names (the names themselves are Chinese). */
export const FORMULA_LABELS: ReadonlyMap<string, { zh: string; en: string }> = new Map(
  (
    [
      ['广度', 'Scope'],
      ['难度', 'Difficulty'],
      ['产出', 'Output'],
      ['产能', 'Capacity'],
      ['效率', 'Efficiency'],
      ['低风险死亡得分', 'Low-risk death score'],
      ['中低风险死亡得分', 'Mid-low-risk death score'],
      ['安全', 'Safety'],
      ['综合得分', 'Composite score'],
    ] as const
  ).map(([zh, en]) => [zh, { zh, en }]),
);

/** What a scenario stores for its formulas: a preset copied, then edited freely. */
export interface FormulaSet {
  id: string;
  label: { zh: string; en: string };
  text: string;
}

// The death scores read the seed literally: 1 at rate 0, −0.1 per 0.05 percentage points (low risk) or
// per 0.25 points (mid-low), floor 0. We take the fall as linear; a stepwise reading would round the
// steps down, and both give 0 at a 0.5 % low-risk rate (§12).
const SHARED_PARTS = `# 产能 = 广度 × 难度 × 产出（同类相乘，异类相加）
广度 = DRG组数 ÷ mean(DRG组数)
难度 = CMI ÷ pooled(CMI)            # pooled(CMI) = 同类单元合计总权重 ÷ 合计入组病例数
产出 = 总权重 ÷ mean(总权重)
# 死亡得分：死亡率为 0 时得 1 分，低风险组每 0.05 个百分点扣 0.1，中低风险组每 0.25 个百分点扣 0.1，最低 0 分
低风险死亡得分 = max(0, 1 − 0.1 × 低风险组死亡率 ÷ 0.05%)
中低风险死亡得分 = max(0, 1 − 0.1 × 中低风险组死亡率 ÷ 0.25%)`;

/** Seed 004 as shipped (§5): products within a dimension, the sum across. */
export const SEED_COMPOSITE: FormulaSet = {
  id: 'seed-004-product',
  label: { zh: '综合评分（乘积，默认）', en: 'Composite score (product, default)' },
  text: `${SHARED_PARTS}
产能 = 广度 × 难度 × 产出
效率 = (1 ÷ 时间消耗指数) × (1 ÷ 费用消耗指数)
安全 = 低风险死亡得分 × 中低风险死亡得分
综合得分 = 产能 + 效率 + 安全
`,
};

/** The root reading of the damaged seed: each dimension the geometric mean of its parts, the sum across. */
export const GEOMETRIC_COMPOSITE: FormulaSet = {
  id: 'seed-004-geometric',
  label: { zh: '综合评分（几何平均）', en: 'Composite score (geometric mean)' },
  text: `${SHARED_PARTS}
产能 = cbrt(广度 × 难度 × 产出)
效率 = sqrt((1 ÷ 时间消耗指数) × (1 ÷ 费用消耗指数))
安全 = sqrt(低风险死亡得分 × 中低风险死亡得分)
综合得分 = 产能 + 效率 + 安全
`,
};

export const COMPOSITE_PRESETS: readonly FormulaSet[] = [SEED_COMPOSITE, GEOMETRIC_COMPOSITE];

/** The name of the formula a composite preset ends with — the score to rank by. */
export const COMPOSITE_NAME = '综合得分';
