// CSV (UTF-8 or GBK/GB18030) → the §1 Arrow case table: header aliases, numbered or delimited code lists,
// lossless coercion. A value that cannot be coerced fails the file with its column, row and value.
import {
  DateDay, Dictionary, Field, Float64, Int16, Int32, Int8, List, Table, Utf8, makeData, makeVector,
  vectorFromArray, type Vector,
} from 'apache-arrow';
import { CASE_COLUMNS, REQUIRED_COLUMNS } from './case-schema.ts';
import { CsvTokenizer, MAX_FIELD_CHARS, sniffDelimiter, type CsvSyntaxProblem } from '../shared/csv-tokenizer.ts';
import { matchHeader } from './csv-header-aliases.ts';
import { hasUtf8Bom, refuseUndecodable, refuseUnsupportedText, type CsvEncoding } from '../shared/text-encoding.ts';
import { EngineFailure, fail, type EngineError } from '../shared/errors.ts';

export interface CsvImportOptions {
  encoding?: CsvEncoding;
  /** Called now and then with the fraction of bytes read. */
  onProgress?: (fraction: number) => void;
}

export interface CsvImportResult {
  table: Table;
  encoding: CsvEncoding;
  delimiter: string;
  /** CSV headers that map to no §1 column (kept out of the table, reported to the user). */
  unusedColumns: string[];
}

const DICTIONARY_COLUMNS = new Set(['hospital_id', 'department', 'ward', 'physician', 'principal_dx', 'principal_proc', 'insurance_type']);
const INT_TYPES: Record<string, () => Int8 | Int16 | Int32> = {
  hospital_level: () => new Int8(), los: () => new Int32(), age_years: () => new Int16(), age_days: () => new Int32(),
  sex: () => new Int8(), birth_weight_g: () => new Int32(), discharge_status: () => new Int8(), vent_hours: () => new Int32(),
};
const LIST_SPLIT = /[|;；,，、\s]+/;
const SEX_VALUES: Record<string, number> = { '1': 1, 男: 1, m: 1, male: 1, '2': 2, 女: 2, f: 2, female: 2, '0': 0, '9': 0, 未知: 0, 未说明: 0 };
const STATUS_VALUES: Record<string, number> = { 医嘱离院: 1, 医嘱转院: 2, 医嘱转社区卫生服务机构: 3, 医嘱转社区: 3, 转社区: 3, 非医嘱离院: 4, 死亡: 5, 其他: 9 };
const DATE = /^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?(?:[ T].*)?$/;
const DAY_MS = 86_400_000;

type Coerce = (raw: string) => number | string | null | undefined; // undefined = cannot coerce

function coercer(column: string, kind: string): Coerce {
  if (column === 'sex') return (raw) => (raw === '' ? null : SEX_VALUES[raw.toLowerCase()]);
  if (column === 'discharge_status') {
    return (raw) => {
      if (raw === '') return null;
      if (raw in STATUS_VALUES) return STATUS_VALUES[raw];
      const v = Number(raw);
      return Number.isInteger(v) ? v : undefined;
    };
  }
  switch (kind) {
    case 'int':
      return (raw) => {
        if (raw === '') return null;
        const v = Number(raw);
        return Number.isInteger(v) ? v : undefined; // "3.0" is lossless, "3.5" is not
      };
    case 'float':
      return (raw) => {
        if (raw === '') return null;
        const v = Number(raw.replace(/[,，¥￥元\s]/g, ''));
        return Number.isFinite(v) ? v : undefined;
      };
    case 'date':
      return (raw) => {
        if (raw === '') return null;
        const m = DATE.exec(raw);
        if (!m) return undefined;
        const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
        const t = Date.UTC(y, mo - 1, d);
        const back = new Date(t);
        if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined; // 2024-02-30
        return Math.floor(t / DAY_MS);
      };
    default:
      return (raw) => (raw === '' ? null : raw);
  }
}

interface ColumnSink {
  column: string;
  /** Position of its field in each record. */
  index: number;
  kind: string;
  values: (number | string | null)[];
  coerce: Coerce;
  bad: { count: number; row: number; value: string } | null;
}

