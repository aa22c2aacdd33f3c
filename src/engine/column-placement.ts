// Moves Arrow columns into Wasm linear memory as dense typed columns: numbers by memcpy, codes as ids.
// Per-row work happens in the core (conversion, interning, remapping), never in a JavaScript loop.
import { DataType, Type, TimeUnit, type Data, type Vector } from 'apache-arrow';
import { fail } from './engine-errors.ts';
import type { Block, WasmCore } from './wasm-core.ts';

type Chunk = Data<DataType>;

function chunkValues(data: Chunk): ArrayLike<number> | BigInt64Array | BigUint64Array {
  const values = data.values as Int32Array | Float64Array | BigInt64Array;
  return values.subarray(data.offset, data.offset + data.length);
}

/** Row (0-based, within the whole column) of the first null, or -1. */
export function firstNullRow(vector: Vector): number {
  let base = 0;
  for (const data of vector.data) {
    if (data.nullCount > 0) {
      for (let i = 0; i < data.length; i++) if (!data.getValid(i)) return base + i;
    }
    base += data.length;
  }
  return -1;
}

function refuseNulls(vector: Vector, column: string, file: string): void {
  if (vector.nullCount === 0) return;
  const row = firstNullRow(vector);
  fail('data.null_value', `${file}: column "${column}" has ${vector.nullCount} empty values (first at row ${row + 1})`,
    { file, column, count: vector.nullCount, row: row + 1 }, { file, column, row: row + 1 });
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
export function placeInt32Column(core: WasmCore, vector: Vector, column: string, file: string): Block {
  refuseNulls(vector, column, file);
  const block = core.alloc(vector.length * 4);
  let offset = 0;
  for (const data of vector.data) {
    const values = chunkValues(data);
    if (values instanceof BigInt64Array || values instanceof BigUint64Array) placeWide(core, values, block, offset, 0n);
    else core.i32(block, vector.length).set(values, offset);
    offset += data.length;
  }
  return block;
}

/** A numeric column as float64 in Wasm. */
export function placeFloat64Column(core: WasmCore, vector: Vector, column: string, file: string): Block {
  refuseNulls(vector, column, file);
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
  return block;
}

const TICKS_PER_DAY: Record<number, bigint> = {
  [TimeUnit.SECOND]: 86_400n,
  [TimeUnit.MILLISECOND]: 86_400_000n,
  [TimeUnit.MICROSECOND]: 86_400_000_000n,
  [TimeUnit.NANOSECOND]: 86_400_000_000_000n,
};

/** A date32/date64/timestamp column as int32 day numbers since 1970-01-01. */
export function placeDayColumn(core: WasmCore, vector: Vector, column: string, file: string): Block {
  refuseNulls(vector, column, file);
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
