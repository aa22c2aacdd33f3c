// The synthetic case generator (Case data issue): §1 cases drawn from a ruleset, as Arrow record batches
// written batch by batch, with planted anomalies and ground-truth columns. Same options, same bytes; no I/O.
import {
  AsyncByteQueue, DateDay, Dictionary, Field, Float64, Int8, Int16, Int32, List, RecordBatch, RecordBatchFileWriter,
  RecordBatchStreamWriter, Schema, Struct, Utf8, makeData, makeVector, type Data, type DataType, type Vector,
} from 'apache-arrow';
import { buildDemoRuleset } from '../rules/demo/build-demo-ruleset.ts';
import type { Ruleset } from '../rules/ruleset-format.ts';
import { seededRandom } from './demo-cases.ts';
import { buildCatalog, CodeTable, type Catalog } from './synthetic-catalog.ts';
import {
  ANOMALY_KINDS, BatchColumns, COST_COMPONENTS, DAY_MS, FillContext, QUALITY_ERROR_KINDS, fillBatch, type Hospital,
} from './synthetic-fill.ts';

export { ANOMALY_KINDS, COST_COMPONENTS, GT_THRESHOLDS, QUALITY_ERROR_KINDS, type AnomalyKind } from './synthetic-fill.ts';

export interface CaseGeneratorOptions {
  cases: number;
  seed: number;
  /** Hospitals H01…; levels cycle 3, 3, 2 (default 3). */
  hospitals?: number;
  /** Discharge years, from `firstYear` (default 2, i.e. 2023–2024). */
  years?: number;
  firstYear?: number;
  batchSize?: number;
  /** Share of cases carrying a planted anomaly (split, upcoded MCC, low-standard, cost outliers). */
  anomalyRate?: number;
  /** Share of cases carrying a planted §11 data-quality error. */
  qualityErrorRate?: number;
  ruleset?: Ruleset;
  /**
   * Smaller files (the built-in demo): costs in whole yuan with the components as int32, no fund_paid /
   * self_pay, and int16 los / birth weight / ventilation hours. Components still sum exactly to the total.
   */
  compact?: boolean;
}

// ----- Arrow schema ----------------------------------------------------------------------------------------
const dict = (id: number, index: Int8 | Int16 | Int32) => new Dictionary(new Utf8(), index, id);
const utf8List = () => new List(new Field('item', new Utf8(), true));

function buildSchema(compact: boolean): Schema {
  const f = (name: string, type: DataType, nullable = false) => new Field(name, type, nullable);
  const int = () => (compact ? new Int16() : new Int32());
  return new Schema([
    f('case_id', new Utf8()), f('patient_id', new Utf8()), f('hospital_id', dict(0, new Int8())), f('hospital_level', new Int8()),
    f('department', dict(1, new Int8())), f('ward', dict(2, new Int16())), f('physician', dict(3, new Int16())),
    f('admit_date', new DateDay()), f('discharge_date', new DateDay()), f('los', int()),
    f('age_years', new Int16()), f('age_days', new Int16(), true), f('sex', dict(4, new Int8())),
    f('birth_weight_g', int(), true), f('discharge_status', new Int8()),
    f('principal_dx', dict(5, new Int16())), f('secondary_dx', utf8List()),
    f('principal_proc', dict(6, new Int16()), true), f('other_procs', utf8List()), f('vent_hours', int(), true),
    f('total_cost', new Float64()), ...COST_COMPONENTS.map((c) => f(c, compact ? new Int32() : new Float64())),
    ...(compact ? [] : [f('fund_paid', new Float64()), f('self_pay', new Float64())]), f('insurance_type', dict(7, new Int8())),
    f('gt_anomaly', dict(8, new Int8())), f('gt_detail', dict(9, new Int16()), true), f('gt_drg', dict(10, new Int16()), true),
    f('gt_related_case', new Utf8(), true),
  ]);
}

/** A reused buffer's next size when it is short: room to spare, so it grows only a few times. */
const grownSize = (size: number) => Math.ceil(size * 1.25) + 16;

