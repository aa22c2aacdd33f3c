// Turns the dropped files into tables: decodes (UTF-8 or GBK), tokenises, recognises each file's table by
// its name or else its header row, and maps header cells to column keys. Reads no values.
import { CsvTokenizer, sniffDelimiter } from '../../shared/csv-tokenizer.ts';
import { decodeText } from '../../shared/text-encoding.ts';
import { normaliseHeader } from '../../shared/csv-header.ts';
import { CSV_TABLES, columnLookup, specByFileName, type CsvTableName, type CsvTableSpec } from './table-specs.ts';
import type { ReadTable, Row } from './cell-reader.ts';
import type { ProblemLog } from './problem-log.ts';

export interface CsvFile {
  name: string;
  bytes: Uint8Array;
}

/** Which file was read as which table, and how it was recognised. */
export type RecognisedTable = { file: string; table: CsvTableName; by: 'name' | 'header' };

interface CsvRecord { fields: string[]; line: number }

/** How many leading records may precede the header row (a spreadsheet title). */
const MAX_TITLE_ROWS = 10;

const stemOf = (name: string) => name.replace(/^.*[\\/]/, '').replace(/\.(csv|tsv|txt)$/i, '');

/** Index of the first record (within the title allowance) holding every required column of the table. */
function headerIndex(records: string[][], spec: CsvTableSpec): number {
  const lookup = columnLookup.get(spec)!;
  const required = spec.columns.filter((c) => c.required);
  for (let i = 0; i < Math.min(records.length, MAX_TITLE_ROWS); i++) {
    const keys = new Set(records[i]!.map((h) => lookup.get(normaliseHeader(h))?.key));
    if (required.every((c) => keys.has(c.key))) return i;
  }
  return -1;
}

const knownColumns = (record: string[], spec: CsvTableSpec) =>
  record.filter((h) => columnLookup.get(spec)!.has(normaliseHeader(h))).length;

/** Reads every file; a file with a problem is left out of the tables (the log says why). */
export function readCsvFiles(files: readonly CsvFile[], log: ProblemLog): { tables: Map<CsvTableName, ReadTable>; recognised: RecognisedTable[] } {
  const recognised: RecognisedTable[] = [];
  const tables = new Map<CsvTableName, ReadTable>();
  for (const f of files) {
    const records = tokenise(f, log);
    if (!records) continue;
    const plain = records.map((r) => r.fields);
    const found = recogniseTable(f.name, plain, log);
    if (!found) continue;
    const { spec, by } = found;
    const other = tables.get(spec.table);
    if (other) { log.problem('csv.duplicate_table', `${f.name} and ${other.file} are both the ${spec.table} table`, f.name); continue; }
    recognised.push({ file: f.name, table: spec.table, by });
    if (records.length === 0) { log.problem('csv.empty', 'the file has no header row', f.name); continue; }
    const table = readTable(f.name, spec, records, headerIndex(plain, spec), log);
    if (table) tables.set(spec.table, table);
  }
  return { tables, recognised };
}

/** The file's records with their lines, or null when it is a spreadsheet or ends inside quotes. */
function tokenise(f: CsvFile, log: ProblemLog): CsvRecord[] | null {
  if (/\.(xlsx|xls|ods)$/i.test(f.name)) { log.problem('csv.not_csv', `${f.name} is a spreadsheet: save each sheet as CSV (UTF-8 or GBK)`, f.name); return null; }
  const text = decodeText(f.bytes, f.name).text;
  const records: CsvRecord[] = [];
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const tok = new CsvTokenizer(sniffDelimiter(firstLine), (fields, line) => records.push({ fields, line }));
  tok.push(text);
  if (!tok.end()) { log.problem('csv.unclosed_quote', 'the file ends inside a quoted field', f.name, tok.recordLine); return null; }
  return records;
}

/** By file name first; otherwise by the header row, when exactly one table fits best. */
function recogniseTable(file: string, plain: string[][], log: ProblemLog): { spec: CsvTableSpec; by: 'name' | 'header' } | null {
  const named = specByFileName.get(normaliseHeader(stemOf(file)));
  if (named) return { spec: named, by: 'name' };
  const fits = CSV_TABLES.map((s) => ({ s, i: headerIndex(plain, s) })).filter((x) => x.i >= 0);
  const first = Math.min(...fits.map((x) => x.i));
  const atFirst = fits.filter((x) => x.i === first);
  const best = Math.max(...atFirst.map((x) => knownColumns(plain[first]!, x.s)));
  const winners = atFirst.filter((x) => knownColumns(plain[first]!, x.s) === best);
  if (winners.length !== 1) {
    const which = winners.length ? ` (its headers fit ${winners.map((w) => `${w.s.table}.csv`).join(', ')})` : '';
    log.problem('csv.unrecognised_file', `cannot tell which table ${file} is${which}: name it after its table, e.g. drg.csv`, file);
    return null;
  }
  const spec = winners[0]!.s;
  log.warn('csv.recognised_by_header', `${file} read as ${spec.table}.csv (by its header row)`, file);
  return { spec, by: 'header' };
}

/** The header row at index `hi` (or missing-column problems when hi < 0) and the data rows below it. */
function readTable(file: string, spec: CsvTableSpec, records: CsvRecord[], hi: number, log: ProblemLog): ReadTable | null {
  const lookup = columnLookup.get(spec)!;
  if (hi < 0) {
    const have = new Set(records[0]!.fields.map((h) => lookup.get(normaliseHeader(h))?.key));
    for (const c of spec.columns) if (c.required && !have.has(c.key))
      log.problem('csv.missing_column', `${spec.table}.csv needs the column ${c.zh} (${c.key})`, file, records[0]!.line, c.zh);
    return null;
  }
  if (hi > 0) log.warn('csv.title_skipped', `lines before the header row (line ${records[hi]!.line}) were skipped as a title`, file, records[0]!.line);
  const headerRec = records[hi]!;
  const header = new Map<string, string>();
  const colKey: (string | null)[] = headerRec.fields.map((h) => {
    if (h.trim() === '') return null;
    const c = lookup.get(normaliseHeader(h));
    if (!c) { log.warn('csv.unknown_column', `column "${h}" is not a column of ${spec.table}.csv; it is ignored`, file, headerRec.line, h); return null; }
    if (header.has(c.key)) { log.problem('csv.duplicate_column', `columns "${header.get(c.key)}" and "${h}" are both ${c.key}`, file, headerRec.line, h); return null; }
    header.set(c.key, h.trim());
    return c.key;
  });
  const rows: Row[] = [];
  for (const r of records.slice(hi + 1)) {
    if (r.fields.every((x) => x.trim() === '')) continue;
    const cells: Record<string, string> = {};
    r.fields.forEach((x, i) => {
      const k = i < colKey.length ? colKey[i] : undefined;
      if (k) cells[k] = x.trim();
      else if (i >= colKey.length && x.trim() !== '')
        log.problem('csv.extra_field', `line has ${r.fields.length} fields but the header has ${colKey.length} (an unquoted comma?)`, file, r.line);
    });
    rows.push({ line: r.line, cells });
  }
  return { file, spec, rows, header, headerLine: headerRec.line };
}
