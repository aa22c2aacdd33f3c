// §5 evaluation indicators by unit and period, on hand-built cases run through the Wasm kernel and the
// TypeScript reference (the two tables must be equal): the §12 facts, risk classes at their boundaries,
// consumption indices against the population and a benchmark, drill-down peers, year-on-year, bad input.
import { beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisColumns } from '../../src/engine/case-columns.ts';
import type { UnitLevel } from '../../src/evaluation/unit-levels.ts';
import {
  evaluate, evaluateWith, type AnalysisInput, type EvaluationRequest, type EvaluationRuleset, type EvaluationTable,
} from '../../src/engine/engine-evaluation.ts';
import { EngineFailure } from '../../src/shared/errors.ts';
import { loadCoreModule } from '../../src/engine/node/engine-node.ts';
import { ReferenceEvaluationKernels } from '../../src/engine/reference/evaluation.ts';
import { WasmCore } from '../../src/engine/wasm-core.ts';
import { parseBenchmarkCsv, type BenchmarkTable } from '../../src/evaluation/benchmark-table.ts';
import { compositeScores } from '../../src/evaluation/composite-scores.ts';
import type { EvalCaseArrays } from '../../src/evaluation/evaluation-layout.ts';
import { parsePeriodLabel, periodLabel } from '../../src/evaluation/periods.ts';
import { riskClasses, riskClassOf } from '../../src/evaluation/risk-classes.ts';
import {
  EVALUATION_NA_REASONS, evaluationNaCell, TABLE_INDICATORS, type EvaluationNaReason, type ValueColumn,
} from '../../src/evaluation/unit-indicators.ts';
import { COMPOSITE_NAME, SEED_COMPOSITE } from '../../src/scenario/composite-presets.ts';

let core: WasmCore;
beforeAll(async () => {
  core = new WasmCore(await loadCoreModule());
});

// ----- hand-built cases --------------------------------------------------------------------------------

interface HandCase {
  h?: string;
  d?: string;
  w?: string | null;
  p?: string | null;
  /** ISO discharge date (default 2023-03-15). */
  day?: string;
  los?: number;
  cost?: number;
  death?: boolean;
  /** DRG code, or null = ungrouped (0000). */
  drg: string | null;
}

interface HandDrg { code: string; weight?: number; ambiguous?: boolean }

interface Built {
  analysis: AnalysisInput;
  arrays: EvalCaseArrays;
  labels: Record<UnitLevel, string[]>;
}

function build(cases: HandCase[], drgs: HandDrg[]): Built {
  const labels: Record<UnitLevel, string[]> = { hospital: [], department: [], ward: [], physician: [] };
  const idOf = (level: UnitLevel, label: string | null | undefined): number => {
    if (label === null || label === undefined) return -1;
    let id = labels[level].indexOf(label);
    if (id < 0) id = labels[level].push(label) - 1;
    return id;
  };
  const drgId = new Map(drgs.map((d, g) => [d.code, g]));
  const n = cases.length;
  const arrays: EvalCaseArrays = {
    n,
    hospital: Int32Array.from(cases, (c) => idOf('hospital', c.h ?? 'H1')),
    department: Int32Array.from(cases, (c) => idOf('department', c.d ?? '内科')),
    ward: Int32Array.from(cases, (c) => idOf('ward', c.w === undefined ? '一病区' : c.w)),
    physician: Int32Array.from(cases, (c) => idOf('physician', c.p === undefined ? '张医生' : c.p)),
    dischargeDay: Int32Array.from(cases, (c) => Date.parse(`${c.day ?? '2023-03-15'}T00:00:00Z`) / 86_400_000),
    los: Int32Array.from(cases, (c) => c.los ?? 5),
    totalCost: Float64Array.from(cases, (c) => c.cost ?? 10_000),
    dischargeStatus: Int32Array.from(cases, (c) => (c.death ? 5 : 1)),
    drg: Int32Array.from(cases, (c) => (c.drg === null ? -1 : drgId.get(c.drg)!)),
  };
  const unit = (level: UnitLevel) => ({ ids: core.placeI32(arrays[level]), labels: labels[level] });
  const columns: AnalysisColumns = {
    n, hospital: unit('hospital'), department: unit('department'), ward: unit('ward'), physician: unit('physician'),
    hospitalLevel: core.placeI32(new Int32Array(n).fill(3)), insuranceType: { ids: core.placeI32(new Int32Array(n).fill(-1)), labels: [] },
    dischargeDay: core.placeI32(arrays.dischargeDay), los: core.placeI32(arrays.los), totalCost: core.placeF64(arrays.totalCost),
    dischargeStatus: core.placeI32(arrays.dischargeStatus),
  };
  const compiled: EvaluationRuleset = {
    strings: { drgCodes: drgs.map((d) => d.code) },
    tables: {
      drgWeight: Float64Array.from(drgs, (d) => d.weight ?? NaN),
      drgAmbiguous: Uint8Array.from(drgs, (d) => (d.ambiguous ? 1 : 0)),
    },
  };
  return { analysis: { columns, grouped: { drg: core.placeI32(arrays.drg), dipGroup: core.placeI32(new Int32Array(n).fill(-1)) }, compiled }, arrays, labels };
}

/** Every value column of a table: NaN exactly where a reason is given, and the reason is a known one. */
function expectExplicitNa(t: EvaluationTable): void {
  const check = (what: string, c: ValueColumn) => {
    for (let i = 0; i < c.values.length; i++) {
      expect(Number.isNaN(c.values[i]) === (c.reasons[i] !== 0), `${what}[${i}]`).toBe(true);
      expect(EVALUATION_NA_REASONS[c.reasons[i]!], `${what}[${i}]`).toBeDefined();
    }
  };
  for (const c of t.indicators) check(c.name, c);
  for (const f of t.composite.formulas) check(f.name, f);
  for (const c of t.comparison?.columns ?? []) for (const k of ['a', 'b', 'delta', 'change'] as const) check(`${c.name}.${k}`, c[k]);
}

