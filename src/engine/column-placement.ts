// Moves Arrow columns into Wasm linear memory as dense typed columns: numbers by memcpy, codes as ids.
// Per-row work happens in the core (conversion, interning, remapping), never in a JavaScript loop.
import { DataType, Type, TimeUnit, type Data, type Vector } from 'apache-arrow';
import { fail } from '../shared/errors.ts';
import type { Block, WasmCore } from './wasm-core.ts';

type Chunk = Data<DataType>;

function chunkValues(data: Chunk): ArrayLike<number> | BigInt64Array | BigUint64Array {
  const values = data.values as Int32Array | Float64Array | BigInt64Array;
  return values.subarray(data.offset, data.offset + data.length);
}

/** Rows (0-based, ascending) where a column is null: the §11 "required value empty" findings. */
export function nullRows(vector: Vector | null): Int32Array {
  if (!vector || vector.nullCount === 0) return new Int32Array(0);
  const rows = new Int32Array(vector.nullCount);
  let base = 0, k = 0;
  for (const data of vector.data) {
    if (data.nullCount > 0) for (let i = 0; i < data.length; i++) if (!data.getValid(i)) rows[k++] = base + i;
    base += data.length;
  }
  return rows;
}

/** Copies a 64-bit integer chunk into Wasm and narrows (or converts ticks to days) there. */
function placeWide(core: WasmCore, values: BigInt64Array | BigUint64Array, dest: Block, destOffset: number, ticksPerDay: bigint): void {
  const tmp = core.alloc(values.byteLength);
  try {
    core.u8(tmp).set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    const out = dest.ptr + destOffset * 4;
    if (ticksPerDay > 0n) core.exports.ticksToDays(values.length, tmp.ptr, ticksPerDay, out);
    else core.exports.i64ToI32(values.length, tmp.ptr, out);
  } finally {
    core.free(tmp);
  }
}

/** An integer column as int32 in Wasm. */
export function placeInt32Column(core: WasmCore, vector: Vector, column: string, file: string, fill = -1): Block {
  const block = core.alloc(vector.length * 4);
  let offset = 0;
  for (const data of vector.data) {
    const values = chunkValues(data);
    if (values instanceof BigInt64Array || values instanceof BigUint64Array) placeWide(core, values, block, offset, 0n);
    else core.i32(block, vector.length).set(values, offset);
    offset += data.length;
  }
  const view = core.i32(block, vector.length);
  for (const r of nullRows(vector)) view[r] = fill;
  return block;
}

/** A numeric column as float64 in Wasm; nulls read as `fill`. */
export function placeFloat64Column(core: WasmCore, vector: Vector, column: string, file: string, fill = 0): Block {
  const block = core.alloc(vector.length * 8);
  let offset = 0;
  for (const data of vector.data) {
    const values = chunkValues(data);
    if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
      core.free(block);
      fail('schema.bad_type', `${file}: column "${column}" is a 64-bit integer; store money as float64`,
        { file, column, actual: String(vector.type), expected: 'float' }, { file, column });
    }
    core.f64(block, vector.length).set(values, offset);
    offset += data.length;
  }
  const view = core.f64(block, vector.length);
  for (const r of nullRows(vector)) view[r] = fill;
  return block;
}

const TICKS_PER_DAY: Record<number, bigint> = {
  [TimeUnit.SECOND]: 86_400n,
  [TimeUnit.MILLISECOND]: 86_400_000n,
  [TimeUnit.MICROSECOND]: 86_400_000_000n,
  [TimeUnit.NANOSECOND]: 86_400_000_000_000n,
};

/** A date32/date64/timestamp column as int32 day numbers since 1970-01-01. */
/** A date column as day numbers; nulls read as `fill` (the caller decides what a missing date means). */
export function placeDayColumn(core: WasmCore, vector: Vector, column: string, file: string, fill = 0): Block {
  const type = vector.type as DataType;
  const block = core.alloc(vector.length * 4);
  let offset = 0;
  for (const data of vector.data) {
    const values = chunkValues(data);
    if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
      const unit = type.typeId === Type.Timestamp ? (type as unknown as { unit: number }).unit : TimeUnit.MILLISECOND;
      placeWide(core, values, block, offset, TICKS_PER_DAY[unit]);
    } else if (type.typeId === Type.Date) {
      core.i32(block, vector.length).set(values, offset); // date32: already days
    } else {
      core.free(block);
      fail('schema.bad_type', `${file}: column "${column}" has an unsupported date type ${type}`,
        { file, column, actual: String(type), expected: 'date' }, { file, column });
    }
    offset += data.length;
  }
  const view = core.i32(block, vector.length);
  for (const r of nullRows(vector)) view[r] = fill;
  return block;
}

