// The Evaluation page's state (issue #6, domain §5, §10): the request (level, period, drill-down parent,
// two periods to compare, benchmark, formula text), the last table with valid formulas, and the request loop
// that keeps at most one evaluate call in flight. Holds one small table of units, never a per-case array.
import * as Comlink from 'comlink';
import { app, engineRemote } from './app-state.svelte.ts';
import { UNIT_LEVELS, type UnitLevel } from '../evaluation/unit-levels.ts';
import type { EngineError } from '../shared/errors.ts';
import type { EvaluationTable } from '../engine/engine-evaluation.ts';
import type { BenchmarkInfo } from '../engine/engine-api.ts';
import type { ExportColumn } from '../data/table-export.ts';
import type { FormulaColumn } from '../evaluation/composite-scores.ts';
import type { PeriodKind } from '../evaluation/periods.ts';
import { evaluationNaCell, type ValueColumn } from '../evaluation/unit-indicators.ts';
import { COMPOSITE_NAME, COMPOSITE_PRESETS, type IndicatorInfo } from '../scenario/composite-presets.ts';
import type { FormulaError } from '../scenario/formula-lexer.ts';
import { hasMessage, i18n, t, type Locale } from '../i18n/i18n.svelte.ts';
import { formatChange, formatCount, formatDays, formatPercent, formatUpTo, formatWeight, formatYuan } from '../i18n/number-format.ts';
import type { MessageKey } from '../i18n/zh-CN.ts';
import { download } from './download.ts';
import { formulaStore, setFormulaText } from './formula-store.svelte.ts';
import { LatestRequest } from './latest-request.ts';
import { TableSort } from './table-view.svelte.ts';

/** The request as sent to evaluate() (EvaluationRequest minus the benchmark, which stays in the worker). */
export interface EvaluationQuery {
  level: UnitLevel;
  period: PeriodKind;
  parent: Partial<Record<UnitLevel, string>>;
  formulas: string;
  compare: [string, string] | null;
  useBenchmark: boolean;
}

/** A column of the ranked table: an indicator or a formula, with its values and n/a reasons. */
export interface DisplayColumn {
  id: string;
  name: string;
  kind: 'indicator' | 'formula';
  unit: IndicatorInfo['unit'];
  column: ValueColumn;
  alias?: string;
  en?: string;
  label?: FormulaColumn['label'];
}

/** Indicators the table shows unless "all indicators" is ticked (the rest are in the export anyway). */
export const MAIN_INDICATORS = ['病例数', '入组率', 'DRG组数', '总权重', 'CMI', '时间消耗指数', '费用消耗指数', '低风险组死亡率', '中低风险组死亡率'];
/** The debounce between a keystroke in the formula editor and the recompute. */
export const FORMULA_DEBOUNCE_MS = 200;
/** A drill-down goes one level deeper; the physician is the last. */
export const CHILD_LEVEL: Readonly<Record<UnitLevel, UnitLevel | null>> = { hospital: 'department', department: 'ward', ward: 'physician', physician: null };

/** The text lives in formula-store (the scenario saves it too); storing it also keeps it over a reload. */
function storeFormulas(text: string): void {
  setFormulaText(text);
}