/** Evaluates with the Wasm kernel and with the reference; both tables must be equal. */
function run(b: Built, request: EvaluationRequest): EvaluationTable {
  const wasm = evaluate(core, b.analysis, request);
  const ref = evaluateWith(new ReferenceEvaluationKernels(b.arrays), b.arrays.n, b.labels, b.analysis.compiled, request);
  expect(wasm).toEqual(ref);
  expectExplicitNa(wasm);
  return wasm;
}

function rowOf(t: EvaluationTable, unit: string, period?: string): number {
  const r = t.unit.findIndex((u, i) => u === unit && (period === undefined || t.period[i] === period));
  if (r < 0) throw new Error(`no row ${unit} ${period ?? ''} in ${t.unit.join(', ')}`);
  return r;
}

function column(t: EvaluationTable, name: string): ValueColumn {
  const c = t.indicators.find((x) => x.name === name) ?? t.composite.formulas.find((x) => x.name === name);
  if (!c) throw new Error(`no column ${name}`);
  return c;
}

/** A value, or 'n/a <reason>'. */
function v(t: EvaluationTable, name: string, unit: string, period?: string): number | string {
  const c = column(t, name);
  const r = rowOf(t, unit, period);
  return c.reasons[r] ? `n/a ${EVALUATION_NA_REASONS[c.reasons[r]!]}` : c.values[r]!;
}

const many = (k: number, c: HandCase): HandCase[] => Array.from({ length: k }, () => ({ ...c }));

// ----- §12 -------------------------------------------------------------------------------------------------