/** Imports a whole CSV file already in memory. */
export function csvToArrow(bytes: Uint8Array, file: string, options: CsvImportOptions = {}): CsvImportResult {
  if (bytes.length === 0) fail('file.empty', `${file}: the file is empty`, { file }, { file });
  refuseUnsupportedText(bytes, file);
  // The encoding is decided on the whole file: strict UTF-8 while streaming; at the first invalid byte, start
  // over in GB18030 unless a BOM says UTF-8 (a GBK file usually fails in its header, so the restart is cheap).
  let encoding: CsvEncoding = options.encoding ?? 'utf-8';
  let read = readRecords(bytes, file, encoding, options.onProgress);
  if (read === 'undecodable' && !options.encoding && !hasUtf8Bom(bytes)) read = readRecords(bytes, file, (encoding = 'gb18030'), options.onProgress);
  if (read === 'undecodable') refuseUndecodable(bytes, file, hasUtf8Bom(bytes) ? 'utf-8' : encoding);
  const { sinks, lists, delimitedList, unusedColumns, delimiter } = read;

  const errors: EngineError[] = [];
  for (const s of sinks) {
    if (s.bad) {
      errors.push({
        code: 'csv.bad_value',
        message: `${file}: column "${s.column}" has ${s.bad.count} value(s) that are not ${s.kind}, e.g. "${s.bad.value}" on line ${s.bad.row}`,
        params: { file, column: s.column, count: s.bad.count, value: s.bad.value, row: s.bad.row, expected: s.kind },
        where: { file, column: s.column, row: s.bad.row },
      });
    }
  }
  if (errors.length) throw new EngineFailure(errors);

  const columns: Record<string, Vector> = {};
  const order = new Map(CASE_COLUMNS.map((c, i) => [c.name, i]));
  const built = [...sinks.map((s) => s.column), ...Object.keys(lists).filter((k) => k in delimitedList || lists[k as keyof typeof lists].cols.length)];
  built.sort((a, b) => order.get(a)! - order.get(b)!);
  for (const name of built) {
    const sink = sinks.find((s) => s.column === name);
    if (!sink) {
      columns[name] = vectorFromArray(lists[name as keyof typeof lists].values, new List(new Field('item', new Utf8(), true)));
    } else if (sink.kind === 'date') {
      columns[name] = dayVector(sink.values as (number | null)[]);
    } else if (sink.kind === 'float') {
      columns[name] = vectorFromArray(sink.values as (number | null)[], new Float64());
    } else if (name in INT_TYPES) {
      columns[name] = vectorFromArray(sink.values as (number | null)[], INT_TYPES[name]());
    } else {
      columns[name] = vectorFromArray(sink.values as (string | null)[], DICTIONARY_COLUMNS.has(name) ? new Dictionary(new Utf8(), new Int32()) : new Utf8());
    }
  }
  return { table: new Table(columns), encoding, delimiter, unusedColumns };
}

type Lists = Record<'secondary_dx' | 'other_procs', { cols: Array<[number, number]>; values: (string[] | null)[] }>;
interface ReadRecords {
  sinks: ColumnSink[];
  lists: Lists;
  delimitedList: Record<string, number>;
  unusedColumns: string[];
  delimiter: string;
}