/** A column's buffers (value offsets, bytes and a view to write them by words, validity), reused batch after batch. */
class ColumnBuffers {
  offsets = new Int32Array(0);
  bytes = new Uint8Array(0);
  view = new DataView(this.bytes.buffer);
  bitmap = new Uint8Array(0);
  offsetsFor(n: number): Int32Array {
    if (this.offsets.length < n) this.offsets = new Int32Array(grownSize(n));
    return this.offsets;
  }
  bytesFor(size: number): Uint8Array {
    if (this.bytes.length < size) { this.bytes = new Uint8Array(grownSize(size)); this.view = new DataView(this.bytes.buffer); }
    return this.bytes;
  }
  /** A zeroed validity bitmap for n rows. */
  bitmapFor(n: number): Uint8Array {
    const size = (n + 7) >> 3;
    if (this.bitmap.length < size) this.bitmap = new Uint8Array(grownSize(size));
    return this.bitmap.fill(0, 0, size);
  }
}

/** Utf8 child data from code indices into a CodeTable: each code's words copied whole, the next code written over the padding. */
function utf8FromCodes(table: CodeTable, idx: Int32Array, n: number, out: ColumnBuffers): Data<Utf8> {
  const offsets = out.offsetsFor(n + 1), lengths = table.lengths, words = table.words, wpc = table.wordsPerCode;
  offsets[0] = 0;
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + lengths[idx[i]];
  const bytes = out.bytesFor(offsets[n] + 4 * wpc), view = out.view;
  for (let i = 0; i < n; i++) {
    const w = idx[i] * wpc, at = offsets[i];
    for (let k = 0; k < wpc; k++) view.setInt32(at + 4 * k, words[w + k], true);
  }
  return makeData({ type: new Utf8(), length: n, valueOffsets: offsets, data: bytes });
}

/** '0000' … '9999' as little-endian 32-bit words of ASCII digits. */
const DIGITS4 = Int32Array.from({ length: 10_000 }, (_, v) => {
  const d = (k: number) => 48 + (Math.floor(v / 10 ** k) % 10);
  return d(3) | (d(2) << 8) | (d(1) << 16) | (d(0) << 24);
});

/** `prefix` + zero-padded number ids as a utf8 column, with nulls where num < 0; four digits written at a time. */
function numberedIds(prefix: number, width: number, nums: Float64Array, n: number, out: ColumnBuffers): Data<Utf8> {
  const len = 1 + width;
  const offsets = out.offsetsFor(n + 1);
  let valid = 0;
  offsets[0] = 0;
  for (let i = 0; i < n; i++) { if (nums[i] >= 0) valid++; offsets[i + 1] = offsets[i] + (nums[i] >= 0 ? len : 0); }
  const bytes = out.bytesFor(offsets[n]), view = out.view;
  const bitmap = valid < n ? out.bitmapFor(n) : undefined;
  for (let i = 0; i < n; i++) {
    let v = nums[i] | 0; // case and patient numbers stay below 2^31
    if (v < 0) continue;
    if (bitmap) bitmap[i >> 3] |= 1 << (i & 7);
    const at = offsets[i];
    bytes[at] = prefix;
    let k = width; // digits at at + 1 … at + width, filled from the right
    for (; k >= 4; k -= 4) { const q = (v / 10_000) | 0; view.setInt32(at + k - 3, DIGITS4[v - q * 10_000], true); v = q; }
    for (; k >= 1; k--) { const q = (v / 10) | 0; bytes[at + k] = 48 + v - q * 10; v = q; }
  }
  return makeData({
    type: new Utf8(), length: n, nullCount: n - valid, nullBitmap: bitmap?.subarray(0, (n + 7) >> 3), valueOffsets: offsets, data: bytes,
  });
}

/** Set bits per byte value. */
const BIT_COUNT = Uint8Array.from({ length: 256 }, (_, v) => { let c = 0; for (let b = v; b; b >>= 1) c += b & 1; return c; });