describe('§12 checkable facts', () => {
  it('§12 tumour hospital 2017 H1: 247 DRGs, total weight 28,456.4 over 30,155 grouped cases → CMI 0.94', () => {
    // DRG D000: 100 cases at RW 14.069; D001…D246: 30,055 cases at RW 0.9 (43 of them 123 cases, the rest 122).
    // Σ RW = 1,406.9 + 27,049.5 = 28,456.4. Plus 345 ungrouped cases and 10 cases discharged in July.
    const drgs: HandDrg[] = Array.from({ length: 247 }, (_, g) => ({ code: `D${String(g).padStart(3, '0')}`, weight: g === 0 ? 14.069 : 0.9 }));
    const cases: HandCase[] = [];
    const months = ['01', '02', '03', '04', '05', '06'];
    const add = (k: number, drg: string | null) => {
      for (let i = 0; i < k; i++) cases.push({ h: '肿瘤医院', drg, day: `2017-${months[cases.length % 6]}-15` });
    };
    add(100, 'D000');
    for (let g = 1; g < 247; g++) add(g <= 43 ? 123 : 122, drgs[g]!.code);
    add(345, null);
    for (let i = 0; i < 10; i++) cases.push({ h: '肿瘤医院', drg: 'D001', day: '2017-07-01' });
    const t = run(build(cases, drgs), { level: 'hospital', period: 'half' });
    expect(t.period).toEqual(['2017H1', '2017H2']);
    expect(v(t, 'DRG组数', '肿瘤医院', '2017H1')).toBe(247);
    expect(v(t, '入组病例数', '肿瘤医院', '2017H1')).toBe(30_155);
    expect(v(t, '病例数', '肿瘤医院', '2017H1')).toBe(30_500);
    expect(v(t, '入组率', '肿瘤医院', '2017H1')).toBeCloseTo(30_155 / 30_500, 14);
    expect(v(t, '总权重', '肿瘤医院', '2017H1')).toBeCloseTo(28_456.4, 6); // 30,155 additions in row order
    const cmi = v(t, 'CMI', '肿瘤医院', '2017H1') as number;
    expect(cmi).toBeCloseTo(28_456.4 / 30_155, 12);
    expect(cmi.toFixed(2)).toBe('0.94');
    expect(v(t, '病例数', '肿瘤医院', '2017H2')).toBe(10);
  });

  it('§12 physician composites: capacity 4.56 + efficiency 1.52 + safety 1.00 = 7.08 and 2.96 + 0.98 + 1.00 = 4.94, from their sub-scores over their peers', () => {
    // Four physicians of one department and month are peers; a second period's rows must not move their scores.
    // DRG组数 60/40/50/50 (mean 50): 广度 1.2, 0.8. 总权重 190/185/15/10 (mean 100): 产出 1.9, 1.85.
    // Cases 190/185/225/200: pooled CMI = 400 ÷ 800 = 0.5, CMI a = b = 1.0, so 难度 = 2 for both.
    // 产能 a = 1.2 × 2 × 1.9 = 4.56; b = 0.8 × 2 × 1.85 = 2.96. 效率 = 1 ÷ T ÷ C with T·C = 1/1.52 and 1/0.98.
    const peers = { DRG组数: [60, 40, 50, 50], 总权重: [190, 185, 15, 10], 入组病例数: [190, 185, 225, 200] };
    const other = { DRG组数: [5, 500], 总权重: [1, 9000], 入组病例数: [10, 900] };
    const col = (name: string, values: number[]): [string, ValueColumn] => [name, { values: Float64Array.from(values), reasons: new Uint8Array(values.length) }];
    const rows = (f: (i: number) => number) => [0, 1, 2, 3, 4, 5].map(f);
    const columns = new Map([
      col('DRG组数', [...peers.DRG组数, ...other.DRG组数]),
      col('总权重', [...peers.总权重, ...other.总权重]),
      col('入组病例数', [...peers.入组病例数, ...other.入组病例数]),
      col('CMI', rows((i) => [...peers.总权重, ...other.总权重][i]! / [...peers.入组病例数, ...other.入组病例数][i]!)),
      col('时间消耗指数', rows((i) => [0.8, 1, 1, 1, 1, 1][i]!)),
      col('费用消耗指数', rows((i) => [1 / (1.52 * 0.8), 1 / 0.98, 1, 1, 1, 1][i]!)),
      col('低风险组死亡率', rows(() => 0)),
      col('中低风险组死亡率', rows(() => 0)),
    ]);
    const s = compositeScores(SEED_COMPOSITE.text, columns, Int32Array.of(0, 0, 0, 0, 1, 1));
    expect(s.errors).toEqual([]);
    const get = (name: string, i: number) => s.formulas.find((f) => f.name === name)!.values[i]!;
    expect([get('难度', 0), get('难度', 1)]).toEqual([2, 2]);
    expect(get('产能', 0)).toBeCloseTo(4.56, 12);
    expect(get('产能', 1)).toBeCloseTo(2.96, 12);
    expect(get('效率', 0)).toBeCloseTo(1.52, 12);
    expect(get('效率', 1)).toBeCloseTo(0.98, 12);
    expect([get('安全', 0), get('安全', 1)]).toEqual([1, 1]);
    expect(get(COMPOSITE_NAME, 0)).toBeCloseTo(7.08, 12);
    expect(get(COMPOSITE_NAME, 1)).toBeCloseTo(4.94, 12);
    expect(s.formulas.find((f) => f.name === COMPOSITE_NAME)!.label).toEqual({ zh: '综合得分', en: 'Composite score' });
  });

  // Five DRGs with deaths (mortality 0.0025, 0.02, 0.1, 0.2, 0.5): ln μ = −2.90, σ = 1.87, so L is 低风险 (class 1)
  // and M0 中低风险 (class 2). 外科: 1,000 L cases with 5 deaths (0.5 %), 50 M0 with 1; 内科: 1,000 L, no death, 50 M0 with 1.
  const safetyCases = (): HandCase[] => [
    ...many(5, { d: '外科', drg: 'L', death: true }), ...many(995, { d: '外科', drg: 'L' }),
    ...many(1000, { d: '内科', drg: 'L' }),
    ...many(1, { d: '外科', drg: 'M0', death: true }), ...many(49, { d: '外科', drg: 'M0' }),
    ...many(1, { d: '内科', drg: 'M0', death: true }), ...many(49, { d: '内科', drg: 'M0' }),
    ...many(10, { d: '内科', drg: 'M1', death: true }), ...many(90, { d: '内科', drg: 'M1' }),
    ...many(20, { d: '外科', drg: 'M2', death: true }), ...many(80, { d: '外科', drg: 'M2' }),
    ...many(50, { d: '内科', drg: 'H', death: true }), ...many(50, { d: '内科', drg: 'H' }),
  ];
  const safetyDrgs: HandDrg[] = ['L', 'M0', 'M1', 'M2', 'H'].map((code) => ({ code, weight: 1 }));

  it('§12 a department with low-risk death rate 0.5 % gets low-risk death score 0 and safety 0', () => {
    const t = run(build(safetyCases(), safetyDrgs), { level: 'department', period: 'all' });
    expect(Array.from(t.reference.drgs.riskClass)).toEqual([4, 1, 2, 3, 3]); // H ≥ μ + σ = −1.03
    expect(t.reference.drgs.code).toEqual(['H', 'L', 'M0', 'M1', 'M2']);
    expect(v(t, '低风险组死亡率', '外科')).toBe(0.005);
    expect(v(t, '低风险组病例数', '外科')).toBe(1000);
    expect(v(t, '中低风险组死亡率', '外科')).toBe(0.02);
    expect(v(t, '低风险死亡得分', '外科')).toBe(0);
    expect(v(t, '安全', '外科')).toBe(0);
    expect(v(t, '低风险组死亡率', '内科')).toBe(0);
    expect(v(t, '低风险死亡得分', '内科')).toBe(1);
    expect(v(t, '中低风险死亡得分', '内科') as number).toBeCloseTo(0.2, 12); // 0.02 = 8 steps of 0.25 points
    expect(v(t, '安全', '内科') as number).toBeCloseTo(0.2, 12);
  });

  it('§5 a unit with no case in low-risk groups: the rate is n/a in the table; formulas read it as 0 (death score 1) unless asked for n/a', () => {
    const cases = [...safetyCases(), ...many(30, { d: '眼科', drg: 'E' })]; // E has no death: class 0
    const drgs = [...safetyDrgs, { code: 'E', weight: 0.8 }];
    const t = run(build(cases, drgs), { level: 'department', period: 'all' });
    expect(t.request.deathRateWithoutCases).toBe('zero');
    expect(v(t, '低风险组死亡率', '眼科')).toBe('n/a no-low-risk-cases');
    expect(v(t, '中低风险组死亡率', '眼科')).toBe('n/a no-mid-low-risk-cases');
    expect([v(t, '低风险死亡得分', '眼科'), v(t, '中低风险死亡得分', '眼科'), v(t, '安全', '眼科')]).toEqual([1, 1, 1]);
    expect(typeof v(t, COMPOSITE_NAME, '眼科')).toBe('number');
    expect(v(t, '安全', '外科')).toBe(0);
    const strict = run(build(cases, drgs), { level: 'department', period: 'all', deathRateWithoutCases: 'na' });
    expect([v(strict, '安全', '眼科'), v(strict, COMPOSITE_NAME, '眼科')]).toEqual(['n/a missing-value', 'n/a missing-value']);
    expect(v(strict, '安全', '外科')).toBe(0);
  });
});

