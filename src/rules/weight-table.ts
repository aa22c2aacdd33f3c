// A DRG weight table (权重表: DRG code, weight RW, optionally mean LOS, mean cost, base rate) read from CSV and
// applied to a casemix-ruleset/1 document. Pure: bytes and a document in, a new document and a report out.
import { normaliseHeader } from '../shared/csv-header.ts';
import { CsvTokenizer, sniffDelimiter } from '../shared/csv-tokenizer.ts';
import { decodeText } from '../shared/text-encoding.ts';
import { ProblemLog } from './csv-tables/problem-log.ts';
import type { DrgEntry, Problem, Ruleset } from './ruleset-format.ts';

export interface WeightTableFile {
  name: string;
  bytes: Uint8Array;
}

type ValueKey = 'weight' | 'mean_los' | 'mean_cost' | 'rate';
type ColumnKey = 'code' | ValueKey;

/** One row of the table: its 1-based line, the DRG code as written (trimmed) and the values it gives. */
export interface WeightRow {
  line: number;
  code: string;
  values: Partial<Record<ValueKey, number>>;
}

export interface WeightTable {
  file: string;
  rows: WeightRow[];
  /** The one base rate (费率) of the table's rate column, when it has one. */
  rateYuan?: number;
  /** Header cells that are none of the table's columns (序号, 名称 …): not read. */
  ignoredColumns: string[];
}

/** A row whose DRG the ruleset does not have: its values are not used. */
export interface UnknownDrgCode {
  file: string;
  line: number;
  code: string;
}

export interface WeightReport {
  file: string;
  /** Rows that gave a DRG of the ruleset its weight. */
  applied: number;
  unknown: UnknownDrgCode[];
  /** DRGs of the ruleset still without a weight (ambiguity groups aside: they never enter CMI). */
  withoutWeight: string[];
  /** The base rate set for every hospital level (`drg_base_rate_yuan_level_1/2/3`), when the table has one. */
  rateYuan?: number;
  ignoredColumns: string[];
}

export interface WeightTableResult {
  ruleset: Ruleset | null;
  report: WeightReport | null;
  problems: Problem[];
}

/** Header spellings, compared through normaliseHeader (official sheets, 医保局 exports, English). */
const HEADERS: Readonly<Record<ColumnKey, readonly string[]>> = {
  code: ['drg', 'drg_code', 'code', 'DRG编码', 'DRG代码', 'DRG组编码', 'DRG分组编码', '分组编码', '分组代码', '病组编码', '病组代码', '编码'],
  weight: ['weight', 'rw', 'weight_rw', '权重', '相对权重', 'RW值', '基准权重', 'DRG权重', '权重RW', '相对权重RW'],
  mean_los: ['mean_los', 'avg_los', '平均住院日', '平均住院天数', '平均住院日天'],
  mean_cost: ['mean_cost', 'avg_cost', '平均费用', '例均费用', '次均费用', '均次费用', '例均费用元', '平均费用元', '平均住院费用'],
  rate: ['rate', 'base_rate', 'rate_yuan', '费率', '基准费率', '基础费率', '费率元', 'DRG费率'],
};
const COLUMN_OF = new Map<string, ColumnKey>();
for (const [key, names] of Object.entries(HEADERS) as [ColumnKey, readonly string[]][]) for (const n of names) COLUMN_OF.set(normaliseHeader(n), key);

/** How many records may stand above the header row (a sheet title), as in the CSV rule tables. */
const MAX_TITLE_ROWS = 10;
const REQUIRED = { code: 'a DRG code column (分组编码, DRG编码, drg)', weight: 'a weight column (权重, RW, weight)' } as const;
const RATE_PARAMETERS = ['drg_base_rate_yuan_level_1', 'drg_base_rate_yuan_level_2', 'drg_base_rate_yuan_level_3'];

