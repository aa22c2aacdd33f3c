// Reads an Arrow IPC case file (file or stream format) and checks it against the §1 schema.
// Fails with errors that name the file and column; never returns a half-read table.
import { DataType, Type, tableFromIPC, type Field, type Table } from 'apache-arrow';
import { CASE_COLUMNS, REQUIRED_COLUMNS, type ColumnKind } from './case-schema.ts';
import { EngineFailure, fail, type EngineError } from '../shared/errors.ts';

const FILE_MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"
const FOREIGN_SIGNATURES: Array<[number[], string]> = [
  [[0x89, 0x50, 0x4e, 0x47], 'PNG image'],
  [[0xff, 0xd8, 0xff], 'JPEG image'],
  [[0x25, 0x50, 0x44, 0x46], 'PDF document'],
  [[0x50, 0x4b, 0x03, 0x04], 'ZIP archive (e.g. an Excel .xlsx workbook)'],
  [[0x1f, 0x8b], 'gzip archive'],
  [[0x50, 0x41, 0x52, 0x31], 'Parquet file'],
];

function startsWith(bytes: Uint8Array, sig: number[]): boolean {
  return bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b);
}

export type ArrowFormat = 'file' | 'stream';

export function detectArrowFormat(bytes: Uint8Array, file: string): ArrowFormat {
  if (bytes.length === 0) fail('file.empty', `${file}: the file is empty`, { file }, { file });
  if (startsWith(bytes, FILE_MAGIC)) return 'file';
  // A stream opens with a message: continuation marker 0xFFFFFFFF, or (pre-1.0 writers) a length prefix.
  if (bytes.length >= 8 && bytes[0] === 0xff && bytes[1] === 0xff && bytes[2] === 0xff && bytes[3] === 0xff) return 'stream';
  const foreign = FOREIGN_SIGNATURES.find(([sig]) => startsWith(bytes, sig));
  if (foreign) {
    fail('file.foreign', `${file}: this is a ${foreign[1]}, not an Arrow IPC file`, { file, kind: foreign[1] }, { file });
  }
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 64));
  if (/^[\x20-\x7e\u4e00-\u9fff,;\t"\r\n\ufeff]+$/.test(head)) {
    fail('file.text', `${file}: this looks like a text/CSV file, not an Arrow IPC file`, { file }, { file });
  }
  return fail('file.not_arrow', `${file}: not an Arrow IPC file (no ARROW1 magic, no stream message)`, { file }, { file });
}

function streamEndsCleanly(bytes: Uint8Array): boolean {
  const n = bytes.length;
  // End-of-stream marker: continuation 0xFFFFFFFF then a zero length.
  return n >= 8 && bytes[n - 8] === 0xff && bytes[n - 7] === 0xff && bytes[n - 6] === 0xff && bytes[n - 5] === 0xff &&
    bytes[n - 4] === 0 && bytes[n - 3] === 0 && bytes[n - 2] === 0 && bytes[n - 1] === 0;
}

/** A file-format file ends with its ARROW1 magic; without it the file was cut short. */
function fileEndsCleanly(bytes: Uint8Array): boolean {
  const n = bytes.length;
  return n >= 2 * FILE_MAGIC.length && FILE_MAGIC.every((b, i) => bytes[n - FILE_MAGIC.length + i] === b);
}

/**
 * How many bytes a cut file needs at least: its messages are walked by their lengths (metadata, then the
 * body length of the Message flatbuffer) until one runs past the end. Null when the walk cannot tell.
 */
export function bytesNeeded(bytes: Uint8Array, start: number): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  for (let pos = start; ;) {
    if (pos + 8 > n) return pos + 8;
    if (view.getUint32(pos, true) !== 0xffffffff) return null;
    const metaLength = view.getInt32(pos + 4, true);
    if (metaLength <= 0) return null; // end-of-stream marker: what is cut is the footer, of unknown length
    const meta = pos + 8;
    if (meta + metaLength > n) return meta + metaLength;
    const body = messageBodyLength(view, meta, metaLength);
    if (body === null) return null;
    pos = meta + metaLength + body;
    if (pos > n) return pos;
  }
}