// ----- §5 risk classes ---------------------------------------------------------------------------------------

describe('§5 mortality risk classes', () => {
  // x = ln m over ten DRGs with deaths is μ + σ·y with y = −2, −1, 0 (six times), 1, 2: mean 0 and population
  // standard deviation 1 exactly. With m = 2^(y − 6): μ = −6 ln 2, σ = ln 2. One more DRG has no death.
  const ys = [-2, -1, 0, 0, 0, 0, 0, 0, 1, 2];
  const cases = ys.map((y) => 2 ** (6 - y)); // 256 cases with 1 death → m = 2^−8, …
  const classCases = (): HandCase[] => ys.flatMap((_, g) => [
    { drg: `G${g}`, death: true, d: g === 0 ? '甲科' : '乙科' },
    ...many(cases[g]! - 1, { drg: `G${g}`, d: g === 1 ? '甲科' : '乙科' }),
  ]).concat(many(40, { drg: 'Z', d: '甲科' }));
  const classDrgs: HandDrg[] = [...ys.map((_, g) => ({ code: `G${g}`, weight: 1 })), { code: 'Z', weight: 1 }];

  it('§5 boundaries exactly at μ − σ and μ: a group at μ − σ is 中低风险 (2), at μ 中高风险 (3), at μ + σ 高风险 (4)', () => {
    const deaths = [...ys.map(() => 1), 0];
    const r = riskClasses([...cases, 40], deaths, deaths.map(() => 1));
    expect(r.mu).toBeCloseTo(-6 * Math.LN2, 12);
    expect(r.sigma).toBeCloseTo(Math.LN2, 12);
    expect(Array.from(r.classOf)).toEqual([1, 2, 3, 3, 3, 3, 3, 3, 4, 4, 0]);
    expect(r.groups).toEqual([1, 1, 1, 6, 2]);
    // the rule itself, on and beside each boundary
    expect([riskClassOf(-1.000001, 0, 1), riskClassOf(-1, 0, 1), riskClassOf(-1e-6, 0, 1), riskClassOf(0, 0, 1)]).toEqual([1, 2, 2, 3]);
    expect([riskClassOf(0.999999, 0, 1), riskClassOf(1, 0, 1), riskClassOf(7, 0, 1)]).toEqual([3, 4, 4]);
    // rounding does not split equal rates: x a hair below μ − σ still counts as on it
    expect(riskClassOf(-1 - 1e-12, 0, 1)).toBe(2);
  });

  it('§5 the table carries the classes, and counts each unit\'s cases and deaths by the class of their DRG', () => {
    const t = run(build(classCases(), classDrgs), { level: 'department', period: 'all', formulas: '' });
    const ref = t.reference;
    expect(ref.drgs.code).toEqual([...ys.map((_, g) => `G${g}`), 'Z']);
    expect(Array.from(ref.drgs.riskClass)).toEqual([1, 2, 3, 3, 3, 3, 3, 3, 4, 4, 0]);
    expect(ref.boundaries!.lowMid).toBeCloseTo(2 ** -7, 14);
    expect(ref.boundaries!.mid).toBeCloseTo(2 ** -6, 14);
    // 甲科: the one death of G0 (class 1, 256 cases: 1 in 甲科) and 127 survivors of G1 (class 2; its death is in 乙科).
    expect([v(t, '低风险组病例数', '甲科'), v(t, '低风险组死亡人数', '甲科'), v(t, '低风险组死亡率', '甲科')]).toEqual([1, 1, 1]);
    expect([v(t, '中低风险组病例数', '甲科'), v(t, '中低风险组死亡人数', '甲科'), v(t, '中低风险组死亡率', '甲科')]).toEqual([127, 0, 0]);
    expect([v(t, '低风险组病例数', '乙科'), v(t, '低风险组死亡率', '乙科')]).toEqual([255, 0]);
    expect(v(t, '中低风险组死亡率', '乙科')).toBe(1);
  });
});

// ----- §5 consumption indices --------------------------------------------------------------------------------

