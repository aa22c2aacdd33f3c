// Node side of the CSV-table ruleset import: reads every *.csv (and *.tsv) file of one directory and
// hands the bytes to importCsvTables. No rules here — the browser calls importCsvTables directly.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { importCsvTables, type CsvImportResult } from '../import-csv-tables.ts';
import type { RulesetMeta } from '../ruleset-format.ts';

/** Imports the CSV tables of `dir` (sorted by file name, so problems come in a stable order). */
export function importCsvDir(dir: string, meta: Partial<RulesetMeta> = {}): CsvImportResult {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.(csv|tsv)$/i.test(e.name))
    .map((e) => e.name)
    .sort();
  const files = names.map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(dir, name))) }));
  return importCsvTables(files, meta);
}
