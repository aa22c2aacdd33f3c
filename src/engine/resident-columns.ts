// Column sets that live in Wasm memory between kernel calls: inputs placed (or borrowed) and outputs
// allocated, each described to the kernel by one small block of pointers in a fixed order.
import type { Block, WasmCore } from './wasm-core.ts';

/** Input columns described to a kernel; `owned` blocks were placed here and are freed by release. */
export interface ResidentColumns {
  n: number;
  descriptor: Block;
  owned: Block[];
}

/** Output columns in Wasm memory, by name, with their descriptor. */
export interface ResidentOutput<K extends string> {
  n: number;
  descriptor: Block;
  columns: Record<K, Block>;
}

function descriptorOf(core: WasmCore, ptrs: readonly number[]): Block {
  const descriptor = core.alloc(ptrs.length * 4);
  core.i32(descriptor, ptrs.length).set(ptrs);
  return descriptor;
}

/** One block holding a typed array's bytes as they are (u8 stays u8, i32 stays i32). */
export function placeBytes(core: WasmCore, a: ArrayBufferView): Block {
  const block = core.alloc(a.byteLength);
  core.u8(block, a.byteLength).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return block;
}

/** Describes columns the caller already keeps in Wasm memory; only the descriptor is allocated. */
export function borrowColumns<K extends string>(core: WasmCore, names: readonly K[], n: number, ptrs: Record<K, number>): ResidentColumns {
  return { n, descriptor: descriptorOf(core, names.map((k) => ptrs[k])), owned: [] };
}

/** Copies the named columns into Wasm memory and describes them. */
export function placeColumns<K extends string>(core: WasmCore, names: readonly K[], n: number, cols: Record<K, ArrayBufferView>): ResidentColumns {
  const owned = names.map((k) => placeBytes(core, cols[k]));
  return { n, descriptor: descriptorOf(core, owned.map((b) => b.ptr)), owned };
}

export function releaseColumns(core: WasmCore, set: ResidentColumns): void {
  for (const b of set.owned) core.free(b);
  core.free(set.descriptor);
  set.owned = [];
}

/** Allocates n rows of each named output column (`bytes` per row) and describes them. */
export function allocOutput<K extends string>(core: WasmCore, names: readonly K[], bytes: Readonly<Record<K, number>>, n: number): ResidentOutput<K> {
  const columns = Object.fromEntries(names.map((k) => [k, core.alloc(n * bytes[k])])) as Record<K, Block>;
  return { n, descriptor: descriptorOf(core, names.map((k) => columns[k].ptr)), columns };
}

export function releaseOutput<K extends string>(core: WasmCore, out: ResidentOutput<K>): void {
  for (const k of Object.keys(out.columns) as K[]) core.free(out.columns[k]);
  core.free(out.descriptor);
}