describe('§5 time and cost consumption indices', () => {
  // Units A and B, DRGs X and Y. X: A has LOS 4, 6 and cost 1,000, 3,000; B has LOS 14, cost 4,000.
  // Y: A has LOS 3, cost 1,500; B has LOS 1, 2 and cost 600, 1,200.
  // Population means: X LOS 8, cost 8,000/3; Y LOS 2, cost 1,100.
  const twoByTwo = (): HandCase[] => [
    { d: 'A', drg: 'X', los: 4, cost: 1000 }, { d: 'A', drg: 'X', los: 6, cost: 3000 }, { d: 'A', drg: 'Y', los: 3, cost: 1500 },
    { d: 'B', drg: 'X', los: 14, cost: 4000 }, { d: 'B', drg: 'Y', los: 1, cost: 600 }, { d: 'B', drg: 'Y', los: 2, cost: 1200 },
  ];
  const xy: HandDrg[] = [{ code: 'X', weight: 1.5 }, { code: 'Y', weight: 0.5 }, { code: 'W', weight: 2 }, { code: 'XQY', ambiguous: true }];

  /** Σ_g n_g·(x̄_unit,g ÷ x̄_ref,g) ÷ Σ_g n_g, written out as §5 states it. */
  const byFormula = (unit: { n: number; mean: number }[], ref: number[]) =>
    unit.reduce((a, u, g) => a + u.n * (u.mean / ref[g]!), 0) / unit.reduce((a, u) => a + u.n, 0);

  it('§5 two units, two DRGs, the loaded population as reference: Σ n_g·(unit mean ÷ reference mean) ÷ Σ n_g', () => {
    const t = run(build(twoByTwo(), xy), { level: 'department', period: 'all', formulas: '' });
    const time = { A: byFormula([{ n: 2, mean: 5 }, { n: 1, mean: 3 }], [8, 2]), B: byFormula([{ n: 1, mean: 14 }, { n: 2, mean: 1.5 }], [8, 2]) };
    const cost = { A: byFormula([{ n: 2, mean: 2000 }, { n: 1, mean: 1500 }], [8000 / 3, 1100]), B: byFormula([{ n: 1, mean: 4000 }, { n: 2, mean: 900 }], [8000 / 3, 1100]) };
    expect(time.A).toBeCloseTo(11 / 12, 14); // (2 × 5/8 + 3/2) ÷ 3
    expect(time.B).toBeCloseTo(13 / 12, 14); // (14/8 + 2 × 1.5/2) ÷ 3
    for (const u of ['A', 'B'] as const) {
      expect(v(t, '时间消耗指数', u) as number).toBeCloseTo(time[u], 14);
      expect(v(t, '费用消耗指数', u) as number).toBeCloseTo(cost[u], 14);
    }
    expect((v(t, '费用消耗指数', 'A') as number).toFixed(4)).toBe('0.9545');
    expect((v(t, '费用消耗指数', 'B') as number).toFixed(4)).toBe('1.0455');
    // the whole population is average by construction
    const all = run(build(twoByTwo(), xy), { level: 'hospital', period: 'all', formulas: '' });
    expect(v(all, '时间消耗指数', 'H1') as number).toBeCloseTo(1, 14);
    expect(v(all, '费用消耗指数', 'H1') as number).toBeCloseTo(1, 14);
    expect(Array.from(t.coverage.timeIndexCases)).toEqual([3, 3]);
    expect(v(t, 'CMI', 'A') as number).toBeCloseTo((1.5 * 2 + 0.5) / 3, 14);
    expect(v(t, 'DRG组数', 'B')).toBe(2);
  });

  it('§5 ungrouped and ambiguity-group (xQY) cases stay outside 入组, CMI and the indices', () => {
    const cases = [...twoByTwo(), { d: 'A', drg: null, los: 30, cost: 90_000 }, { d: 'A', drg: 'XQY', los: 30, cost: 90_000 }];
    const t = run(build(cases, xy), { level: 'department', period: 'all', formulas: '' });
    expect([v(t, '病例数', 'A'), v(t, '入组病例数', 'A'), v(t, '入组率', 'A')]).toEqual([5, 3, 0.6]);
    expect(v(t, '时间消耗指数', 'A') as number).toBeCloseTo(11 / 12, 14);
    expect(v(t, 'CMI', 'A') as number).toBeCloseTo(3.5 / 3, 14);
    expect(v(t, '次均费用', 'A')).toBe((1000 + 3000 + 1500 + 180_000) / 5);
  });

  it('§5 against a benchmark table: DRGs it lacks are left out of numerator and denominator and counted; unknown and absent codes are reported', () => {
    const bench = parseBenchmarkCsv('DRG编码,平均住院日,次均费用\nX,5,2000\nW,9,9000\nZZ99,3,100\n', 'bench.csv');
    const cases = [...twoByTwo(), { d: 'C', drg: 'Y', los: 2, cost: 1000 }];
    const t = run(build(cases, xy), { level: 'department', period: 'all', benchmark: bench, formulas: '' });
    // X only: A (4/5 + 6/5) ÷ 2 = 1; B 14/5 = 2.8; costs A (0.5 + 1.5) ÷ 2 = 1, B 2.
    expect(v(t, '时间消耗指数', 'A')).toBe(1);
    expect(v(t, '时间消耗指数', 'B')).toBe(2.8);
    expect(v(t, '费用消耗指数', 'B')).toBe(2);
    expect(v(t, '时间消耗指数', 'C')).toBe('n/a no-reference');
    expect(Array.from(t.coverage.timeIndexCases)).toEqual([2, 1, 0]);
    expect(t.reference.kind).toBe('benchmark');
    expect(t.reference.unknownCodes).toEqual(['ZZ99']);
    expect(t.reference.absentFromData).toEqual(['W']);
    expect(t.reference.notInBenchmark).toEqual([{ code: 'Y', cases: 4, los: false, cost: false }]);
    const codes = t.messages.map((m) => m.code);
    expect(codes).toEqual(expect.arrayContaining(['evaluation.benchmark_unknown_drgs', 'evaluation.benchmark_absent_drgs', 'evaluation.benchmark_missing_drgs']));
    expect(t.messages.find((m) => m.code === 'evaluation.benchmark_missing_drgs')!.message).toContain('4 loaded cases');
    // risk classes still come from the loaded cases
    expect(t.reference.drgs.cases[t.reference.drgs.code.indexOf('Y')]).toBe(4);
  });
});

// ----- units, periods, peers ----------------------------------------------------------------------------------