/** A cell as a number: undefined when empty, a string saying what is wrong when unusable. */
function cellNumber(raw: string): number | undefined | 'not_number' | 'negative' {
  // Spreadsheets write thousands separators (21,500) and sometimes the unit (元, ¥).
  const s = raw.replace(/^[¥￥]|元$/g, '').trim();
  if (s === '') return undefined;
  const plain = /^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s) ? s.replace(/,/g, '') : s;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(plain)) return 'not_number';
  const n = Number(plain);
  if (!Number.isFinite(n)) return 'not_number';
  return n < 0 ? 'negative' : n;
}

function tokenise(file: WeightTableFile, log: ProblemLog): { fields: string[]; line: number }[] | null {
  if (/\.(xlsx|xls|ods)$/i.test(file.name)) {
    log.problem('weights.not_csv', `${file.name} is a spreadsheet: save the weight sheet as CSV (UTF-8 or GBK)`, file.name);
    return null;
  }
  const text = decodeText(file.bytes, file.name).text;
  const records: { fields: string[]; line: number }[] = [];
  const tok = new CsvTokenizer(sniffDelimiter(text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? ''), (fields, line) => records.push({ fields, line }));
  tok.push(text);
  const openedAt = tok.recordLine; // where the unfinished record started, before end() flushes it
  if (!tok.end()) { log.problem('weights.unclosed_quote', `the quoted field starting on line ${openedAt} is never closed`, file.name, openedAt); return null; }
  return records;
}

/** Column index per key from the header row; a problem for a key written twice. */
function headerColumns(file: string, header: { fields: string[]; line: number }, log: ProblemLog) {
  const index: Partial<Record<ColumnKey, number>> = {};
  const ignoredColumns: string[] = [];
  header.fields.forEach((h, i) => {
    const key = COLUMN_OF.get(normaliseHeader(h));
    if (!key) { if (h.trim() !== '') ignoredColumns.push(h.trim()); return; }
    if (index[key] !== undefined) log.problem('weights.duplicate_column', `columns "${header.fields[index[key]!]!.trim()}" and "${h.trim()}" are both ${key}`, file, header.line, h.trim());
    else index[key] = i;
  });
  return { index, ignoredColumns };
}

/**
 * Reads a weight table: the header row (up to 9 title rows above it) must hold a DRG code column and a
 * weight column. Every bad cell is a problem at file, line and the header as written; any problem refuses it.
 */