export interface IdColumn {
  ids: Block;
  /** labels[id] is the string value of that id. */
  labels: string[];
}

const decoder = new TextDecoder();

/** Interns one utf8 chunk (offsets + bytes) into the interner; returns the chunk's per-row ids block. */
function internChunk(core: WasmCore, interner: number, offsets: Int32Array, bytes: Uint8Array, n: number,
  outIds: number, labels: string[], kept: Block[]): void {
  const offBlock = core.placeI32(offsets.subarray(0, n + 1));
  const byteBlock = core.placeU8(bytes);
  const firstRow = core.alloc(n * 4);
  kept.push(offBlock, byteBlock);
  const before = labels.length;
  const after = core.exports.internUtf8(interner, offBlock.ptr, byteBlock.ptr, n, outIds, firstRow.ptr);
  const rows = core.i32(firstRow, n);
  for (let id = before; id < after; id++) {
    const row = rows[id - before];
    labels.push(decoder.decode(bytes.subarray(offsets[row], offsets[row + 1])));
  }
  core.free(firstRow);
}

/** A utf8 (plain or dictionary-encoded) column as int32 ids plus the distinct labels. Nulls read as "". */
export function placeUtf8Ids(core: WasmCore, vector: Vector, column: string, file: string): IdColumn {
  const ids = core.alloc(vector.length * 4);
  const interner = core.exports.internerNew();
  const labels: string[] = [];
  const kept: Block[] = [];
  const dictionaryMaps = new Map<unknown, Block>();
  try {
    let offset = 0;
    for (const data of vector.data) {
      const out = ids.ptr + offset * 4;
      if (DataType.isDictionary(data.type)) {
        const dict = data.dictionary as Vector | undefined;
        if (!dict) fail('file.corrupt', `${file}: column "${column}" lacks its dictionary`, { file, column }, { file, column });
        let map = dictionaryMaps.get(dict);
        if (!map) {
          map = core.alloc(dict.length * 4);
          let dictOffset = 0;
          for (const d of dict.data) {
            internChunk(core, interner, (d.valueOffsets as Int32Array).subarray(d.offset), d.values as Uint8Array, d.length,
              map.ptr + dictOffset * 4, labels, kept);
            dictOffset += d.length;
          }
          dictionaryMaps.set(dict, map);
        }
        const indices = core.placeI32(chunkValues(data) as ArrayLike<number>);
        core.exports.remapIds(indices.ptr, data.length, map.ptr, out);
        core.free(indices);
      } else if (data.typeId === Type.Utf8) {
        internChunk(core, interner, (data.valueOffsets as Int32Array).subarray(data.offset), data.values as Uint8Array,
          data.length, out, labels, kept);
      } else {
        fail('schema.bad_type', `${file}: column "${column}" is ${data.type}, expected text`,
          { file, column, actual: String(data.type), expected: 'utf8' }, { file, column });
      }
      offset += data.length;
    }
    return { ids, labels };
  } catch (e) {
    core.free(ids);
    throw e;
  } finally {
    core.exports.internerFree(interner);
    for (const b of kept) core.free(b);
    for (const b of dictionaryMaps.values()) core.free(b);
  }
}

/** Sets `value` in dest rows [offset, offset + data.length) where the chunk has nulls. */
function maskChunkNulls(core: WasmCore, dest: Block, offset: number, data: Chunk, value: number): void {
  if (data.nullCount === 0 || !data.nullBitmap) return;
  const bitmap = core.placeU8(data.nullBitmap);
  core.exports.maskNulls(dest.ptr + offset * 4, data.length, bitmap.ptr, data.offset, value);
  core.free(bitmap);
}