/** A nullable column's validity bitmap from its 0/1 mask, a byte (8 rows) at a time (none when every row is valid). */
function validity(mask: Uint8Array, n: number, out: ColumnBuffers): { nullBitmap?: Uint8Array; nullCount: number } {
  const bitmap = out.bitmapFor(n), full = n >> 3;
  let valid = 0;
  for (let j = 0, i = 0; j < full; j++, i += 8) {
    const byte = mask[i] | (mask[i + 1] << 1) | (mask[i + 2] << 2) | (mask[i + 3] << 3)
      | (mask[i + 4] << 4) | (mask[i + 5] << 5) | (mask[i + 6] << 6) | (mask[i + 7] << 7);
    bitmap[j] = byte;
    valid += BIT_COUNT[byte];
  }
  for (let i = full * 8; i < n; i++) if (mask[i]) { valid++; bitmap[i >> 3] |= 1 << (i & 7); }
  return valid === n ? { nullCount: 0 } : { nullBitmap: bitmap.subarray(0, (n + 7) >> 3), nullCount: n - valid };
}

/** Buffers the Arrow columns need beyond the batch columns themselves, reused batch after batch. */
class ArrowBuffers {
  readonly caseId = new ColumnBuffers();
  readonly patientId = new ColumnBuffers();
  readonly related = new ColumnBuffers();
  readonly secondary = new ColumnBuffers();
  readonly others = new ColumnBuffers();
  /** Validity of age_days, birth_weight_g, principal_proc, vent_hours, gt_detail, gt_drg. */
  readonly validity = Array.from({ length: 6 }, () => new ColumnBuffers());
  /** Compact files: los, birth weight and ventilation hours as int16, the components as int32. */
  readonly narrow: Int16Array[];
  readonly wholeYuan: Int32Array[];
  constructor(capacity: number, compact: boolean) {
    this.narrow = compact ? Array.from({ length: 3 }, () => new Int16Array(capacity)) : [];
    this.wholeYuan = compact ? COST_COMPONENTS.map(() => new Int32Array(capacity)) : [];
  }
}

// ----- the generator -----------------------------------------------------------------------------------------
export class CaseGenerator {
  readonly cases: number;
  readonly seed: number;
  readonly batchSize: number;
  readonly anomalyRate: number;
  readonly qualityErrorRate: number;
  readonly firstYear: number;
  readonly years: number;
  readonly schema: Schema;
  readonly compact: boolean;
  private readonly cat: Catalog;
  private readonly hospitals: Hospital[];

  constructor(options: CaseGeneratorOptions) {
    this.cases = Math.max(0, Math.floor(options.cases));
    this.seed = options.seed >>> 0;
    this.batchSize = Math.max(1, Math.floor(options.batchSize ?? 65_536));
    this.anomalyRate = options.anomalyRate ?? 0.02;
    this.qualityErrorRate = options.qualityErrorRate ?? 0.005;
    this.firstYear = options.firstYear ?? 2023;
    this.years = Math.max(1, Math.floor(options.years ?? 2));
    const nHosp = Math.max(1, Math.min(50, Math.floor(options.hospitals ?? 3))); // physician ids stay int16 dictionary indices
    this.cat = buildCatalog(options.ruleset ?? buildDemoRuleset());
    if (this.cat.units.length === 0) throw new Error('the ruleset gives no DRG the generator can make cases for');
    this.compact = options.compact ?? false;
    this.schema = buildSchema(this.compact);
    const r = seededRandom(this.seed ^ 0x9e3779b9);
    this.hospitals = Array.from({ length: nHosp }, (_, h): Hospital => {
      const level = h % 3 === 2 ? 2 : 3;
      return {
        id: `H${String(h + 1).padStart(2, '0')}`, level,
        costEffect: (level === 3 ? 1.06 : 0.86) * Math.exp(0.06 * (r() * 2 - 1)),
        losEffect: (level === 3 ? 0.97 : 1.06) * Math.exp(0.05 * (r() * 2 - 1)),
        volume: (level === 3 ? 1.5 : 0.8) * (0.8 + 0.4 * r()),
      };
    });
  }

