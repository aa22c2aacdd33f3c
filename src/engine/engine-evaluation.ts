// §5 hospital evaluation, the one entry the engine (and through it the worker and the CLI) calls:
// evaluate(core, analysis, request) → EvaluationTable. Per-case work runs in the Wasm kernel; everything
// here is per DRG, per unit or per period. The table is plain structured-clonable data, ready to render.
//
// Units. A row is one unit in one period. Units are keyed within their hospital: hospital = (hospital);
// department = (hospital, department); ward = (hospital, ward); physician = (hospital, physician). A ward
// or physician is thus the same unit whichever departments its cases came from; drilling down from a
// department (parent filter) narrows the cases to that department's, so its wards and physicians show what
// they did there. Cases without the level's unit (e.g. no ward recorded) are left out and counted.
// Peers (for mean, total, pooled in formulas): the rows of the same period — all at the same level, and
// all inside the same parent when the request has one.
// Reference. The loaded population (all cases, every period, whatever the parent filter) gives the mean
// LOS and cost per DRG and the mortality risk classes, unless a benchmark table is loaded, which then
// gives the means (risk classes still come from the loaded cases). One reference for every period keeps
// year-on-year changes measured against the same yardstick.
// Grouped means assigned to a DRG that is not an ambiguity group (xQY), as on the grouping page.
import type { AnalysisColumns, GroupedColumns } from './case-columns.ts';
import { UNIT_LEVELS, type UnitLevel } from '../evaluation/unit-levels.ts';
import { fail, type EngineError } from '../shared/errors.ts';
import type { WasmCore } from './wasm-core.ts';
import { WasmEvaluationKernels } from './wasm-evaluation.ts';
import { resolveBenchmark, type BenchmarkTable } from '../evaluation/benchmark-table.ts';
import { compositeScores, presetText, type CompositeScores } from '../evaluation/composite-scores.ts';
import { D, DRG_FIELDS, K, KEY_WORDS, LEVEL_CODE, type EvaluationKernels } from '../evaluation/evaluation-layout.ts';
import { parsePeriodLabel, periodLabel, PERIOD_KIND_CODE, type PeriodKind } from '../evaluation/periods.ts';
import { riskBoundaries, riskClasses } from '../evaluation/risk-classes.ts';
import { indicatorsFromSums, NA, TABLE_INDICATORS, type SliceCoverage, type ValueColumn } from '../evaluation/unit-indicators.ts';
import { comparePeriods, type PeriodComparison } from '../evaluation/year-on-year.ts';
import { SEED_COMPOSITE, type IndicatorInfo } from '../scenario/composite-presets.ts';

export interface EvaluationRequest {
  level: UnitLevel;
  period: PeriodKind;
  /**
   * Drill-down: only the cases of these units, by label (e.g. { hospital: 'H01', department: '心内科' }).
   * The rows are then the level's units within that parent, and they are one another's peers.
   */
  parent?: Partial<Record<UnitLevel, string>>;
  /** Reference means from a benchmark table instead of the loaded population (parseBenchmarkCsv). */
  benchmark?: BenchmarkTable | null;
  /**
   * §10 formula text evaluated over the rows, or a preset name ('seed-004-product' | 'product',
   * 'seed-004-geometric' | 'geometric'). Undefined: the seed composite (SEED_COMPOSITE). '' or null: none.
   */
  formulas?: string | null;
  /**
   * What formulas read as the 低/中低风险组死亡率 of a unit with no case in those groups (or when the reference
   * has no death at all): 'zero' (default) — no such case, no such death, so the seed's death score is 1 —
   * or 'na', which makes safety and the composite n/a for that unit. The table's own columns show n/a either way.
   */
  deathRateWithoutCases?: 'zero' | 'na';
  /** Two period labels, base first (['2022', '2023'], ['2023H1', '2024H1']): adds `comparison`. Their kind
   * sets the period kind of the whole table. */
  compare?: [string, string] | null;
}

/** What the evaluation reads of a compiled ruleset (CompiledRuleset has it). */
export interface EvaluationRuleset {
  strings: { drgCodes: string[] };
  tables: {
    /** RW per DRG id; NaN or ≤ 0 = no weight. */
    drgWeight: Float64Array;
    /** 1 for ambiguity groups (xQY), which do not count as grouped. */
    drgAmbiguous?: Uint8Array;
  };
}

/** Engine.analysisColumns()'s shape. */
export interface AnalysisInput {
  columns: AnalysisColumns;
  grouped: GroupedColumns;
  compiled: EvaluationRuleset;
}