class EvaluationState {
  level = $state<UnitLevel>('hospital');
  period = $state<PeriodKind>('all');
  parent = $state<Partial<Record<UnitLevel, string>>>({});
  compareBase = $state('');
  compareWith = $state('');
  get formulaText(): string {
    return formulaStore.text;
  }
  set formulaText(text: string) {
    formulaStore.text = text;
  }
  /** Use the loaded benchmark (not the loaded population) as the consumption indices' reference. */
  useBenchmark = $state(false);
  benchmark = $state.raw<BenchmarkInfo | null>(null);
  benchmarkErrors = $state.raw<EngineError[]>([]);
  /** The table on screen: the last one whose formulas compiled (or the first one, if none ever did). */
  table = $state.raw<EvaluationTable | null>(null);
  /** Errors of the formula text last evaluated, and that text. */
  formulaErrors = $state.raw<FormulaError[]>([]);
  formulaErrorText = $state('');
  /** A request the engine refused (unknown parent, bad period …); the table on screen stays. */
  errors = $state.raw<EngineError[]>([]);
  busy = $state(false);
  /** Table view: sort column id ('' = the composite) and direction, period shown ('' = all), all indicators. */
  sort = new TableSort<string>('', { ascendingFirst: ['unit', 'period'] });
  periodFilter = $state('');
  allIndicators = $state(false);
  /** Period labels of the current period kind (from the last table of that kind). */
  periodOptions = $state.raw<string[]>([]);
  /** The last formula text that compiled without error (null before any did). */
  lastGoodFormulas: string | null = null;
  /** Request key of the table on screen (everything but the formula text), and the app.generation it is of. */
  shownKey = '';
  shownGeneration = -1;
}

export const evaluation = new EvaluationState();

/** The formula text, for the scenario: read and replace it (the page recomputes when it is shown). */
export const evaluationFormulas = {
  get: (): string => evaluation.formulaText,
  set: (text: string): void => {
    evaluation.formulaText = text;
    storeFormulas(text);
    void recompute();
  },
};

// ----- the request loop ---------------------------------------------------------------------------------------

let debounce: ReturnType<typeof setTimeout> | undefined;
/** Whether the page is open: closed, nothing is evaluated (the page asks again when it opens). */
let active = false;

export function setEvaluationActive(on: boolean): void {
  active = on;
  if (!on) clearTimeout(debounce);
}

export function currentQuery(): EvaluationQuery {
  const e = evaluation;
  const compare: [string, string] | null = e.period !== 'all' && e.compareBase && e.compareWith && e.compareBase !== e.compareWith
    ? [e.compareBase, e.compareWith] : null;
  return {
    level: e.level, period: e.period, parent: { ...e.parent }, formulas: e.formulaText, compare,
    useBenchmark: e.useBenchmark && e.benchmark !== null,
  };
}

function keyOf(q: EvaluationQuery, generation: number): string {
  return JSON.stringify([q.level, q.period, UNIT_LEVELS.map((l) => q.parent[l] ?? null), q.compare, q.useBenchmark, evaluation.benchmark?.file ?? null, generation]);
}

// The request is read when it is sent, so the one waiting is always the latest; a closed page sends nothing.
const evaluations = new LatestRequest<void>(async () => { if (active) await evaluateOnce(); }, {
  busyDelayMs: 200,
  onBusy: (busy) => (evaluation.busy = busy),
});

/** Evaluates the current request; while one call runs, later changes wait and only the latest is sent. */
export async function recompute(): Promise<void> {
  if (active) await evaluations.request();
}

/** A keystroke in the formula editor: stored at once, evaluated once typing pauses. */
export function editFormulas(text: string): void {
  evaluation.formulaText = text;
  storeFormulas(text);
  clearTimeout(debounce);
  debounce = setTimeout(() => void recompute(), FORMULA_DEBOUNCE_MS);
}

async function evaluateOnce(): Promise<void> {
  const e = evaluation;
  if (!app.caseInfo || !app.rulesetInfo) return;
  const generation = app.generation;
  const query = currentQuery();
  const key = keyOf(query, generation);
  const result = await engineRemote().call((r) => r.evaluate(query));
  if (!result.ok) {
    recover(result.errors, query, generation);
    return;
  }
  let table = result.value;
  if (table.composite.errors.length) {
    e.formulaErrors = table.composite.errors;
    e.formulaErrorText = query.formulas;
    const good = e.lastGoodFormulas;
    if (good !== null && good !== query.formulas) {
      // Keep the last good results: the same view stays; another view is shown with the last good formulas.
      if (e.shownKey === key && e.table) return;
      const retry = await engineRemote().call((r) => r.evaluate({ ...query, formulas: good }));
      if (retry.ok && !retry.value.composite.errors.length) table = retry.value;
    }
  } else {
    e.formulaErrors = [];
    e.formulaErrorText = '';
    e.lastGoodFormulas = query.formulas;
  }
  show(table, key, query, generation);
}

