// Builds a casemix-ruleset/1 document from CSV tables an analyst fills from official spreadsheets
// (drg.csv, adrg.csv, cc.csv …, English or Chinese headers). Pure — bytes in, ruleset or problems out, no fs.
import type { Problem, Ruleset, RulesetMeta } from './ruleset-format.ts';
import { tryCompileRuleset } from './ruleset-compile.ts';
import { readCsvFiles, type CsvFile, type RecognisedTable } from './csv-tables/file-reading.ts';
import { ProblemLog } from './csv-tables/problem-log.ts';
import { CellReader } from './csv-tables/cell-reader.ts';
import { CodeLists } from './csv-tables/code-lists.ts';
import { readMetaSection, readParameters } from './csv-tables/meta-section.ts';
import { readDictionaries, sexChecks } from './csv-tables/dictionary-section.ts';
import { buildAdrgs, readAdrgLists, readAdrgRows, readDrgRows } from './csv-tables/adrg-drg-section.ts';
import { buildMdcs, readMdcDiagnoses, readMdcRows } from './csv-tables/mdc-section.ts';
import { readDipCatalog } from './csv-tables/dip-section.ts';
import { assembleRuleset, pointBack } from './csv-tables/ruleset-assembly.ts';

export { CSV_TABLES, type CsvColumnSpec, type CsvTableName, type CsvTableSpec } from './csv-tables/table-specs.ts';
export { parseTagFormula } from './csv-tables/tag-formula.ts';
export type { CsvFile } from './csv-tables/file-reading.ts';

export interface CsvImportResult {
  /** The ruleset, or null when there is any problem (it is refused whole). */
  ruleset: Ruleset | null;
  /** Each names the file (`where.table`), its line (`where.row`) and the column header (`where.field`). */
  problems: Problem[];
  /** Things the importer did that the analyst should know (ignored columns, derived lists). */
  warnings: Problem[];
  /** Which file was read as which table, and how it was recognised. */
  tables: RecognisedTable[];
}

/** Imports CSV tables (one file per table) into a ruleset; `meta` overrides meta.csv. */
export function importCsvTables(files: readonly CsvFile[], meta: Partial<RulesetMeta> = {}): CsvImportResult {
  const log = new ProblemLog();
  const { tables, recognised } = readCsvFiles(files, log);
  const refused = (problems = log.problems): CsvImportResult => ({ ruleset: null, problems, warnings: log.warnings, tables: recognised });
  if (log.problems.length) return refused();
  for (const t of ['adrg', 'drg'] as const)
    if (!tables.has(t)) log.problem('csv.missing_table', `${t}.csv is required (no file was recognised as the ${t} table)`, `${t}.csv`);
  if (log.problems.length) return refused();

  // Sections in the order their problems are reported: meta, dictionaries, ADRG/DRG, MDC, DIP.
  const reader = new CellReader(tables, log);
  const metaSection = readMetaSection(reader);
  const parameters = readParameters(reader);
  const dictionaries = readDictionaries(reader);
  const lists = new CodeLists();
  const adrgIn = readAdrgRows(reader);
  const tagsOf = readAdrgLists(reader, adrgIn, lists);
  const drgRows = readDrgRows(reader, adrgIn);
  const adrgs = buildAdrgs(reader, adrgIn, lists, tagsOf, drgRows);
  const mdcIn = readMdcRows(reader, adrgIn);
  const sitesOf = readMdcDiagnoses(reader, mdcIn, lists);
  const mdcs = buildMdcs(reader, mdcIn, { adrgIn, lists, sitesOf, qyListed: drgRows.qyListed });
  const dipCatalog = readDipCatalog(reader);
  const checks = sexChecks(dictionaries, lists);
  if (log.problems.length) return refused();

  const ruleset = assembleRuleset({ meta: metaSection, parameters, dictionaries, lists, checks, mdcs, adrgs, drgs: drgRows.drgs, dipCatalog }, meta, reader);
  // The tables were checked row by row; the format's own checks are the last word. Their problems
  // are pointed back at the file and line the entry came from.
  const compiled = tryCompileRuleset(ruleset);
  if (compiled.problems.length) return refused(pointBack(compiled.problems, reader));
  return { ruleset, problems: [], warnings: log.warnings, tables: recognised };
}