  /** DRG codes of the ruleset (gt_drg dictionary order). */
  get drgCodes(): string[] { return this.cat.compiled.strings.drgCodes; }

  private dictionaries: Vector[] | null = null;
  private dictionaryVectors(x: FillContext): Vector[] {
    if (this.dictionaries) return this.dictionaries;
    const v = (xs: readonly string[]) => {
      const t = new CodeTable();
      t.codes.push(...xs);
      t.seal();
      return makeVector(utf8FromCodes(t, Int32Array.from(xs.keys()), xs.length, new ColumnBuffers()));
    };
    this.dictionaries = [
      v(this.hospitals.map((h) => h.id)), v(this.cat.departments), v(x.wardNames), v(x.physNames), v(['M', 'F']),
      v(this.cat.dx.codes), v(this.cat.proc.codes), v(['职工', '居民']), v(ANOMALY_KINDS),
      v([...QUALITY_ERROR_KINDS, ...this.drgCodes.map((d) => `cost_of:${d}`)]), v(this.drgCodes),
    ];
    return this.dictionaries;
  }

  /** The filled columns as a record batch: its data points into `b` and `out`, so it must be written before the next fill. */
  private assemble(b: BatchColumns, x: FillContext, out: ArrowBuffers): RecordBatch {
    const n = b.n, cap = b.capacity;
    const dicts = this.dictionaryVectors(x);
    const fields = this.schema.fields;
    const idWidth = Math.max(8, String(this.cases).length);
    const type = (name: string) => fields.find((f) => f.name === name)!.type;
    const nullable = (ok: Uint8Array, column: number) => validity(ok, n, out.validity[column]);
    const dictData = (name: string, di: number, data: Int8Array | Int16Array, ok?: { nullBitmap?: Uint8Array; nullCount: number }) =>
      makeData({ type: type(name) as Dictionary, length: n, data, dictionary: dicts[di], ...(ok ?? { nullCount: 0 }) });
    const list = (codes: CodeTable, idx: Int32Array, offsets: Int32Array, buffers: ColumnBuffers) =>
      makeData({ type: utf8List(), length: n, nullCount: 0, valueOffsets: offsets, child: utf8FromCodes(codes, idx, offsets[n], buffers) });
    const plain = <T extends Int8 | Int16 | Int32 | Float64 | DateDay>(name: string, data: T['TArray'], ok?: { nullBitmap?: Uint8Array; nullCount: number }) =>
      makeData({ type: type(name) as T, length: n, data, ...(ok ?? { nullCount: 0 }) } as never) as Data;
    // int32 columns as int16 in compact files (values fit: days, grams, hours).
    const narrow = (a: Int32Array, q: number) => { if (!this.compact) return a; out.narrow[q].set(a.subarray(0, n)); return out.narrow[q]; };
    const component = (q: number) => {
      const cv = b.comps.subarray(q * cap, (q + 1) * cap);
      if (!this.compact) return cv;
      out.wholeYuan[q].set(cv.subarray(0, n));
      return out.wholeYuan[q];
    };
    const children: Data[] = [
      numberedIds(67 /* C */, idWidth, b.caseNum, n, out.caseId), numberedIds(80 /* P */, idWidth, b.patient, n, out.patientId),
      dictData('hospital_id', 0, b.hosp), plain('hospital_level', b.level), dictData('department', 1, b.dept),
      dictData('ward', 2, b.ward), dictData('physician', 3, b.phys), plain('admit_date', b.admit), plain('discharge_date', b.discharge),
      plain('los', narrow(b.los, 0)), plain('age_years', b.age), plain('age_days', b.ageDays, nullable(b.ageDaysOk, 0)), dictData('sex', 4, b.sex),
      plain('birth_weight_g', narrow(b.bw, 1), nullable(b.bwOk, 1)), plain('discharge_status', b.status), dictData('principal_dx', 5, b.pdx),
      list(this.cat.dx, b.sec, b.secOff, out.secondary), dictData('principal_proc', 6, b.pproc, nullable(b.pprocOk, 2)),
      list(this.cat.proc, b.oth, b.procOff, out.others), plain('vent_hours', narrow(b.vent, 2), nullable(b.ventOk, 3)),
      plain('total_cost', b.total), ...COST_COMPONENTS.map((c, q) => plain(c, component(q))),
      ...(this.compact ? [] : [plain('fund_paid', b.fund), plain('self_pay', b.self)]), dictData('insurance_type', 7, b.ins),
      dictData('gt_anomaly', 8, b.gtKind), dictData('gt_detail', 9, b.gtDetail, nullable(b.gtDetailOk, 4)),
      dictData('gt_drg', 10, b.gtDrg, nullable(b.gtDrgOk, 5)), numberedIds(67, idWidth, b.related, n, out.related),
    ];
    return new RecordBatch(this.schema, makeData({ type: new Struct(fields), length: n, nullCount: 0, children }));
  }