/** An optional integer column as int32 with nulls (and an absent column) read as `missing`. */
export function placeInt32OrMissing(core: WasmCore, vector: Vector | null, rows: number, missing: number): Block {
  const block = core.alloc(rows * 4);
  if (!vector) {
    core.i32(block, rows).fill(missing);
    return block;
  }
  let offset = 0;
  for (const data of vector.data) {
    const values = chunkValues(data);
    if (values instanceof BigInt64Array || values instanceof BigUint64Array) placeWide(core, values, block, offset, 0n);
    else core.i32(block, rows).set(values, offset);
    maskChunkNulls(core, block, offset, data, missing);
    offset += data.length;
  }
  return block;
}

/** A code column (utf8, plain or dictionary) as column-wide interned ids; nulls become -1. */
export function placeCodeIds(core: WasmCore, vector: Vector, column: string, file: string): IdColumn {
  const placed = placeUtf8Ids(core, vector, column, file);
  let offset = 0;
  for (const data of vector.data) {
    maskChunkNulls(core, placed.ids, offset, data, -1);
    offset += data.length;
  }
  return placed;
}

export interface IdListColumn {
  /** Interned ids of all list entries, rows concatenated. */
  ids: Int32Array;
  /** rows + 1 offsets into ids (Arrow list layout, starting at 0). */
  offsets: Int32Array;
  labels: string[];
}

/** A list<utf8> code column as interned ids + offsets (JS copies; the Wasm blocks are freed). */
export function placeCodeList(core: WasmCore, vector: Vector, column: string, file: string): IdListColumn {
  const rows = vector.length;
  const offsets = core.alloc((rows + 1) * 4);
  const interner = core.exports.internerNew();
  const labels: string[] = [];
  const kept: Block[] = [];
  const idChunks: Int32Array[] = [];
  try {
    let row = 0;
    let base = 0;
    for (const data of vector.data) {
      if (data.typeId !== Type.List) {
        fail('schema.bad_type', `${file}: column "${column}" is ${data.type}, expected a list of codes`,
          { file, column, actual: String(data.type), expected: 'list<utf8>' }, { file, column });
      }
      const listOffsets = (data.valueOffsets as Int32Array).subarray(data.offset, data.offset + data.length + 1);
      const first = listOffsets[0], count = listOffsets[data.length] - first;
      const child = data.children[0];
      const chunkOffsets = core.placeI32(listOffsets);
      core.exports.rebaseOffsets(chunkOffsets.ptr, data.length + 1, base, offsets.ptr + row * 4);
      core.free(chunkOffsets);
      const ids = core.alloc(count * 4);
      if (count > 0) {
        const childOffsets = (child.valueOffsets as Int32Array).subarray(child.offset + first);
        internChunk(core, interner, childOffsets, child.values as Uint8Array, count, ids.ptr, labels, kept);
      }
      idChunks.push(core.i32(ids, count).slice());
      core.free(ids);
      row += data.length;
      base += count;
    }
    const all = new Int32Array(base);
    let at = 0;
    for (const c of idChunks) { all.set(c, at); at += c.length; }
    return { ids: all, offsets: core.i32(offsets, rows + 1).slice(), labels };
  } finally {
    core.free(offsets);
    core.exports.internerFree(interner);
    for (const b of kept) core.free(b);
  }
}

/** Sex (int 1/2, or text M/F/男/女/1/2) as int32: 1 male, 2 female, 0 unknown. */
export function placeSex(core: WasmCore, vector: Vector, column: string, file: string, encodeLabel: (label: string) => number): Block {
  const rows = vector.length;
  const type = DataType.isDictionary(vector.type) ? vector.type.dictionary : vector.type;
  if (type.typeId === Type.Int) {
    const raw = placeInt32OrMissing(core, vector, rows, 0);
    core.exports.sexFromInt(raw.ptr, rows, raw.ptr);
    return raw;
  }
  const placed = placeCodeIds(core, vector, column, file);
  const map = core.placeI32(placed.labels.map(encodeLabel));
  core.exports.remapIds(placed.ids.ptr, rows, map.ptr, placed.ids.ptr);
  core.free(map);
  // Nulls were -1 and stay -1 through remapIds; sexFromInt turns them into 0, unknown.
  core.exports.sexFromInt(placed.ids.ptr, rows, placed.ids.ptr);
  return placed.ids;
}