/** An indicator column: what it is (name, alias, en, unit) and its values. */
export interface IndicatorColumn extends IndicatorInfo, ValueColumn {}

/** The reference the consumption indices and risk classes were measured against. */
export interface EvaluationReference {
  kind: 'population' | 'benchmark';
  /** The benchmark's file name when kind = 'benchmark'. */
  file: string | null;
  /** Per DRG with cases in the loaded data or a benchmark value (ambiguity groups left out), sorted by code. */
  drgs: {
    code: string[];
    /** Loaded cases and deaths (the risk classes' base). */
    cases: Float64Array;
    deaths: Float64Array;
    /** The mean LOS / cost the indices divide by; NaN = none (its cases are outside the index). */
    meanLosDays: Float64Array;
    meanCostYuan: Float64Array;
    /** deaths ÷ cases; NaN without cases. */
    mortality: Float64Array;
    /** 0 no deaths, 1 低风险, 2 中低风险, 3 中高风险, 4 高风险. */
    riskClass: Int8Array;
  };
  /** ln-mortality mean and standard deviation over groups with deaths; NaN when none. */
  mu: number;
  sigma: number;
  /** Mortality at the class boundaries (e^(μ−σ), e^μ, e^(μ+σ)); null when no group has a death. */
  boundaries: { lowMid: number; mid: number; high: number } | null;
  /** DRGs per risk class 0…4. */
  riskGroups: [number, number, number, number, number];
  /** Benchmark only: codes the ruleset does not know; benchmark DRGs without loaded cases; DRGs with
   * grouped cases but no benchmark value (their cases are outside the indices). */
  unknownCodes: string[];
  absentFromData: string[];
  notInBenchmark: { code: string; cases: number; los: boolean; cost: boolean }[];
}

/**
 * The evaluation table: one row per (unit, period), columns as arrays. Every number column pairs
 * `values` (Float64Array) with `reasons` (Uint8Array, an index into EVALUATION_NA_REASONS); values[i] is
 * NaN exactly where reasons[i] ≠ 0 — render those with evaluationNaCell(reason, locale), never the number.
 * Rates are fractions (0.005 = 0.5 %); money is yuan; LOS days.
 */
export interface EvaluationTable {
  /** The request as answered (period kind after `compare`, formula text after preset resolution). */
  request: {
    level: UnitLevel;
    period: PeriodKind;
    parent: Partial<Record<UnitLevel, string>>;
    formulas: string;
    deathRateWithoutCases: 'zero' | 'na';
    compare: [string, string] | null;
    benchmark: string | null;
  };
  rows: number;
  /** Per row: hospital label; the unit's own label (= hospital at the hospital level). */
  hospital: string[];
  unit: string[];
  /** Stable id of the unit within the loaded data, the same in every period ("hospitalId:unitId"). */
  unitKey: string[];
  /** Per row: period label (2023, 2023H1, 2023Q1, 2023-01, all) and its code (rows sort by it). */
  period: string[];
  periodCode: Int32Array;
  /** Per row: its peer group, an index into `peerGroups` (the period labels). */
  peerGroup: Int32Array;
  peerGroups: string[];
  /** TABLE_INDICATORS order: 病例数, 入组病例数, 入组率, DRG组数, 总权重, CMI, 时间消耗指数, 费用消耗指数, 次均费用,
   * 平均住院日, 死亡人数, 低风险组病例数, 低风险组死亡人数, 低风险组死亡率, 中低风险组… */
  indicators: IndicatorColumn[];
  /** Cases inside each index and grouped cases without a weight, per row. */
  coverage: SliceCoverage;
  /** Formula columns (composite scores) and formula errors. */
  composite: CompositeScores;
  reference: EvaluationReference;
  totals: {
    /** All loaded cases; those passing the parent filter; of those, without the level's unit (left out). */
    cases: number;
    matched: number;
    unassigned: number;
  };
  /** Present when the request had `compare`. */
  comparison: PeriodComparison | null;
  /** What a reader should know (unassigned cases, no weights, benchmark mismatches…), as error values. */
  messages: EngineError[];
}

/** Unit labels per level, as the analysis columns carry them. */
export type UnitLabels = Record<UnitLevel, readonly string[]>;

/** Evaluates with the Wasm kernel over the engine's resident columns. Throws EngineFailure for a request it
 * cannot answer (unknown parent, bad period labels): the engine wraps the call with `attempt`. */