describe('§5 units, periods and peers', () => {
  const drgs: HandDrg[] = ['A1', 'A2', 'A3', 'A4'].map((code, i) => ({ code, weight: 1 + i / 2 }));

  it('drill-down: the parent filter narrows the cases; peers are the units of the same parent and period', () => {
    const cases: HandCase[] = [
      // H1 2022: 内科 DRGs A1, A2; 外科 A1…A4. H1 2023: 内科 A1. H2 2022: 儿科 A1 (not a peer of H1's departments).
      { h: 'H1', d: '内科', drg: 'A1', day: '2022-05-01' }, { h: 'H1', d: '内科', drg: 'A2', day: '2022-06-01' },
      ...['A1', 'A2', 'A3', 'A4'].map((drg) => ({ h: 'H1', d: '外科', drg, day: '2022-07-01' })),
      { h: 'H1', d: '内科', drg: 'A1', day: '2023-01-10' },
      { h: 'H2', d: '儿科', drg: 'A1', day: '2022-01-10' },
    ];
    const text = '广度 = DRG组数 ÷ mean(DRG组数)\n份额 = 病例数 ÷ total(病例数)';
    const t = run(build(cases, drgs), { level: 'department', period: 'year', parent: { hospital: 'H1' }, formulas: text });
    expect(t.unit).toEqual(['内科', '外科', '内科']);
    expect(t.period).toEqual(['2022', '2022', '2023']);
    expect(t.peerGroups).toEqual(['2022', '2023']);
    expect(Array.from(t.peerGroup)).toEqual([0, 0, 1]);
    expect(v(t, '广度', '内科', '2022') as number).toBeCloseTo(2 / 3, 14); // mean of 2 and 4
    expect(v(t, '广度', '外科', '2022') as number).toBeCloseTo(4 / 3, 14);
    expect(v(t, '广度', '内科', '2023')).toBe(1);
    expect(v(t, '份额', '外科', '2022') as number).toBeCloseTo(4 / 6, 14);
    expect(t.totals).toEqual({ cases: 8, matched: 7, unassigned: 0 });
    // without the parent, 儿科 of H2 joins the 2022 peers
    const all = run(build(cases, drgs), { level: 'department', period: 'year', formulas: text });
    expect(v(all, '广度', '外科', '2022') as number).toBeCloseTo(4 / (7 / 3), 14);
  });

  it('wards and physicians are keyed within their hospital; cases without the unit are left out and counted', () => {
    const cases: HandCase[] = [
      { h: 'H1', d: '内科', p: '李医生', drg: 'A1' }, { h: 'H1', d: '外科', p: '李医生', drg: 'A2' },
      { h: 'H2', d: '内科', p: '李医生', drg: 'A1' }, { h: 'H1', d: '内科', p: null, w: null, drg: 'A1' },
    ];
    const t = run(build(cases, drgs), { level: 'physician', period: 'all', formulas: '' });
    expect(t.hospital).toEqual(['H1', 'H2']);
    expect(t.unit).toEqual(['李医生', '李医生']);
    expect(Array.from(column(t, '病例数').values)).toEqual([2, 1]);
    expect(t.totals).toEqual({ cases: 4, matched: 4, unassigned: 1 });
    expect(t.messages.map((m) => m.code)).toContain('evaluation.unassigned_cases');
    // drilling into 内科 of H1 leaves 李医生 his 内科 case only
    const inDept = run(build(cases, drgs), { level: 'physician', period: 'all', parent: { hospital: 'H1', department: '内科' }, formulas: '' });
    expect(Array.from(column(inDept, '病例数').values)).toEqual([1]);
    const wards = run(build(cases, drgs), { level: 'ward', period: 'all', formulas: '' });
    expect(wards.unit).toEqual(['一病区', '一病区']);
    expect(wards.totals.unassigned).toBe(1);
  });

  it('period labels: 2023, 2023H1, 2023Q1, 2023-01 and all, read back from common spellings', () => {
    expect([periodLabel(2023, 'year'), periodLabel(2023 * 2, 'half'), periodLabel(2023 * 4 + 2, 'quarter'), periodLabel(2023 * 12 + 11, 'month'), periodLabel(0, 'all')])
      .toEqual(['2023', '2023H1', '2023Q3', '2023-12', 'all']);
    for (const [text, kind, code] of [
      ['2023', 'year', 2023], ['2023年', 'year', 2023], ['2023H2', 'half', 4047], ['2023下半年', 'half', 4047], ['2023 q1', 'quarter', 8092],
      ['2023-01', 'month', 24276], ['2023/12', 'month', 24287], ['2023年3月', 'month', 24278], ['all', 'all', 0],
    ] as const) expect(parsePeriodLabel(text), text).toEqual({ kind, code });
    for (const bad of ['2023H3', '2023-13', 'Q1', 'last year']) expect(parsePeriodLabel(bad), bad).toBeNull();
  });

  it('year-on-year: the same table for two periods with differences and change rates', () => {
    const cases: HandCase[] = [
      ...many(4, { d: '内科', drg: 'A1', day: '2022-03-01', cost: 8000 }), ...many(4, { d: '内科', drg: 'A3', day: '2022-03-01', cost: 8000 }),
      ...many(5, { d: '内科', drg: 'A3', day: '2023-03-01', cost: 10_000 }), ...many(5, { d: '内科', drg: null, day: '2023-03-01' }),
      ...many(3, { d: '外科', drg: 'A2', day: '2023-04-01' }),
      ...many(2, { d: '儿科', drg: null, day: '2022-04-01' }), ...many(2, { d: '儿科', drg: 'A1', day: '2023-04-01' }),
    ];
    const t = run(build(cases, drgs), { level: 'department', period: 'month', compare: ['2022', '2023'] });
    expect(t.request.period).toBe('year');
    const c = t.comparison!;
    expect(c.periods).toEqual(['2022', '2023']);
    expect(c.unit).toEqual(['儿科', '内科', '外科']);
    const cmp = (name: string, unit: string) => {
      const x = c.columns.find((k) => k.name === name)!;
      const i = c.unit.indexOf(unit);
      const show = (col: ValueColumn) => (col.reasons[i] ? EVALUATION_NA_REASONS[col.reasons[i]!] : col.values[i]);
      return [show(x.a), show(x.b), show(x.delta), show(x.change)];
    };
    // 内科 CMI 2022 = (4 × 1 + 4 × 2) ÷ 8 = 1.5; 2023 = 2 → +0.5, +33.3 %. 入组率 1 → 0.5.
    const [a, b, delta, change] = cmp('CMI', '内科') as number[];
    expect([a, b, delta]).toEqual([1.5, 2, 0.5]);
    expect(change).toBeCloseTo(1 / 3, 14);
    expect(cmp('入组率', '内科')).toEqual([1, 0.5, -0.5, -0.5]);
    expect(cmp('次均费用', '内科')).toEqual([8000, 10_000, 2000, 0.25]);
    expect(cmp('病例数', '外科')).toEqual(['not-in-period', 3, 'not-in-period', 'not-in-period']);
    expect(cmp('入组率', '儿科')).toEqual([0, 1, 1, 'zero-base']);
    expect(cmp('CMI', '儿科')).toEqual(['no-grouped-cases', 1, 'no-grouped-cases', 'no-grouped-cases']);
    expect(c.columns.map((k) => k.name)).toContain(COMPOSITE_NAME);
  });
});

