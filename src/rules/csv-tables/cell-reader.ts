// Reads the cells of recognised tables: text, required values, vocabulary words, numbers, MDC codes,
// unique keys. Every bad value becomes a problem naming file, line and the column header as written.
import { normaliseHeader } from '../../shared/csv-header.ts';
import { specOf, type CsvTableName, type CsvTableSpec } from './table-specs.ts';
import type { ProblemLog } from './problem-log.ts';

/** One data row: its 1-based line and the cell of each known column (trimmed, '' when absent). */
export interface Row {
  line: number;
  cells: Record<string, string>;
}

/** A file read as one of the tables. */
export interface ReadTable {
  file: string;
  spec: CsvTableSpec;
  rows: Row[];
  /** Column key → header as written in the file (what problems name). */
  header: Map<string, string>;
  headerLine: number;
}

export class CellReader {
  /** `entryTable:key` of a ruleset entry → the file and line it came from (to point compile problems back). */
  private readonly sources = new Map<string, { file: string; line: number }>();

  constructor(private readonly tables: ReadonlyMap<CsvTableName, ReadTable>, readonly log: ProblemLog) {}

  has(t: CsvTableName): boolean {
    return this.tables.has(t);
  }

  rowsOf(t: CsvTableName): Row[] {
    return this.tables.get(t)?.rows ?? [];
  }

  /** The file read as table t, or its canonical name when there is none. */
  fileOf(t: CsvTableName): string {
    return this.tables.get(t)?.file ?? `${t}.csv`;
  }

  /** The header of column `key` as the file writes it (else its Chinese name). */
  fieldOf(t: CsvTableName, key: string): string {
    return this.tables.get(t)?.header.get(key) ?? specOf(t).columns.find((c) => c.key === key)?.zh ?? key;
  }

  cell(r: Row, key: string): string {
    return r.cells[key] ?? '';
  }

  /** A problem at row r (or the whole file) of table t, in column `key`. */
  problemAt(code: string, message: string, t: CsvTableName, line?: number, key?: string): void {
    this.log.problem(code, message, this.fileOf(t), line, key === undefined ? undefined : this.fieldOf(t, key));
  }

  warnAt(code: string, message: string, t: CsvTableName, line?: number, key?: string): void {
    this.log.warn(code, message, this.fileOf(t), line, key === undefined ? undefined : this.fieldOf(t, key));
  }

  required(t: CsvTableName, r: Row, key: string): string | null {
    const v = this.cell(r, key);
    if (v === '') { this.problemAt('csv.missing_value', `${this.fieldOf(t, key)} is empty`, t, r.line, key); return null; }
    return v;
  }

  /** A vocabulary word: undefined when empty, null (and a problem) when not a word of `vocab`. */
  word<T>(t: CsvTableName, r: Row, key: string, vocab: Map<string, T>, what: string, norm = normaliseHeader): T | undefined | null {
    const v = this.cell(r, key);
    if (v === '') return undefined;
    const hit = vocab.get(norm(v));
    if (hit === undefined) { this.problemAt('csv.bad_value', `"${v}" is not ${what}`, t, r.line, key); return null; }
    return hit;
  }

  /** A number ≥ 0: undefined when empty, null (and a problem) when not one. */
  number(t: CsvTableName, r: Row, key: string, integer = false): number | undefined | null {
    let v = this.cell(r, key);
    if (v === '') return undefined;
    if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(v)) v = v.replace(/,/g, ''); // thousands separators from spreadsheets
    const n = Number(v);
    if (!/^[+]?\d*\.?\d+(e[+-]?\d+)?$/i.test(v) || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
      this.problemAt('csv.not_number', `"${this.cell(r, key)}" is not ${integer ? 'a whole number ≥ 0' : 'a number ≥ 0'}`, t, r.line, key);
      return null;
    }
    return n;
  }

  /** An MDC code written as one letter or MDC + letter, returned as MDC + letter. */
  mdcCode(t: CsvTableName, r: Row, key: string): string | null {
    const v = this.cell(r, key).toUpperCase().replace(/\s/g, '');
    const m = /^(?:MDC)?([A-Z])$/.exec(v);
    if (!m) { this.problemAt('csv.bad_value', `"${this.cell(r, key)}" is not an MDC code (one letter, or MDC + letter)`, t, r.line, key); return null; }
    return `MDC${m[1]}`;
  }

  /** First line of each key in a table; a second occurrence is a problem. */
  unique(t: CsvTableName, field: string): (key: string, r: Row) => boolean {
    const seen = new Map<string, number>();
    return (key, r) => {
      const k = key.toUpperCase();
      const first = seen.get(k);
      if (first !== undefined) { this.problemAt('csv.duplicate', `"${key}" appears twice (first on line ${first})`, t, r.line, field); return false; }
      seen.set(k, r.line);
      return true;
    };
  }

  /** Records that ruleset entry `entryTable[key]` came from row r of table t. */
  from(entryTable: string, key: string | number, t: CsvTableName, r: Row): void {
    this.sources.set(`${entryTable}:${key}`, { file: this.fileOf(t), line: r.line });
  }

  sourceOf(entryTable: string, key: string | number): { file: string; line: number } | undefined {
    return this.sources.get(`${entryTable}:${key}`);
  }
}