export function evaluate(core: WasmCore, analysis: AnalysisInput, request: EvaluationRequest): EvaluationTable {
  const kernels = WasmEvaluationKernels.resident(core, analysis.columns, analysis.grouped);
  try {
    const c = analysis.columns;
    const labels: UnitLabels = { hospital: c.hospital.labels, department: c.department.labels, ward: c.ward.labels, physician: c.physician.labels };
    return evaluateWith(kernels, c.n, labels, analysis.compiled, request);
  } finally {
    kernels.release();
  }
}

const MAX_LISTED = 20;

/** The same over any kernels (the reference ones in tests): everything after the per-case passes. */
export function evaluateWith(kernels: EvaluationKernels, nCases: number, labels: UnitLabels, ruleset: EvaluationRuleset, request: EvaluationRequest): EvaluationTable {
  const messages: EngineError[] = [];
  const level = request.level;
  if (!UNIT_LEVELS.includes(level)) fail('evaluation.bad_level', `unknown unit level "${level}"; use ${UNIT_LEVELS.join(', ')}`, { level });

  // ----- periods -----
  let period = request.period;
  let compare: [number, number] | null = null;
  if (request.compare) {
    const parsed = request.compare.map((l) => ({ label: l, p: parsePeriodLabel(l) }));
    for (const { label, p } of parsed) {
      if (!p || p.kind === 'all') fail('evaluation.bad_period', `"${label}" is not a period label such as 2023, 2023H1, 2023Q1 or 2023-01`, { label });
    }
    const [a, b] = parsed.map((x) => x.p!);
    if (a!.kind !== b!.kind) fail('evaluation.compare_kinds', `cannot compare ${request.compare[0]} with ${request.compare[1]}: periods of different kinds`, { a: request.compare[0], b: request.compare[1] });
    period = a!.kind;
    compare = [a!.code, b!.code];
  }
  if (!(period in PERIOD_KIND_CODE)) fail('evaluation.bad_period_kind', `unknown period kind "${period}"`, { period });

  // ----- parent filter -----
  const parent = request.parent ?? {};
  const filter = { hospital: -1, department: -1, ward: -1, physician: -1 };
  for (const l of UNIT_LEVELS) {
    const label = parent[l];
    if (label === undefined || label === null) continue;
    const id = labels[l].indexOf(label);
    if (id < 0) fail('evaluation.unknown_parent', `no ${l} "${label}" in the loaded cases`, { level: l, label });
    filter[l] = id;
  }

  // ----- per DRG: reference population, weights, risk classes -----
  const nDrg = ruleset.strings.drgCodes.length;
  const drgSums = kernels.drgSums(nDrg);
  const ambiguous = ruleset.tables.drgAmbiguous;
  const counted = Uint8Array.from({ length: nDrg }, (_, g) => (ambiguous && ambiguous[g] ? 0 : 1));
  const field = (k: number) => Float64Array.from({ length: nDrg }, (_, g) => drgSums[g * DRG_FIELDS + k]!);
  const refCases = field(D.CASES), refDeaths = field(D.DEATHS), refLos = field(D.LOS), refCost = field(D.COST);
  const classes = riskClasses(refCases, refDeaths, counted);
  const weight = Float64Array.from({ length: nDrg }, (_, g) => (ruleset.tables.drgWeight[g]! > 0 ? ruleset.tables.drgWeight[g]! : 0));
  const hasWeights = weight.some((w, g) => w > 0 && counted[g] === 1);
  let refLosDays: Float64Array, refCostYuan: Float64Array;
  let bench: ReturnType<typeof resolveBenchmark> | null = null;
  if (request.benchmark) {
    bench = resolveBenchmark(request.benchmark, ruleset.strings.drgCodes, refCases, counted);
    refLosDays = bench.refLosDays;
    refCostYuan = bench.refCostYuan;
  } else {
    refLosDays = Float64Array.from({ length: nDrg }, (_, g) => (refCases[g]! > 0 ? refLos[g]! / refCases[g]! : 0));
    refCostYuan = Float64Array.from({ length: nDrg }, (_, g) => (refCases[g]! > 0 ? refCost[g]! / refCases[g]! : 0));
  }

  // ----- per slice -----
  const keys = kernels.sliceIds({
    level: LEVEL_CODE[level], period: PERIOD_KIND_CODE[period], filter, nHospitals: labels.hospital.length, nUnits: labels[level].length,
  });
  const sums = kernels.sliceSums({ weight, refLosDays, refCostYuan, riskClass: classes.classOf });
  const n = keys.count;
  const k = (s: number, w: number) => keys.keys[s * KEY_WORDS + w]!;
  const hospitalOf = (s: number) => labels.hospital[k(s, K.HOSPITAL)] ?? '';
  const unitOf = (s: number) => (level === 'hospital' ? hospitalOf(s) : labels[level][k(s, K.UNIT)] ?? '');
  const hospitals = Array.from({ length: n }, (_, s) => hospitalOf(s));
  const units = Array.from({ length: n }, (_, s) => unitOf(s));
  const order = Array.from({ length: n }, (_, s) => s).sort((x, y) =>
    k(x, K.PERIOD) - k(y, K.PERIOD) || cmp(hospitals[x]!, hospitals[y]!) || cmp(units[x]!, units[y]!) || x - y);
  const periodCode = Int32Array.from(order, (s) => k(s, K.PERIOD));
  const peerGroups: string[] = [];
  const peerGroup = new Int32Array(n);
  periodCode.forEach((code, r) => {
    if (r === 0 || code !== periodCode[r - 1]) peerGroups.push(periodLabel(code, period));
    peerGroup[r] = peerGroups.length - 1;
  });
  const { columns, coverage } = indicatorsFromSums(sums, order, { hasWeights, hasRiskClasses: Number.isFinite(classes.mu) });
  const indicators: IndicatorColumn[] = TABLE_INDICATORS.map((info) => ({ ...info, ...columns.get(info.name)! }));

  // ----- formulas -----
  const formulaText = request.formulas === undefined ? SEED_COMPOSITE.text : (request.formulas ?? '');
  const text = presetText(formulaText) ?? formulaText;
  const deathRateWithoutCases = request.deathRateWithoutCases ?? 'zero';
  const formulaColumns = deathRateWithoutCases === 'zero' ? withoutCasesAsZero(columns) : columns;
  const composite: CompositeScores = text.trim() ? compositeScores(text, formulaColumns, peerGroup) : { text, formulas: [], errors: [] };

  const table: EvaluationTable = {
    request: {
      level, period, parent: { ...parent }, formulas: text, deathRateWithoutCases,
      compare: compare ? [periodLabel(compare[0], period), periodLabel(compare[1], period)] : null,
      benchmark: request.benchmark ? request.benchmark.file : null,
    },
    rows: n,
    hospital: order.map((s) => hospitals[s]!),
    unit: order.map((s) => units[s]!),
    unitKey: order.map((s) => `${k(s, K.HOSPITAL)}:${k(s, K.UNIT)}`),
    period: Array.from(periodCode, (code) => periodLabel(code, period)),
    periodCode,
    peerGroup,
    peerGroups,
    indicators,
    coverage,
    composite,
    reference: referenceOf(ruleset, counted, refCases, refDeaths, refLosDays, refCostYuan, classes, request.benchmark ?? null, bench),
    totals: { cases: nCases, matched: keys.matched, unassigned: keys.unassigned },
    comparison: null,
    messages,
  };
  if (table.request.compare) {
    const [a, b] = table.request.compare;
    for (const p of [a, b]) {
      if (!table.period.includes(p)) messages.push({ code: 'evaluation.period_without_cases', message: `no case of the evaluated units was discharged in ${p}`, params: { period: p } });
    }
    table.comparison = comparePeriods(table, [
      ...indicators.map((c) => ({ name: c.name, column: c as ValueColumn })),
      ...composite.formulas.map((f) => ({ name: f.name, column: f as ValueColumn })),
    ], a, b);
  }
  messages.push(...notes(table, level, hasWeights, request.benchmark ?? null, bench));
  return table;
}