/** Errors the page can recover from by dropping what no longer fits; the rest are shown. */
function recover(errors: EngineError[], query: EvaluationQuery, generation: number): void {
  const e = evaluation;
  const code = errors[0]?.code;
  if (code === 'evaluation.unknown_parent' && Object.keys(query.parent).length) {
    e.parent = {};
    void evaluations.request();
  } else if (code === 'evaluation.no_benchmark' && query.useBenchmark) {
    e.benchmark = null; // the worker restarted and lost it
    e.useBenchmark = false;
    void evaluations.request();
  } else if ((code === 'evaluation.bad_period' || code === 'evaluation.compare_kinds') && query.compare) {
    e.compareBase = '';
    e.compareWith = '';
    void evaluations.request();
  } else {
    e.errors = errors;
    if (e.shownGeneration !== generation) e.table = null; // other data now: the old table would mislead
  }
}

function show(table: EvaluationTable, key: string, query: EvaluationQuery, generation: number): void {
  const e = evaluation;
  e.errors = [];
  // New cases or ruleset: two periods that no longer have cases are dropped.
  const newData = generation !== e.shownGeneration;
  e.table = table;
  e.shownKey = key;
  e.shownGeneration = generation;
  if (table.request.period === e.period) {
    e.periodOptions = table.request.period === 'all' ? [] : table.peerGroups;
    if (e.periodFilter && !table.peerGroups.includes(e.periodFilter)) e.periodFilter = '';
  }
  if (newData && query.compare && !query.compare.every((p) => table.peerGroups.includes(p))) {
    e.compareBase = '';
    e.compareWith = '';
    void evaluations.request();
  }
}

// ----- controls -----------------------------------------------------------------------------------------------

/** Changes the level; the parent keeps only the levels above the new one. */
export function setLevel(level: UnitLevel): void {
  const e = evaluation;
  const depth = UNIT_LEVELS.indexOf(level);
  const parent: Partial<Record<UnitLevel, string>> = {};
  for (const l of UNIT_LEVELS.slice(0, depth)) if (e.parent[l] !== undefined) parent[l] = e.parent[l];
  e.level = level;
  e.parent = parent;
  void recompute();
}

export function setPeriodKind(period: PeriodKind): void {
  const e = evaluation;
  if (e.period === period) return;
  e.period = period;
  e.periodOptions = [];
  e.periodFilter = '';
  e.compareBase = '';
  e.compareWith = '';
  void recompute();
}

export function setCompare(base: string, compare: string): void {
  evaluation.compareBase = base;
  evaluation.compareWith = compare;
  void recompute();
}

/** One level down from a row of the table (hospital → department → ward → physician). */
export function drillDown(row: number): void {
  const e = evaluation;
  const table = e.table;
  if (!table) return;
  const level = table.request.level;
  const next = CHILD_LEVEL[level];
  if (!next) return;
  const parent = { ...table.request.parent, hospital: table.hospital[row] };
  if (level !== 'hospital') parent[level] = table.unit[row];
  e.parent = parent;
  e.level = next;
  void recompute();
}

/** Back up to a breadcrumb: `depth` parent levels kept (0 = all hospitals). */
export function drillUp(depth: number): void {
  const e = evaluation;
  const kept = UNIT_LEVELS.slice(0, depth).filter((l) => e.parent[l] !== undefined);
  const parent: Partial<Record<UnitLevel, string>> = {};
  for (const l of kept) parent[l] = e.parent[l];
  e.parent = parent;
  e.level = UNIT_LEVELS[depth] ?? 'physician';
  void recompute();
}