  /**
   * Writes the cases as Arrow IPC (file format by default) batch by batch: each piece of bytes goes to
   * `sink` as soon as it is made and nothing is kept, so memory stays one batch whatever the case count.
   * The pieces are views of buffers the next batch reuses: `sink` must use or copy them before it returns.
   */
  writeArrow(sink: (bytes: Uint8Array) => void, format: 'file' | 'stream' = 'file', onBatch?: (rows: number) => void): { rows: number; bytes: number } {
    const queue = new ChunkSink(sink);
    const writer = format === 'file' ? new RecordBatchFileWriter() : new RecordBatchStreamWriter();
    writer.reset(queue as unknown as AsyncByteQueue<Uint8Array>, this.schema);
    const x = new FillContext(this.cat, this.hospitals, this);
    const capacity = Math.max(1, Math.min(this.batchSize, this.cases));
    const columns = new BatchColumns(capacity, x.maxSec, x.maxOth);
    const out = new ArrowBuffers(capacity, this.compact);
    let rows = 0;
    for (let start = 0; start < this.cases; start += this.batchSize) {
      fillBatch(x, columns, start, Math.min(this.batchSize, this.cases - start));
      writer.write(this.assemble(columns, x, out)); // serialised to the sink here, before the next fill
      rows += columns.n;
      onBatch?.(rows);
    }
    writer.close(); // writes the footer (file) or end-of-stream marker, then closes the sink
    return { rows, bytes: queue.bytes };
  }

  /** All bytes at once (tests and small files). */
  toUint8Array(format: 'file' | 'stream' = 'file'): Uint8Array {
    const parts: Uint8Array[] = [];
    let size = 0;
    this.writeArrow((b) => { parts.push(b.slice()); size += b.byteLength; }, format);
    const out = new Uint8Array(size);
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.byteLength; }
    return out;
  }
}

/** The writer's byte queue, made synchronous: every chunk goes straight to the sink (the writer never buffers a file). */
class ChunkSink extends AsyncByteQueue<Uint8Array> {
  bytes = 0;
  constructor(private readonly sink: (bytes: Uint8Array) => void) { super(); }
  override write(value: Parameters<AsyncByteQueue<Uint8Array>['write']>[0]): void {
    let u8: Uint8Array;
    if (value instanceof Uint8Array) u8 = value;
    else if (ArrayBuffer.isView(value)) u8 = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    else if (value instanceof ArrayBuffer) u8 = new Uint8Array(value);
    else return; // the writer only ever passes byte views
    if (u8.byteLength === 0) return;
    this.bytes += u8.byteLength;
    this.sink(u8);
  }
}

/** Convenience: the generator's bytes for a set of options. */
export function generateCaseBytes(options: CaseGeneratorOptions, format: 'file' | 'stream' = 'file'): Uint8Array {
  return new CaseGenerator(options).toUint8Array(format);
}

/** Wall-clock-free day number → ISO date (for messages and tests). */
export function dayToIso(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