/** Message.bodyLength (field 3, an int64) of the flatbuffer at `at`, or null when it does not parse. */
function messageBodyLength(view: DataView, at: number, length: number): number | null {
  if (length < 8) return null;
  const table = at + view.getUint32(at, true);
  if (table + 4 > at + length) return null;
  const vtable = table - view.getInt32(table, true);
  if (vtable < at || vtable + 4 > at + length) return null;
  const vtableSize = view.getUint16(vtable, true);
  if (vtableSize < 12 || vtable + 12 > at + length) return 0;
  const field = view.getUint16(vtable + 10, true);
  if (field === 0) return 0;
  if (table + field + 8 > at + length) return null;
  const body = Number(view.getBigInt64(table + field, true));
  return body >= 0 && Number.isSafeInteger(body) ? body : null;
}

/** Refuses a file-format file cut short, saying how much of it there is (and at least how much is missing). */
function refuseCutFile(bytes: Uint8Array, file: string): void {
  if (fileEndsCleanly(bytes)) return;
  const n = bytes.length;
  const need = bytesNeeded(bytes, 8);
  const detail = need !== null && need > n
    ? `the file ends early (${n} of at least ${need} bytes)`
    : `the file ends early: its closing ARROW1 marker is missing (${n} bytes)`;
  fail('file.corrupt', `${file}: ${detail}; it was probably cut short while copying or downloading`, { file, detail, bytes: n, ...(need !== null && need > n ? { expected: need } : {}) }, { file });
}

function kindAccepts(kind: ColumnKind, type: DataType): boolean {
  const t = DataType.isDictionary(type) ? type.dictionary : type;
  switch (kind) {
    case 'utf8': return t.typeId === Type.Utf8;
    case 'int': return t.typeId === Type.Int;
    case 'float': return t.typeId === Type.Float || t.typeId === Type.Int;
    case 'date': return t.typeId === Type.Date || t.typeId === Type.Timestamp;
    case 'utf8-or-int': return t.typeId === Type.Utf8 || t.typeId === Type.Int;
    case 'utf8-list': return t.typeId === Type.List && DataType.isUtf8((t as unknown as { valueType: DataType }).valueType);
  }
}

/** Schema problems of a table: every missing required column and every column of the wrong type. */
export function schemaProblems(fields: readonly Field[], file: string): EngineError[] {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const problems: EngineError[] = [];
  for (const name of REQUIRED_COLUMNS) {
    if (!byName.has(name)) {
      problems.push({
        code: 'schema.missing_column', message: `${file}: required column "${name}" is missing`,
        params: { file, column: name }, where: { file, column: name },
      });
    }
  }
  for (const spec of CASE_COLUMNS) {
    const field = byName.get(spec.name);
    if (field && !kindAccepts(spec.kind, field.type)) {
      problems.push({
        code: 'schema.bad_type', message: `${file}: column "${spec.name}" has type ${field.type}, expected ${spec.kind}`,
        params: { file, column: spec.name, actual: String(field.type), expected: spec.kind }, where: { file, column: spec.name },
      });
    }
  }
  return problems;
}

/** Parses and checks a case file; throws EngineFailure listing every problem found. */
export function readCaseTable(bytes: Uint8Array, file: string): { table: Table; format: ArrowFormat } {
  const format = detectArrowFormat(bytes, file);
  if (format === 'stream' && !streamEndsCleanly(bytes)) {
    fail('file.truncated', `${file}: the Arrow stream ends without its end-of-stream marker; the file is probably truncated`, { file }, { file });
  }
  if (format === 'file') refuseCutFile(bytes, file);
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (e) {
    // The reader's own TypeErrors ("reading 'fieldsLength'") say nothing to a user; its plain Errors do.
    const raw = e instanceof Error ? e.message : String(e);
    const detail = e instanceof TypeError || e instanceof RangeError ? `the file is damaged or not an Arrow file (${bytes.length} bytes)` : raw;
    return fail('file.corrupt', `${file}: the Arrow data is damaged or truncated (${detail})`, { file, detail }, { file });
  }
  const problems = schemaProblems(table.schema.fields, file);
  if (problems.length) throw new EngineFailure(problems);
  if (table.numRows === 0) fail('file.no_rows', `${file}: the file has the right columns but no rows`, { file }, { file });
  return { table, format };
}
