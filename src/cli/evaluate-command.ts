// `casemix evaluate`: the §5 evaluation table by unit and period (with composite scores and year-on-year)
// for an engine that has cases and a ruleset loaded; prints a text table and writes CSV (UTF-8 with BOM).
import { existsSync, readFileSync } from 'node:fs';
import { writeUserFile } from './cli-errors.ts';
import { basename } from 'node:path';
import { exportColumns, type ExportColumn } from '../data/table-export.ts';
import { UNIT_LEVELS, type UnitLevel } from '../evaluation/unit-levels.ts';
import { evaluate, type EvaluationRequest, type EvaluationTable } from '../engine/engine-evaluation.ts';
import { attempt, type EngineError } from '../shared/errors.ts';
import type { Engine } from '../engine/engine.ts';
import { parseBenchmarkCsv } from '../evaluation/benchmark-table.ts';
import { presetText } from '../evaluation/composite-scores.ts';
import { PERIOD_KINDS, type PeriodKind } from '../evaluation/periods.ts';
import { EVALUATION_NA_REASONS, type ValueColumn } from '../evaluation/unit-indicators.ts';
import { describeFormulaError } from '../scenario/formula-parser.ts';
import { textTable } from './text-table.ts';

export const EVALUATE_USAGE = `  casemix evaluate CASES [--ruleset R] --by hospital|department|ward|physician
                   [--period all|year|half|quarter|month] [--parent LEVEL=LABEL[,LEVEL=LABEL]]
                   [--formula product|geometric|FILE|TEXT] [--benchmark B.csv] [--compare 2022,2023]
                   [--out OUT.csv]
                                        §5 indicators (入组率, CMI, 消耗指数, 低风险组死亡率 …) and
                                        composite scores per unit and period; --compare adds
                                        the change rates between two periods (--out then holds them)`;

export interface EvaluateArgs {
  by: UnitLevel;
  period?: PeriodKind;
  /** Drill-down: only these units' cases, e.g. { hospital: 'H01' }. */
  parent?: Partial<Record<UnitLevel, string>>;
  /** A preset name, a file holding formulas, or the formula text itself; default the seed composite; '' none. */
  formula?: string;
  benchmark?: string;
  compare?: [string, string];
  out?: string;
  /** Rows printed to the terminal (all of them go to --out). */
  maxRows?: number;
  /** Where the report goes (default stdout / stderr). */
  log?: (line: string) => void;
  error?: (line: string) => void;
}

/** Splits `casemix evaluate` arguments (after the sub-command); an error text when they do not fit. */
export function parseEvaluateOptions(argv: readonly string[]): { cases: string; ruleset?: string; args: EvaluateArgs } | string {
  const values: Record<string, string> = {};
  const files: string[] = [];
  const known = ['--ruleset', '--by', '--period', '--parent', '--formula', '--benchmark', '--compare', '--out'];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (known.includes(a)) {
      if (i + 1 >= argv.length) return `${a} needs a value`;
      values[a] = argv[++i]!;
    } else if (a.startsWith('--')) return `unknown option ${a}`;
    else files.push(a);
  }
  if (files.length !== 1) return 'give one case file';
  const by = values['--by'] as UnitLevel | undefined;
  if (!by || !UNIT_LEVELS.includes(by)) return `--by must be one of ${UNIT_LEVELS.join(', ')}`;
  const period = values['--period'] as PeriodKind | undefined;
  if (period !== undefined && !PERIOD_KINDS.includes(period)) return `--period must be one of ${PERIOD_KINDS.join(', ')}`;
  let parent: EvaluateArgs['parent'];
  if (values['--parent']) {
    parent = {};
    for (const part of values['--parent'].split(',')) {
      const eq = part.indexOf('=');
      const level = part.slice(0, eq).trim() as UnitLevel;
      if (eq < 0 || !UNIT_LEVELS.includes(level)) return `--parent takes LEVEL=LABEL pairs, LEVEL one of ${UNIT_LEVELS.join(', ')}`;
      parent[level] = part.slice(eq + 1).trim();
    }
  }
  let compare: [string, string] | undefined;
  if (values['--compare']) {
    const p = values['--compare'].split(',').map((s) => s.trim());
    if (p.length !== 2 || !p[0] || !p[1]) return '--compare takes two periods, base first: 2022,2023';
    compare = [p[0], p[1]];
  }
  return {
    cases: files[0]!, ruleset: values['--ruleset'],
    args: { by, period, parent, formula: values['--formula'], benchmark: values['--benchmark'], compare, out: values['--out'] },
  };
}