// ----- bad input ---------------------------------------------------------------------------------------------

describe('§5 bad input: a clear message or an explicit n/a, never NaN on screen', () => {
  const drgs: HandDrg[] = [{ code: 'A1', weight: 1 }, { code: 'A2', weight: 2 }];
  const cases = (): HandCase[] => [
    { d: '内科', drg: 'A1' }, { d: '内科', drg: 'A2', death: true }, { d: '外科', drg: 'A1' }, { d: '药剂科', drg: null },
  ];

  it('a formula naming an unknown indicator is an error at its token with a suggestion; the other formulas still run', () => {
    const t = run(build(cases(), drgs), { level: 'department', period: 'all', formulas: '好 = CMI × 2\n坏 = 总权中 + 1\n又好 = 好 + drg_count' });
    expect(t.composite.errors).toHaveLength(1);
    expect(t.composite.errors[0]).toMatchObject({ code: 'unknown-indicator', line: 2, column: 5, token: '总权中', params: { suggestion: '总权重' } });
    expect(t.composite.formulas.map((f) => f.name)).toEqual(['好', '又好']);
    expect(v(t, '又好', '外科')).toBe(3);
    expect(t.messages.map((m) => m.code)).toContain('evaluation.formula_errors');
  });

  it('division by zero and a unit with no grouped cases are n/a with their reason', () => {
    const t = run(build(cases(), drgs), { level: 'department', period: 'all', formulas: `x = 病例数 ÷ (DRG组数 − DRG组数)\n${SEED_COMPOSITE.text}` });
    const x = column(t, 'x');
    expect(Array.from(x.reasons, (r) => EVALUATION_NA_REASONS[r])).toEqual(['division-by-zero', 'division-by-zero', 'division-by-zero']);
    expect(evaluationNaCell(x.reasons[0]!, 'en')).toBe('n/a (division by zero)');
    expect(evaluationNaCell(x.reasons[0]!, 'zh-CN')).toBe('无法计算（除数为零）');
    expect([v(t, '病例数', '药剂科'), v(t, '入组率', '药剂科'), v(t, 'DRG组数', '药剂科'), v(t, '总权重', '药剂科')]).toEqual([1, 0, 0, 0]);
    for (const name of ['CMI', '时间消耗指数', '费用消耗指数']) expect(v(t, name, '药剂科'), name).toBe('n/a no-grouped-cases');
    expect(v(t, '低风险组死亡率', '药剂科')).toBe('n/a no-low-risk-cases');
    expect(v(t, COMPOSITE_NAME, '药剂科')).toBe('n/a missing-value');
    expect(evaluationNaCell(column(t, 'CMI').reasons[rowOf(t, '药剂科')]!, 'zh-CN')).toBe('无法计算（无入组病例）');
  });

  it('a ruleset without weights gives 总权重 and CMI n/a (no weights) and says so; no death anywhere gives no risk classes', () => {
    const noWeights = drgs.map((d) => ({ code: d.code }));
    const t = run(build(cases().map((c) => ({ ...c, death: false })), noWeights), { level: 'department', period: 'all' });
    expect(v(t, 'CMI', '内科')).toBe('n/a no-weights');
    expect(v(t, '总权重', '内科')).toBe('n/a no-weights');
    expect(v(t, '低风险组死亡率', '内科')).toBe('n/a no-risk-classes');
    expect(v(t, '时间消耗指数', '内科')).toBe(1);
    expect(t.messages.map((m) => m.code)).toEqual(expect.arrayContaining(['evaluation.no_weights', 'evaluation.no_deaths']));
    expect(t.reference.boundaries).toBeNull();
  });

  it('an unknown parent, a bad period label or periods of two kinds are refused with a coded error', () => {
    const b = build(cases(), drgs);
    const codeOf = (request: EvaluationRequest) => {
      try {
        evaluate(core, b.analysis, request);
        return 'no error';
      } catch (e) {
        expect(e).toBeInstanceOf(EngineFailure);
        return (e as EngineFailure).errors[0]!.code;
      }
    };
    expect(codeOf({ level: 'department', period: 'all', parent: { hospital: 'H9' } })).toBe('evaluation.unknown_parent');
    expect(codeOf({ level: 'department', period: 'all', compare: ['2022', 'soon'] })).toBe('evaluation.bad_period');
    expect(codeOf({ level: 'department', period: 'all', compare: ['2022', '2023Q1'] })).toBe('evaluation.compare_kinds');
    expect(codeOf({ level: 'bed' as UnitLevel, period: 'all' })).toBe('evaluation.bad_level');
  });

  it('a selection with no case is an empty table with a message, not an error', () => {
    const t = run(build(cases(), drgs), { level: 'department', period: 'all', parent: { department: '药剂科' }, compare: ['2022', '2023'] });
    expect(t.rows).toBe(1);
    const none = run(build(cases().map((c) => ({ ...c, w: null })), drgs), { level: 'ward', period: 'year' });
    expect(none.rows).toBe(0);
    expect(none.messages.map((m) => m.code)).toContain('evaluation.no_rows');
    expect(t.messages.map((m) => m.code)).toContain('evaluation.period_without_cases');
  });

  it('every indicator column is present in display order and every cell is a number or a reason', () => {
    const t = run(build(cases(), drgs), { level: 'hospital', period: 'quarter', formulas: 'geometric' });
    expect(t.indicators.map((c) => c.name)).toEqual(TABLE_INDICATORS.map((i) => i.name));
    expect(t.composite.formulas.at(-1)!.name).toBe(COMPOSITE_NAME);
    const reasons = new Set<EvaluationNaReason>();
    for (const c of [...t.indicators, ...t.composite.formulas]) c.reasons.forEach((r) => reasons.add(EVALUATION_NA_REASONS[r]!));
    expect([...reasons].every((r) => !evaluationNaCell(EVALUATION_NA_REASONS.indexOf(r), 'en').includes('NaN'))).toBe(true);
    // structured-clonable: the worker can post it as is
    expect(structuredClone(t)).toEqual(t);
  });
});