export function usePreset(id: string): void {
  const preset = COMPOSITE_PRESETS.find((p) => p.id === id);
  if (!preset) return;
  clearTimeout(debounce);
  evaluation.formulaText = preset.text;
  storeFormulas(preset.text);
  void recompute();
}

/** The preset the formula text is, or '' when it has been edited. */
export function presetOf(text: string): string {
  return COMPOSITE_PRESETS.find((p) => p.text.trim() === text.trim())?.id ?? '';
}

export async function loadBenchmarkFile(file: File): Promise<void> {
  const buffer = await file.arrayBuffer();
  const result = await engineRemote().call((r) => r.loadBenchmark(Comlink.transfer(buffer, [buffer]), file.name));
  if (!result.ok) {
    evaluation.benchmarkErrors = result.errors; // the worker keeps the previous benchmark, if any
    return;
  }
  evaluation.benchmarkErrors = [];
  evaluation.benchmark = result.value;
  evaluation.useBenchmark = true;
  void recompute();
}

export async function clearBenchmark(): Promise<void> {
  await engineRemote().remote.clearBenchmark();
  evaluation.benchmark = null;
  evaluation.benchmarkErrors = [];
  evaluation.useBenchmark = false;
  void recompute();
}

export function setUseBenchmark(on: boolean): void {
  evaluation.useBenchmark = on;
  void recompute();
}

// ----- columns, formatting and order --------------------------------------------------------------------------

/** Indicator and formula columns of a table, in display order. */
export function displayColumns(table: EvaluationTable, all: boolean): DisplayColumn[] {
  const indicators = table.indicators
    .filter((c) => all || MAIN_INDICATORS.includes(c.name))
    .map((c): DisplayColumn => ({ id: `i:${c.name}`, name: c.name, kind: 'indicator', unit: c.unit, column: c, alias: c.alias, en: c.en }));
  const formulas = table.composite.formulas.map((f): DisplayColumn => ({
    id: `f:${f.name}`, name: f.name, kind: 'formula', unit: 'index', column: f, ...(f.label ? { label: f.label } : {}),
  }));
  return [...indicators, ...formulas];
}

/** The formula to rank by: 综合得分 when the text defines it, else the last formula; null without formulas. */
export function compositeColumn(table: EvaluationTable): FormulaColumn | null {
  const f = table.composite.formulas;
  return f.find((x) => x.name === COMPOSITE_NAME) ?? f.at(-1) ?? null;
}

export function columnHeader(c: Pick<DisplayColumn, 'name' | 'alias' | 'en' | 'label'>, locale: Locale = i18n.locale): string {
  if (c.label) return locale === 'en' ? c.label.en : c.label.zh;
  const key = c.alias ? `evaluation.ind.${c.alias}` : '';
  if (key && hasMessage(key)) return t(key as MessageKey);
  return locale === 'en' && c.en ? c.en : c.name;
}

/** A value as the page shows it: money 2 places, LOS 2, counts whole, weights and indices 4, rates as %. */
export function formatValue(name: string, unit: IndicatorInfo['unit'], v: number, locale: string): string {
  if (name === '次均费用') return formatYuan(v, locale);
  if (name === '平均住院日') return formatDays(v, locale);
  switch (unit) {
    case 'count': return formatCount(v, locale);
    case 'fraction': return formatPercent(v, locale);
    default: return formatWeight(v, locale);
  }
}

/** An axis tick: like formatValue but with at most 2 decimals (ticks are round numbers). */
export function formatAxis(unit: IndicatorInfo['unit'], v: number, locale: string): string {
  if (unit === 'count') return formatCount(v, locale);
  if (unit === 'fraction') return `${formatUpTo(v * 100, locale, 2)}%`;
  return formatUpTo(v, locale, 2);
}