/** The death rates a unit has no case (or the reference no death) for, read as 0 by formulas. */
function withoutCasesAsZero(columns: ReadonlyMap<string, ValueColumn>): Map<string, ValueColumn> {
  const out = new Map(columns);
  const none = new Set([NA['no-low-risk-cases'], NA['no-mid-low-risk-cases'], NA['no-risk-classes']]);
  for (const name of ['低风险组死亡率', '中低风险组死亡率']) {
    const c = columns.get(name)!;
    const values = c.values.slice(), reasons = c.reasons.slice();
    for (let i = 0; i < values.length; i++) if (none.has(reasons[i]!)) { values[i] = 0; reasons[i] = 0; }
    out.set(name, { values, reasons });
  }
  return out;
}

function referenceOf(
  ruleset: EvaluationRuleset, counted: Uint8Array, cases: Float64Array, deaths: Float64Array, los: Float64Array, cost: Float64Array,
  classes: ReturnType<typeof riskClasses>, benchmark: BenchmarkTable | null, bench: ReturnType<typeof resolveBenchmark> | null,
): EvaluationReference {
  const codes = ruleset.strings.drgCodes;
  const ids = codes.map((_, g) => g).filter((g) => counted[g] && (cases[g]! > 0 || los[g]! > 0 || cost[g]! > 0)).sort((x, y) => cmp(codes[x]!, codes[y]!));
  const pick = (a: Float64Array, none = NaN) => Float64Array.from(ids, (g) => (a[g]! > 0 ? a[g]! : none));
  return {
    kind: benchmark ? 'benchmark' : 'population',
    file: benchmark ? benchmark.file : null,
    drgs: {
      code: ids.map((g) => codes[g]!),
      cases: pick(cases, 0), deaths: pick(deaths, 0), meanLosDays: pick(los), meanCostYuan: pick(cost),
      mortality: Float64Array.from(ids, (g) => classes.mortality[g]!),
      riskClass: Int8Array.from(ids, (g) => classes.classOf[g]!),
    },
    mu: classes.mu, sigma: classes.sigma, boundaries: riskBoundaries(classes), riskGroups: classes.groups,
    unknownCodes: bench?.unknownCodes ?? [], absentFromData: bench?.absentFromData ?? [], notInBenchmark: bench?.notInBenchmark ?? [],
  };
}