const LOCALE = 'en-US';
const SHOWN = ['病例数', '入组率', 'DRG组数', '总权重', 'CMI', '时间消耗指数', '费用消耗指数', '低风险组死亡率', '中低风险组死亡率'];
/** Decimals in CSV and on screen per indicator unit; money and days by name. */
const DECIMALS: Readonly<Record<string, number>> = { count: 0, weight: 4, fraction: 6, index: 4 };
const BY_NAME: Readonly<Record<string, number>> = { 次均费用: 2, 平均住院日: 2 };

function cell(c: ValueColumn, i: number, kind: 'count' | 'weight' | 'fraction' | 'index', name: string): string {
  if (c.reasons[i]) return 'n/a';
  const v = c.values[i]!;
  if (kind === 'fraction') return `${(v * 100).toLocaleString(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 })}%`;
  const d = BY_NAME[name] ?? DECIMALS[kind]!;
  return v.toLocaleString(LOCALE, { minimumFractionDigits: d, maximumFractionDigits: d });
}

/** Runs the evaluation on a loaded engine; prints, writes --out; returns the exit code. */
export function evaluateCommand(engine: Pick<Engine, 'core' | 'analysisColumns'>, args: EvaluateArgs): number {
  const log = args.log ?? ((l: string) => console.log(l));
  const error = args.error ?? ((l: string) => console.error(l));
  const printErrors = (errors: EngineError[]) => { for (const e of errors) error(`error [${e.code}]: ${e.message}`); };
  let formulas: string | undefined = args.formula;
  if (formulas !== undefined && presetText(formulas) === null && formulas.trim() && existsSync(formulas)) formulas = readFileSync(formulas, 'utf8');
  let benchmark: EvaluationRequest['benchmark'] = null;
  if (args.benchmark) {
    const path = args.benchmark;
    const parsed = attempt(() => parseBenchmarkCsv(readFileSync(path), basename(path)), { file: path });
    if (!parsed.ok) return printErrors(parsed.errors), 1;
    benchmark = parsed.value;
  }
  const request: EvaluationRequest = {
    level: args.by, period: args.period ?? 'all', parent: args.parent, benchmark, formulas, compare: args.compare ?? null,
  };
  const result = attempt(() => evaluate(engine.core, engine.analysisColumns(), request));
  if (!result.ok) return printErrors(result.errors), 1;
  const t = result.value;
  const parentText = Object.entries(t.request.parent).map(([l, v]) => `${l} ${v}`).join(', ');
  log(`${t.rows} ${t.request.level} × ${t.request.period === 'all' ? 'all periods' : t.request.period} row(s)${parentText ? ` within ${parentText}` : ''}; ` +
    `${t.totals.matched - t.totals.unassigned} of ${t.totals.cases} cases; reference: ${t.reference.kind === 'benchmark' ? t.reference.file : 'the loaded cases'}`);
  for (const m of t.messages) log(`note [${m.code}]: ${m.message}`);
  for (const e of t.composite.errors) error(`formula error [${e.code}]: ${describeFormulaError(e, 'en')}`);
  if (t.comparison) printComparison(t, log, args.maxRows ?? 100);
  else printTable(t, log, args.maxRows ?? 100);
  if (args.out) {
    writeUserFile(args.out, t.comparison ? comparisonCsv(t) : tableCsv(t));
    log(`wrote ${args.out}`);
  }
  return t.composite.errors.length ? 1 : 0;
}

function printTable(t: EvaluationTable, log: (l: string) => void, maxRows: number): void {
  const shown = t.indicators.filter((c) => SHOWN.includes(c.name));
  const last = t.composite.formulas.at(-1);
  const header = ['period', 'hospital', ...(t.request.level === 'hospital' ? [] : [t.request.level]), ...shown.map((c) => c.name), ...(last ? [last.name] : [])];
  const first = header.length - shown.length - (last ? 1 : 0);
  const rows: string[][] = [];
  for (let i = 0; i < Math.min(t.rows, maxRows); i++) {
    rows.push([
      t.period[i]!, t.hospital[i]!, ...(t.request.level === 'hospital' ? [] : [t.unit[i] || '(blank)']),
      ...shown.map((c) => cell(c, i, c.unit, c.name)),
      ...(last ? [cell(last, i, 'index', last.name)] : []),
    ]);
  }
  log(textTable(header, rows, new Set(header.map((_, k) => k).filter((k) => k >= first))));
  if (t.rows > maxRows) log(`… ${t.rows - maxRows} more row(s)`);
}