/** A cell's text: the formatted value, or the n/a text with its reason — never "NaN". */
export function cellText(c: ValueColumn, i: number, name: string, unit: IndicatorInfo['unit'], locale: Locale = i18n.locale): string {
  const v = c.values[i]!;
  if (c.reasons[i] || !Number.isFinite(v)) return evaluationNaCell(c.reasons[i]!, locale);
  return formatValue(name, unit, v, locale);
}

export function changeText(c: ValueColumn, i: number, locale: Locale = i18n.locale): string {
  const v = c.values[i]!;
  if (c.reasons[i] || !Number.isFinite(v)) return evaluationNaCell(c.reasons[i]!, locale);
  return formatChange(v, locale);
}

/** A value usable for sorting and charts, or null for n/a. */
export function valueAt(c: ValueColumn, i: number): number | null {
  const v = c.values[i]!;
  return c.reasons[i] || !Number.isFinite(v) ? null : v;
}

/** Per row, its rank by `by` (descending) among the rows of its peer group; 0 where the value is n/a. */
export function ranks(table: EvaluationTable, by: ValueColumn | null): Int32Array {
  const out = new Int32Array(table.rows);
  if (!by) return out;
  const groups = new Map<number, number[]>();
  for (let r = 0; r < table.rows; r++) {
    if (valueAt(by, r) === null) continue;
    const g = table.peerGroup[r]!;
    let list = groups.get(g);
    if (!list) groups.set(g, (list = []));
    list.push(r);
  }
  for (const rows of groups.values()) {
    rows.sort((a, b) => by.values[b]! - by.values[a]!);
    rows.forEach((r, k) => {
      out[r] = k > 0 && by.values[r] === by.values[rows[k - 1]!] ? out[rows[k - 1]!]! : k + 1;
    });
  }
  return out;
}

const collator = new Intl.Collator('zh-CN', { numeric: true });

/** The rows shown (one period or all), sorted by a column id ('unit', 'period', 'rank' or a column's id); n/a last. */
export function rowOrder(table: EvaluationTable, columns: DisplayColumn[], rank: Int32Array, sortBy: string, descending: boolean, period: string): number[] {
  const rows: number[] = [];
  for (let r = 0; r < table.rows; r++) if (!period || table.period[r] === period) rows.push(r);
  const dir = descending ? -1 : 1;
  const byUnit = (a: number, b: number) =>
    collator.compare(table.hospital[a]!, table.hospital[b]!) || collator.compare(table.unit[a]!, table.unit[b]!) || table.periodCode[a]! - table.periodCode[b]!;
  if (sortBy === 'unit') return rows.sort((a, b) => dir * byUnit(a, b));
  if (sortBy === 'period') return rows.sort((a, b) => dir * (table.periodCode[a]! - table.periodCode[b]!) || byUnit(a, b));
  const numeric = sortBy === 'rank'
    ? (r: number) => (rank[r] ? -rank[r]! : null) // rank 1 first when "descending"
    : (() => {
      const c = columns.find((x) => x.id === sortBy);
      return c ? (r: number) => valueAt(c.column, r) : () => null;
    })();
  return rows.sort((a, b) => {
    const va = numeric(a), vb = numeric(b);
    if (va === null || vb === null) return va === null && vb === null ? byUnit(a, b) : va === null ? 1 : -1;
    return dir * (va - vb) || byUnit(a, b);
  });
}

/** A unit's label where hospitals mix (department, ward and physician names repeat across hospitals). */
export function unitLabel(table: EvaluationTable, r: number): string {
  if (table.request.level === 'hospital' || table.request.parent.hospital !== undefined) return table.unit[r] || t('evaluation.blank');
  return `${table.hospital[r]} · ${table.unit[r] || t('evaluation.blank')}`;
}

// ----- export -------------------------------------------------------------------------------------------------

/** Decimals in the CSV: like the screen, but rates as fractions with 6 places. */
function csvDecimals(c: DisplayColumn): number {
  if (c.name === '次均费用' || c.name === '平均住院日') return 2;
  return c.kind === 'formula' ? 4 : ({ count: 0, weight: 4, fraction: 6, index: 4 } as const)[c.unit];
}