export function readWeightTable(file: WeightTableFile): { table: WeightTable | null; problems: Problem[] } {
  const log = new ProblemLog();
  const records = tokenise(file, log);
  if (!records) return { table: null, problems: log.problems };
  const has = (r: string[], key: ColumnKey) => r.some((h) => COLUMN_OF.get(normaliseHeader(h)) === key);
  const hi = records.slice(0, MAX_TITLE_ROWS).findIndex((r) => has(r.fields, 'code') && has(r.fields, 'weight'));
  if (hi < 0) {
    const first = records[0];
    if (!first) log.problem('weights.no_rows', 'the file is empty', file.name);
    else for (const key of ['code', 'weight'] as const) if (!has(first.fields, key))
      log.problem('weights.missing_column', `a weight table needs ${REQUIRED[key]}`, file.name, first.line, key);
    return { table: null, problems: log.problems };
  }
  const header = records[hi]!;
  const { index, ignoredColumns } = headerColumns(file.name, header, log);
  const headerOf = (key: ColumnKey) => header.fields[index[key]!]!.trim();
  const rows: WeightRow[] = [];
  const firstLine = new Map<string, number>();
  let rate: { value: number; line: number } | undefined;
  for (const r of records.slice(hi + 1)) {
    const cell = (key: ColumnKey) => (index[key] === undefined ? '' : (r.fields[index[key]!] ?? '').trim());
    if (r.fields.every((x) => x.trim() === '')) continue;
    const code = cell('code');
    const values: WeightRow['values'] = {};
    for (const key of ['weight', 'mean_los', 'mean_cost', 'rate'] as const) {
      const v = cellNumber(cell(key));
      if (v === 'not_number') log.problem('weights.not_number', `"${cell(key)}" is not a number`, file.name, r.line, headerOf(key));
      else if (v === 'negative') log.problem('weights.negative', `${cell(key)} is negative: a ${key === 'weight' ? 'weight' : 'value'} is ≥ 0`, file.name, r.line, headerOf(key));
      else if (v !== undefined) values[key] = v;
    }
    if (code === '') { log.problem('weights.missing_code', 'the row has values but no DRG code', file.name, r.line, headerOf('code')); continue; }
    const first = firstLine.get(code.toUpperCase());
    if (first !== undefined) { log.problem('weights.duplicate', `DRG ${code} appears twice (first on line ${first})`, file.name, r.line, headerOf('code')); continue; }
    firstLine.set(code.toUpperCase(), r.line);
    // The format has one base rate per hospital level, so a table may give only one rate.
    if (values.rate !== undefined) {
      if (!rate) rate = { value: values.rate, line: r.line };
      else if (values.rate !== rate.value)
        log.problem('weights.rate_differs', `rate ${values.rate} differs from ${rate.value} on line ${rate.line}: a ruleset has one base rate per hospital level; give per-level rates as a scenario`, file.name, r.line, headerOf('rate'));
    }
    rows.push({ line: r.line, code, values });
  }
  if (!rows.length && !log.problems.length) log.problem('weights.no_rows', 'the table has a header row but no rows', file.name, header.line);
  if (log.problems.length) return { table: null, problems: log.problems };
  return { table: { file: file.name, rows, ignoredColumns, ...(rate ? { rateYuan: rate.value } : {}) }, problems: [] };
}

/** The ruleset with the table's values on its DRGs (what the table leaves empty stays as it was). */
export function applyWeightTable(ruleset: Ruleset, table: WeightTable): { ruleset: Ruleset; report: WeightReport } {
  const drgs: DrgEntry[] = ruleset.drgs.map((d) => ({ ...d }));
  const byCode = new Map<string, DrgEntry>();
  for (const d of drgs) if (!byCode.has(d.code.trim().toUpperCase())) byCode.set(d.code.trim().toUpperCase(), d);
  const unknown: UnknownDrgCode[] = [];
  let applied = 0;
  for (const row of table.rows) {
    const d = byCode.get(row.code.toUpperCase());
    if (!d) { unknown.push({ file: table.file, line: row.line, code: row.code }); continue; }
    const v = row.values;
    if (v.weight !== undefined) { d.weight = v.weight; applied++; }
    if (v.mean_los !== undefined) d.mean_los = v.mean_los;
    if (v.mean_cost !== undefined) d.mean_cost = v.mean_cost;
  }
  const ambiguity = new Set(ruleset.mdcs.flatMap((m) => m.steps.flatMap((s) => ('ambiguity' in s ? [s.ambiguity.trim().toUpperCase()] : []))));
  const withoutWeight = drgs.filter((d) => d.weight === undefined && !ambiguity.has(d.code.trim().toUpperCase())).map((d) => d.code);
  const rate = table.rateYuan;
  const parameters = rate === undefined ? ruleset.parameters : { ...ruleset.parameters, ...Object.fromEntries(RATE_PARAMETERS.map((k) => [k, rate])) };
  return {
    ruleset: { ...ruleset, drgs, ...(parameters ? { parameters } : {}) },
    report: { file: table.file, applied, unknown, withoutWeight, ignoredColumns: table.ignoredColumns, ...(rate !== undefined ? { rateYuan: rate } : {}) },
  };
}

/** Reads the weight table and applies it; with any problem the ruleset is refused and nothing is applied. */
export function addWeightTable(ruleset: Ruleset, file: WeightTableFile): WeightTableResult {
  const { table, problems } = readWeightTable(file);
  if (!table) return { ruleset: null, report: null, problems };
  return { ...applyWeightTable(ruleset, table), problems: [] };
}