function printComparison(t: EvaluationTable, log: (l: string) => void, maxRows: number): void {
  const c = t.comparison!;
  const [a, b] = c.periods;
  const names = [...SHOWN, ...(t.composite.formulas.length ? [t.composite.formulas.at(-1)!.name] : [])];
  const cols = c.columns.filter((x) => names.includes(x.name));
  const kinds = new Map(t.indicators.map((x) => [x.name, x.unit]));
  const header = ['hospital', ...(t.request.level === 'hospital' ? [] : [t.request.level]), ...cols.flatMap((x) => [`${x.name} ${a}`, b, 'change'])];
  const first = t.request.level === 'hospital' ? 1 : 2;
  const rows: string[][] = [];
  for (let i = 0; i < Math.min(c.rows, maxRows); i++) {
    rows.push([
      c.hospital[i]!, ...(t.request.level === 'hospital' ? [] : [c.unit[i] || '(blank)']),
      ...cols.flatMap((x) => {
        const kind = kinds.get(x.name) ?? 'index';
        const change = x.change.reasons[i] ? 'n/a' : `${x.change.values[i]! >= 0 ? '+' : ''}${(x.change.values[i]! * 100).toFixed(1)}%`;
        return [cell(x.a, i, kind, x.name), cell(x.b, i, kind, x.name), change];
      }),
    ]);
  }
  log(textTable(header, rows, new Set(header.map((_, k) => k).filter((k) => k >= first))));
  if (c.rows > maxRows) log(`… ${c.rows - maxRows} more row(s)`);
}

/** Why each n/a cell of a row is n/a: "CMI: no-grouped-cases; 综合得分: missing-value". */
function notesColumn(rows: number, columns: readonly { name: string; column: ValueColumn }[]): string[] {
  return Array.from({ length: rows }, (_, i) => columns
    .filter((c) => c.column.reasons[i])
    .map((c) => `${c.name}: ${EVALUATION_NA_REASONS[c.column.reasons[i]!]}`).join('; '));
}

function numberColumn(name: string, c: ValueColumn, decimals: number): ExportColumn {
  return decimals === 0 && c.reasons.every((r) => r === 0)
    ? { name, kind: 'int', values: Int32Array.from(c.values) }
    : { name, kind: 'float', values: c.values, decimals };
}

export function tableCsv(t: EvaluationTable): Uint8Array {
  const columns: ExportColumn[] = [
    { name: 'period', kind: 'text', values: t.period },
    { name: 'hospital', kind: 'text', values: t.hospital },
    ...(t.request.level === 'hospital' ? [] : [{ name: t.request.level, kind: 'text' as const, values: t.unit }]),
    ...t.indicators.map((c) => numberColumn(c.name, c, BY_NAME[c.name] ?? DECIMALS[c.unit]!)),
    ...t.composite.formulas.map((f) => numberColumn(f.name, f, 4)),
    { name: 'time_index_cases', kind: 'int', values: Int32Array.from(t.coverage.timeIndexCases) },
    { name: 'cost_index_cases', kind: 'int', values: Int32Array.from(t.coverage.costIndexCases) },
    { name: 'notes', kind: 'text', values: notesColumn(t.rows, [...t.indicators, ...t.composite.formulas].map((c) => ({ name: c.name, column: c }))) },
  ];
  return exportColumns(columns, 'csv');
}

export function comparisonCsv(t: EvaluationTable): Uint8Array {
  const c = t.comparison!;
  const [a, b] = c.periods;
  const kinds = new Map(t.indicators.map((x) => [x.name, x.unit]));
  const columns: ExportColumn[] = [
    { name: 'hospital', kind: 'text', values: c.hospital },
    ...(t.request.level === 'hospital' ? [] : [{ name: t.request.level, kind: 'text' as const, values: c.unit }]),
    ...c.columns.flatMap((x): ExportColumn[] => {
      const d = BY_NAME[x.name] ?? DECIMALS[kinds.get(x.name) ?? 'index']!;
      return [
        { name: `${x.name} ${a}`, kind: 'float', values: x.a.values, decimals: d },
        { name: `${x.name} ${b}`, kind: 'float', values: x.b.values, decimals: d },
        { name: `${x.name} change`, kind: 'float', values: x.change.values, decimals: 6 },
      ];
    }),
    // A change is n/a whenever either side is, with that side's reason: one note per column says it all.
    { name: 'notes', kind: 'text', values: notesColumn(c.rows, c.columns.map((x) => ({ name: `${x.name} change`, column: x.change }))) },
  ];
  return exportColumns(columns, 'csv');
}
