// A benchmark table for the §5 consumption indices: per DRG code a mean LOS and a mean cost (标杆值), read
// from CSV (UTF-8 or GBK, Chinese or English headers) and matched to the ruleset's DRG codes.
// Problems are values: a table without the needed columns is refused; bad rows become warnings.
import { normaliseHeader } from '../shared/csv-header.ts';
import { CsvTokenizer, MAX_FIELD_CHARS, sniffDelimiter } from '../shared/csv-tokenizer.ts';
import { decodeText } from '../shared/text-encoding.ts';
import { EngineFailure, type EngineError } from '../shared/errors.ts';

/** A parsed benchmark: plain data, safe to send between worker and page. */
export interface BenchmarkTable {
  file: string;
  /** DRG codes as written, upper-cased and trimmed; one row each (a repeated code keeps its first row). */
  codes: string[];
  /** Mean LOS in days and mean cost in yuan per row; NaN where the table gives none (or an unusable value). */
  meanLosDays: Float64Array;
  meanCostYuan: Float64Array;
  /** Which measures the table has a column for. */
  hasLos: boolean;
  hasCost: boolean;
  /** Rows read with a problem (bad number, repeated code, empty code): the rest of the table is used. */
  warnings: EngineError[];
}

const HEADERS: Readonly<Record<'code' | 'los' | 'cost', readonly string[]>> = {
  code: ['drg', 'drg_code', 'drgcode', 'code', 'drg编码', 'drg代码', 'drg组编码', 'drg组代码', 'drg组', '病组编码', '病组代码', '病组', '分组编码', '编码'],
  los: ['mean_los', 'avg_los', 'average_los', 'los', 'mean_los_days', 'benchmark_los', '平均住院日', '平均住院天数', '平均住院时间', '标杆住院日', '标杆平均住院日', '住院日', '平均床日'],
  cost: ['mean_cost', 'avg_cost', 'average_cost', 'cost', 'mean_cost_yuan', 'benchmark_cost', '次均费用', '例均费用', '均次费用', '平均费用', '平均住院费用', '标杆费用', '标杆次均费用', '平均总费用'],
};

const LOOKUP = new Map<string, 'code' | 'los' | 'cost'>();
for (const [target, names] of Object.entries(HEADERS) as ['code' | 'los' | 'cost', readonly string[]][]) {
  for (const n of names) LOOKUP.set(normaliseHeader(n), target);
}

