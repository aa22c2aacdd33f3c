// A typed face over the Wasm core's raw exports: allocation and fresh views into linear memory.
// Views must be taken after every allocation, because growing memory detaches the old ArrayBuffer.

export interface CoreExports {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  free(ptr: number): void;
  internerNew(): number;
  internerFree(handle: number): void;
  internerCount(handle: number): number;
  internUtf8(handle: number, offsets: number, bytes: number, n: number, outIds: number, firstRow: number): number;
  remapIds(src: number, n: number, map: number, dst: number): void;
  unitSummary(
    n: number, nUnits: number, unit: number, cost: number, los: number, status: number,
    outCases: number, outSumCost: number, outSumLos: number, outDeaths: number,
  ): void;
  deriveLos(n: number, admitDay: number, dischargeDay: number, outLos: number): void;
  pairIds(n: number, a: number, b: number, nb: number, out: number): void;
  i64ToI32(n: number, src: number, dst: number): void;
  ticksToDays(n: number, src: number, ticksPerDay: bigint, dst: number): void;
  maskNulls(dst: number, n: number, bitmap: number, bitOffset: number, value: number): void;
  rebaseOffsets(src: number, count: number, base: number, dst: number): void;
  compactList(ids: number, offsets: number, n: number): number;
  sexFromInt(src: number, n: number, dst: number): void;
}

/** A block of linear memory owned by the host; `free` it when done. */
export interface Block {
  ptr: number;
  bytes: number;
}

export class WasmCore {
  readonly exports: CoreExports;

  constructor(module: WebAssembly.Module) {
    const instance = new WebAssembly.Instance(module, {
      env: {
        abort: (_msg: number, _file: number, line: number, column: number) => {
          throw new Error(`Wasm core aborted at ${line}:${column}`);
        },
      },
    });
    this.exports = instance.exports as unknown as CoreExports;
  }

  alloc(bytes: number): Block {
    const ptr = this.exports.alloc(Math.max(bytes, 8));
    if (!ptr) throw new Error(`Wasm core could not allocate ${bytes} bytes`);
    return { ptr, bytes };
  }

  free(block: Block | null | undefined): void {
    if (block && block.ptr) this.exports.free(block.ptr);
  }

  i32(block: Block, length = block.bytes >>> 2): Int32Array {
    return new Int32Array(this.exports.memory.buffer, block.ptr, length);
  }

  f64(block: Block, length = block.bytes >>> 3): Float64Array {
    return new Float64Array(this.exports.memory.buffer, block.ptr, length);
  }

  u8(block: Block, length = block.bytes): Uint8Array {
    return new Uint8Array(this.exports.memory.buffer, block.ptr, length);
  }

  /** Copies a typed array into a new block (one memcpy, element conversion done natively by `set`). */
  placeI32(values: ArrayLike<number>): Block {
    const block = this.alloc(values.length * 4);
    this.i32(block, values.length).set(values);
    return block;
  }

  placeF64(values: ArrayLike<number>): Block {
    const block = this.alloc(values.length * 8);
    this.f64(block, values.length).set(values);
    return block;
  }

  placeU8(values: Uint8Array): Block {
    const block = this.alloc(values.length);
    this.u8(block, values.length).set(values);
    return block;
  }
}