// ----- benchmark CSV -----------------------------------------------------------------------------------------

describe('§5 benchmark table (CSV)', () => {
  it('Chinese headers in GBK, English headers with BOM, quoted thousands; codes are upper-cased', () => {
    // "DRG编码,平均住院日,次均费用" in GBK, then two rows.
    const head = Uint8Array.from('44 52 47 b1 e0 c2 eb 2c c6 bd be f9 d7 a1 d4 ba c8 d5 2c b4 ce be f9 b7 d1 d3 c3 0d 0a'.split(' ').map((x) => parseInt(x, 16)));
    const body = new TextEncoder().encode('lc19,8.5,"28,456.40"\r\nFM1,6,12000\r\n');
    const gbk = parseBenchmarkCsv(Uint8Array.from([...head, ...body]), 'gbk.csv');
    expect(gbk.codes).toEqual(['LC19', 'FM1']);
    expect(Array.from(gbk.meanLosDays)).toEqual([8.5, 6]);
    expect(Array.from(gbk.meanCostYuan)).toEqual([28_456.4, 12_000]);
    expect(gbk.warnings).toEqual([]);
    const en = parseBenchmarkCsv(new TextEncoder().encode('\ufeffdrg_code;mean_los;mean_cost\nLC19;8.5;¥9000\n'), 'en.csv');
    expect([en.codes, Array.from(en.meanCostYuan), en.hasLos, en.hasCost]).toEqual([['LC19'], [9000], true, true]);
  });

  it('a repeated code, an empty code and a bad number are warnings; the rest of the table is used', () => {
    const b = parseBenchmarkCsv('病组编码,标杆住院日,标杆费用\nA1,5,1000\nA1,6,2000\n,3,3\nA2,abc,-5\nA3,,4000\n', 'b.csv');
    expect(b.codes).toEqual(['A1', 'A2', 'A3']);
    expect(Array.from(b.meanLosDays)).toEqual([5, NaN, NaN]);
    expect(Array.from(b.meanCostYuan)).toEqual([1000, NaN, 4000]);
    expect(b.warnings.map((w) => w.code)).toEqual(['benchmark.duplicate_code', 'benchmark.empty_code', 'benchmark.bad_value', 'benchmark.bad_value']);
    expect(b.warnings[2]!.message).toContain('"abc" on line 5');
  });

  it('without a code column or any value column it is refused, naming what is missing', () => {
    const refused = (text: string): string[] => {
      try {
        parseBenchmarkCsv(text, 'x.csv');
        return [];
      } catch (e) {
        return (e as EngineFailure).errors.map((x) => x.code);
      }
    };
    expect(refused('名称,平均住院日\nX,3\n')).toEqual(['benchmark.no_code_column']);
    expect(refused('DRG,权重\nX,3\n')).toEqual(['benchmark.no_value_column']);
    expect(refused('')).toEqual(['benchmark.empty']);
    expect(refused('DRG,mean_los\n')).toEqual(['file.no_rows']);
  });

  it('a table with only mean LOS gives the time index and says the cost index is n/a', () => {
    const b: BenchmarkTable = parseBenchmarkCsv('drg,los\nA1,5\nA2,5\n', 'los-only.csv');
    const built = build([{ drg: 'A1', los: 10 }, { drg: 'A2', los: 5 }], [{ code: 'A1', weight: 1 }, { code: 'A2', weight: 1 }]);
    const t = run(built, { level: 'hospital', period: 'all', benchmark: b, formulas: '' });
    expect(v(t, '时间消耗指数', 'H1')).toBe(1.5);
    expect(v(t, '费用消耗指数', 'H1')).toBe('n/a no-reference');
    expect(t.messages.map((m) => m.code)).toContain('evaluation.benchmark_no_cost');
    expect(t.reference.notInBenchmark).toEqual([]);
  });
});