function listed(xs: readonly string[]): string {
  return xs.length > MAX_LISTED ? `${xs.slice(0, MAX_LISTED).join(', ')} … (+${xs.length - MAX_LISTED})` : xs.join(', ');
}

function notes(t: EvaluationTable, level: UnitLevel, hasWeights: boolean, benchmark: BenchmarkTable | null, bench: ReturnType<typeof resolveBenchmark> | null): EngineError[] {
  const out: EngineError[] = [];
  const note = (code: string, message: string, params: Record<string, string | number> = {}) => out.push({ code, message, params });
  if (t.rows === 0) note('evaluation.no_rows', t.totals.matched ? `none of the ${t.totals.matched} cases has a ${level}` : 'no case matches the selection', { level, matched: t.totals.matched });
  else if (t.totals.unassigned) note('evaluation.unassigned_cases', `${t.totals.unassigned} of ${t.totals.matched} cases have no ${level} (or no hospital) and are left out`, { level, cases: t.totals.unassigned, matched: t.totals.matched });
  if (!hasWeights) note('evaluation.no_weights', 'the ruleset gives no DRG a weight: 总权重 and CMI are n/a');
  const unweighted = t.coverage.unweightedCases.reduce((a, b) => a + b, 0);
  if (hasWeights && unweighted > 0) note('evaluation.unweighted_cases', `${unweighted} grouped cases are in DRGs without a weight: they add 0 to 总权重 and count in CMI's denominator`, { cases: unweighted });
  if (!t.reference.boundaries) note('evaluation.no_deaths', 'no death in the reference population: no DRG is low-risk, so the low-risk death rates are n/a');
  if (benchmark && bench) {
    out.push(...benchmark.warnings);
    if (!benchmark.hasLos) note('evaluation.benchmark_no_los', `${benchmark.file} has no mean LOS column: 时间消耗指数 is n/a`, { file: benchmark.file });
    if (!benchmark.hasCost) note('evaluation.benchmark_no_cost', `${benchmark.file} has no mean cost column: 费用消耗指数 is n/a`, { file: benchmark.file });
    if (bench.unknownCodes.length) {
      note('evaluation.benchmark_unknown_drgs', `${bench.unknownCodes.length} DRG code(s) of ${benchmark.file} are not in the ruleset and are not used: ${listed(bench.unknownCodes)}`,
        { file: benchmark.file, count: bench.unknownCodes.length, codes: listed(bench.unknownCodes) });
    }
    if (bench.absentFromData.length) {
      note('evaluation.benchmark_absent_drgs', `${bench.absentFromData.length} DRG(s) of ${benchmark.file} have no loaded case: ${listed(bench.absentFromData)}`,
        { file: benchmark.file, count: bench.absentFromData.length, codes: listed(bench.absentFromData) });
    }
    if (bench.notInBenchmark.length) {
      const cases = bench.notInBenchmark.reduce((a, d) => a + d.cases, 0);
      const codes = listed(bench.notInBenchmark.map((d) => d.code));
      note('evaluation.benchmark_missing_drgs', `${bench.notInBenchmark.length} DRG(s) with ${cases} loaded cases have no benchmark value; those cases are left out of the consumption indices: ${codes}`,
        { file: benchmark.file, count: bench.notInBenchmark.length, cases, codes });
    }
  }
  if (t.composite.errors.length) note('evaluation.formula_errors', `${t.composite.errors.length} formula problem(s); the formulas that compiled were evaluated`, { count: t.composite.errors.length });
  return out;
}

function cmp(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