/** Why each n/a cell of a row is n/a, in the interface language. */
function notes(rows: number[], cols: { header: string; column: ValueColumn }[], locale: Locale): string[] {
  const sep = locale === 'en' ? '; ' : '；';
  return rows.map((r) => cols.filter((c) => c.column.reasons[r] || !Number.isFinite(c.column.values[r]!))
    .map((c) => `${c.header}: ${evaluationNaCell(c.column.reasons[r]!, locale)}`).join(sep));
}

function pick(c: ValueColumn, rows: number[]): Float64Array {
  return Float64Array.from(rows, (r) => (c.reasons[r] ? NaN : c.values[r]!));
}

/** The ranked table as export columns: rows are units (in the order on screen), every indicator and formula. */
export function tableExportColumns(table: EvaluationTable, rows: number[], rank: Int32Array): ExportColumn[] {
  const locale = i18n.locale;
  const cols = displayColumns(table, true);
  const headed = cols.map((c) => ({ c, header: columnHeader(c, locale) }));
  return [
    { name: t('evaluation.col.rank'), kind: 'text', values: rows.map((r) => (rank[r] ? String(rank[r]) : '')) },
    { name: t('evaluation.col.period'), kind: 'text', values: rows.map((r) => table.period[r]!) },
    { name: t('evaluation.level.hospital'), kind: 'text', values: rows.map((r) => table.hospital[r]!) },
    ...(table.request.level === 'hospital' ? [] : [{ name: t(`evaluation.level.${table.request.level}`), kind: 'text' as const, values: rows.map((r) => table.unit[r]!) }]),
    ...headed.map(({ c, header }): ExportColumn => ({ name: header, kind: 'float', values: pick(c.column, rows), decimals: csvDecimals(c) })),
    { name: t('evaluation.col.notes'), kind: 'text', values: notes(rows, headed.map(({ c, header }) => ({ header, column: c.column })), locale) },
  ];
}

/** The year-on-year table as export columns: per column base, compare and change rate. */
export function comparisonExportColumns(table: EvaluationTable): ExportColumn[] {
  const c = table.comparison;
  if (!c) return [];
  const locale = i18n.locale;
  const rows = Array.from({ length: c.rows }, (_, i) => i);
  const byName = new Map(displayColumns(table, true).map((d) => [d.name, d]));
  const compared = c.columns.filter((x) => byName.has(x.name));
  const [a, b] = c.periods;
  const change = t('evaluation.compare.change');
  return [
    { name: t('evaluation.level.hospital'), kind: 'text', values: c.hospital },
    ...(table.request.level === 'hospital' ? [] : [{ name: t(`evaluation.level.${table.request.level}`), kind: 'text' as const, values: c.unit }]),
    ...compared.flatMap((x): ExportColumn[] => {
      const d = byName.get(x.name)!;
      const header = columnHeader(d, locale);
      return [
        { name: `${header} ${a}`, kind: 'float', values: pick(x.a, rows), decimals: csvDecimals(d) },
        { name: `${header} ${b}`, kind: 'float', values: pick(x.b, rows), decimals: csvDecimals(d) },
        { name: `${header} ${change}`, kind: 'float', values: pick(x.change, rows), decimals: 6 },
      ];
    }),
    { name: t('evaluation.col.notes'), kind: 'text', values: notes(rows, compared.map((x) => ({ header: `${columnHeader(byName.get(x.name)!, locale)} ${change}`, column: x.change })), locale) },
  ];
}

/** Writes export columns as CSV (UTF-8 with BOM) and saves it; the CSV writer is loaded only when asked for. */
export async function downloadCsv(columns: ExportColumn[], name: string): Promise<void> {
  const { columnsToCsv } = await import('../data/table-export.ts');
  download(columnsToCsv(columns), name, 'text/csv;charset=utf-8');
}