/** A positive number from a cell ('1,234.5', '¥8000', '8000元', '9.5天'); NaN when empty; null when unusable. */
function positive(raw: string): number | null {
  const s = raw.trim().replace(/[,，\s¥￥]|元|天|日/g, '');
  if (s === '') return NaN;
  if (!/^[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) return null;
  const v = Number(s);
  return v > 0 && Number.isFinite(v) ? v : null;
}

/** Parses a benchmark CSV; throws EngineFailure (wrap with `attempt`) when it cannot be used at all. */
export function parseBenchmarkCsv(input: Uint8Array | string, file: string): BenchmarkTable {
  const text = typeof input === 'string' ? input : decodeText(input, file).text;
  if (!text.trim()) throw new EngineFailure([{ code: 'benchmark.empty', message: `${file}: the benchmark file is empty`, params: { file }, where: { file } }]);
  const firstLine = text.slice(0, Math.max(0, text.search(/\r|\n/)) || text.length);
  let index: Partial<Record<'code' | 'los' | 'cost', number>> | null = null;
  let headerRow: string[] = [];
  const codes: string[] = [], los: number[] = [], cost: number[] = [];
  const seen = new Map<string, number>();
  const warnings: EngineError[] = [];
  const bad: Record<'los' | 'cost', { count: number; row: number; value: string } | null> = { los: null, cost: null };
  const onRecord = (fields: string[], line: number) => {
    if (!index) {
      headerRow = fields.map((f) => f.trim());
      index = {};
      headerRow.forEach((h, i) => {
        const target = LOOKUP.get(normaliseHeader(h));
        if (target && index![target] === undefined) index![target] = i;
      });
      return;
    }
    if (fields.every((f) => f.trim() === '')) return;
    const code = (fields[index.code!] ?? '').trim().toUpperCase();
    if (!code) {
      warnings.push({ code: 'benchmark.empty_code', message: `${file}: line ${line} has no DRG code; the row is skipped`, params: { file, row: line }, where: { file, row: line } });
      return;
    }
    const first = seen.get(code);
    if (first !== undefined) {
      warnings.push({ code: 'benchmark.duplicate_code', message: `${file}: DRG ${code} on line ${line} repeats line ${first}; the first is used`,
        params: { file, drg: code, row: line, first }, where: { file, row: line } });
      return;
    }
    seen.set(code, line);
    const read = (what: 'los' | 'cost'): number => {
      const i = index![what];
      if (i === undefined) return NaN;
      const raw = fields[i] ?? '';
      const v = positive(raw);
      if (v !== null) return v;
      const b = (bad[what] ??= { count: 0, row: line, value: raw.trim() });
      b.count++;
      return NaN;
    };
    codes.push(code);
    los.push(read('los'));
    cost.push(read('cost'));
  };
  const tokenizer = new CsvTokenizer(sniffDelimiter(firstLine), onRecord);
  tokenizer.push(text);
  if (!tokenizer.end()) {
    const p = tokenizer.problem!; // an unclosed quote, text after a closing quote or an overlong field
    throw new EngineFailure([{ code: p.code, message: `${file}: ${p.message}`, params: { file, line: p.line, position: p.position, field: p.field, column: `#${p.field}`, limit: MAX_FIELD_CHARS }, where: { file, row: p.line } }]);
  }
  const idx = (index ?? {}) as Partial<Record<'code' | 'los' | 'cost', number>>;
  const errors: EngineError[] = [];
  if (idx.code === undefined) {
    errors.push({ code: 'benchmark.no_code_column', message: `${file}: no DRG code column (e.g. "DRG编码" or "drg_code") among ${headerRow.join(', ')}`,
      params: { file, headers: headerRow.join(', ') }, where: { file, row: 1 } });
  }
  if (idx.los === undefined && idx.cost === undefined) {
    errors.push({ code: 'benchmark.no_value_column', message: `${file}: neither a mean LOS column ("平均住院日", "mean_los") nor a mean cost column ("次均费用", "mean_cost")`,
      params: { file, headers: headerRow.join(', ') }, where: { file, row: 1 } });
  }
  if (errors.length) throw new EngineFailure(errors);
  if (codes.length === 0) throw new EngineFailure([{ code: 'file.no_rows', message: `${file}: the benchmark has a header but no rows`, params: { file }, where: { file } }]);
  for (const what of ['los', 'cost'] as const) {
    const b = bad[what];
    if (!b) continue;
    const column = headerRow[idx[what]!]!;
    warnings.push({
      code: 'benchmark.bad_value',
      message: `${file}: column "${column}" has ${b.count} value(s) that are not positive numbers, e.g. "${b.value}" on line ${b.row}; those DRGs have no ${what === 'los' ? 'LOS' : 'cost'} benchmark`,
      params: { file, column, count: b.count, value: b.value, row: b.row }, where: { file, column, row: b.row },
    });
  }
  return {
    file, codes, meanLosDays: Float64Array.from(los), meanCostYuan: Float64Array.from(cost),
    hasLos: idx.los !== undefined, hasCost: idx.cost !== undefined, warnings,
  };
}

/** A benchmark matched to the ruleset's DRG ids, with what does not match in either direction. */
export interface ResolvedBenchmark {
  /** Per DRG id: the benchmark mean (0 = none, the kernel's "no reference"). */
  refLosDays: Float64Array;
  refCostYuan: Float64Array;
  /** Benchmark codes the ruleset does not know (their rows are not used). */
  unknownCodes: string[];
  /** Benchmark codes the ruleset knows but no loaded case falls in. */
  absentFromData: string[];
  /** DRGs with grouped cases but no benchmark value (no row, or no LOS/cost on it): left out of the indices. */
  notInBenchmark: { code: string; cases: number; los: boolean; cost: boolean }[];
}

/**
 * Matches codes (upper case, trimmed) to DRG ids. `casesInData[g]` is the loaded cases of DRG g and
 * `counted[g]` says whether g counts as grouped (ambiguity groups do not, so they are never reported missing).
 */
export function resolveBenchmark(table: BenchmarkTable, drgCodes: readonly string[], casesInData: ArrayLike<number>, counted: ArrayLike<boolean | number>): ResolvedBenchmark {
  const nDrg = drgCodes.length;
  const idOf = new Map<string, number>();
  drgCodes.forEach((c, g) => { if (!idOf.has(c.trim().toUpperCase())) idOf.set(c.trim().toUpperCase(), g); });
  const refLosDays = new Float64Array(nDrg), refCostYuan = new Float64Array(nDrg);
  const unknownCodes: string[] = [], absentFromData: string[] = [];
  table.codes.forEach((code, r) => {
    const g = idOf.get(code);
    if (g === undefined) return void unknownCodes.push(code);
    if (!(casesInData[g]! > 0)) absentFromData.push(code);
    const l = table.meanLosDays[r]!, c = table.meanCostYuan[r]!;
    refLosDays[g] = l > 0 ? l : 0;
    refCostYuan[g] = c > 0 ? c : 0;
  });
  const notInBenchmark: ResolvedBenchmark['notInBenchmark'] = [];
  for (let g = 0; g < nDrg; g++) {
    if (!counted[g] || !(casesInData[g]! > 0)) continue;
    const los = refLosDays[g]! > 0, cost = refCostYuan[g]! > 0;
    if ((table.hasLos && !los) || (table.hasCost && !cost)) notInBenchmark.push({ code: drgCodes[g]!, cases: casesInData[g]!, los, cost });
  }
  notInBenchmark.sort((a, b) => b.cases - a.cases || (a.code < b.code ? -1 : 1));
  return { refLosDays, refCostYuan, unknownCodes, absentFromData, notInBenchmark };
}