/** Streams the file through the tokenizer into column sinks; 'undecodable' when a byte is not in `encoding`. */
function readRecords(bytes: Uint8Array, file: string, encoding: CsvEncoding, onProgress?: (fraction: number) => void): ReadRecords | 'undecodable' {
  const decoder = new TextDecoder(encoding, { fatal: true });
  const CHUNK = 4 << 20;

  let header: string[] | null = null;
  let delimiter = ',';
  const sinks: ColumnSink[] = [];
  const lists: Lists = {
    secondary_dx: { cols: [], values: [] }, other_procs: { cols: [], values: [] },
  };
  const delimitedList: Record<string, number> = {};
  const unusedColumns: string[] = [];
  const rowErrors: EngineError[] = [];
  let rows = 0;
  let tokenizer: CsvTokenizer | null = null;

  const onHeader = (fields: string[]) => {
    header = fields.map((f) => f.trim());
    const seen = new Map<string, string>();
    const specs = new Map(CASE_COLUMNS.map((c) => [c.name, c]));
    header.forEach((h, i) => {
      const target = matchHeader(h);
      if (target.kind === 'unused') return void unusedColumns.push(h);
      if (target.kind === 'numbered') return void lists[target.column].cols.push([target.index, i]);
      const prior = seen.get(target.column);
      if (prior !== undefined) {
        rowErrors.push({ code: 'csv.duplicate_column', message: `${file}: headers "${prior}" and "${h}" both mean ${target.column}`,
          params: { file, first: prior, second: h, column: target.column }, where: { file, column: h } });
        return;
      }
      seen.set(target.column, h);
      if (target.column === 'secondary_dx' || target.column === 'other_procs') return void (delimitedList[target.column] = i);
      const spec = specs.get(target.column)!;
      sinks.push({ column: target.column, kind: spec.kind, values: [], coerce: coercer(target.column, spec.kind), bad: null, index: i });
    });
    for (const l of Object.values(lists)) l.cols.sort((a, b) => a[0] - b[0]);
    for (const name of REQUIRED_COLUMNS) {
      if (!seen.has(name)) {
        rowErrors.push({ code: 'schema.missing_column', message: `${file}: required column "${name}" is missing`,
          params: { file, column: name }, where: { file, column: name } });
      }
    }
    if (rowErrors.length) throw new EngineFailure(rowErrors);
  };

  const onRecord = (fields: string[], line: number) => {
    if (!header) { onHeader(fields); tokenizer!.recordWidth = fields.length; return; }
    rows++;
    for (const sink of sinks) {
      const raw = (fields[sink.index] ?? '').trim();
      const v = sink.coerce(raw);
      if (v === undefined) {
        if (!sink.bad) sink.bad = { count: 0, row: line, value: raw };
        sink.bad.count++;
        sink.values.push(null);
      } else sink.values.push(v);
    }
    for (const [name, l] of Object.entries(lists) as Array<[keyof typeof lists, (typeof lists)['secondary_dx']]>) {
      const codes: string[] = [];
      const delimited = delimitedList[name];
      if (delimited !== undefined) {
        const raw = (fields[delimited] ?? '').trim();
        if (raw) for (const c of raw.split(LIST_SPLIT)) if (c) codes.push(c);
      }
      for (const [, i] of l.cols) {
        const raw = (fields[i] ?? '').trim();
        if (raw) codes.push(raw);
      }
      l.values.push(codes);
    }
  };

  for (let start = 0; start < bytes.length; start += CHUNK) {
    const end = Math.min(bytes.length, start + CHUNK);
    let text: string;
    try {
      text = decoder.decode(bytes.subarray(start, end), { stream: end < bytes.length });
    } catch {
      return 'undecodable';
    }
    if (!tokenizer) {
      const firstLine = text.slice(0, Math.max(0, text.search(/\r|\n/)) || text.length);
      delimiter = sniffDelimiter(firstLine);
      tokenizer = new CsvTokenizer(delimiter, onRecord);
    }
    tokenizer.push(text);
    if (tokenizer.problem) refuseSyntax(tokenizer.problem, file, header);
    onProgress?.(end / bytes.length);
  }
  if (tokenizer && !tokenizer.end()) refuseSyntax(tokenizer.problem!, file, header);
  if (!header) fail('file.empty', `${file}: the file is empty`, { file }, { file });
  if (rows === 0) fail('file.no_rows', `${file}: the file has a header but no rows`, { file }, { file });
  return { sinks, lists, delimitedList, unusedColumns, delimiter };
}

/** A quote or field the tokenizer refused, named by file, line, character position and column header. */
function refuseSyntax(p: CsvSyntaxProblem, file: string, header: string[] | null): never {
  const column = header?.[p.field - 1] ?? `field ${p.field}`;
  return fail(p.code, `${file}: ${p.message} in column "${column}"`,
    { file, line: p.line, position: p.position, field: p.field, column, limit: MAX_FIELD_CHARS }, { file, row: p.line, column });
}

/** A date32 vector from day numbers, nulls kept as nulls. */
function dayVector(days: (number | null)[]): Vector {
  const n = days.length;
  const data = new Int32Array(n);
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    const d = days[i];
    if (d === null) nullCount++;
    else { data[i] = d; bitmap[i >> 3] |= 1 << (i & 7); }
  }
  return makeVector(makeData({ type: new DateDay(), length: n, nullCount, nullBitmap: nullCount ? bitmap : null, data }));
}
