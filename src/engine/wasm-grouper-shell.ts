// What the Wasm DRG and DIP groupers share on the host side: a compiled ruleset's tables placed once in linear
// memory behind one handle block, and case and output columns placed, borrowed or read back around the kernel.
import type { CompiledRuleset, CompiledTables } from '../rules/ruleset-compile.ts';
import type { Block, WasmCore } from './wasm-core.ts';
import {
  allocOutput, borrowColumns, placeBytes, placeColumns, releaseColumns, releaseOutput, type ResidentColumns, type ResidentOutput,
} from './resident-columns.ts';

/** A word of a tables block: a table name places that array (the word is its pointer), a function gives a number. */
export type TableWord = keyof CompiledTables | ((t: CompiledTables) => number);

/** Case columns resident in Wasm memory (placed by `placeCases`, or borrowed by `residentCases`). */
export type ResidentCases = ResidentColumns;

/** The layout of one grouper: its tables block, case columns and output columns (kernel order). */
export interface GrouperLayout<C extends string, O extends string> {
  name: string;
  tableWords: readonly TableWord[];
  /** Words of the block in all, the core's own after the table words. */
  blockWords: number;
  caseColumns: readonly C[];
  outColumns: readonly O[];
  outBytes: Readonly<Record<O, number>>;
}

export abstract class WasmGrouperShell<C extends string, O extends string, Cases extends { n: number }, Output> {
  protected tableBlocks: Block[] = [];
  protected handle: Block | null;
  /** Bytes of the placed tables and the block (a grouper adds what its core derives). */
  protected readonly placedBytes: number;

  /** Places the tables; `layout` has been checked against the core's own counts by the caller. */
  protected constructor(protected readonly core: WasmCore, compiled: CompiledRuleset, private readonly layout: GrouperLayout<C, O>) {
    const t = compiled.tables;
    const values = layout.tableWords.map((w) => {
      if (typeof w === 'function') return w(t);
      const block = placeBytes(core, t[w]);
      this.tableBlocks.push(block);
      return block.ptr;
    });
    this.handle = core.alloc(layout.blockWords * 4);
    const view = core.i32(this.handle, layout.blockWords);
    view.fill(0);
    view.set(values);
    this.placedBytes = this.tableBlocks.reduce((n, b) => n + b.bytes, 0) + layout.blockWords * 4;
  }

  /** The core's release of what it derived from the block (before the block itself is freed). */
  protected abstract releaseTables(handle: number): void;
  /** The kernel over cases [from, to). */
  protected abstract runKernel(handle: number, cases: ResidentCases, out: ResidentOutput<O>, from: number, to: number): void;
  /** Copies resident outputs into fresh typed arrays (views are taken now: memory may have grown). */
  abstract readOutput(out: ResidentOutput<O>): Output;

  /** Releases the tables; the grouper is unusable afterwards. */
  free(): void {
    if (this.handle) {
      this.releaseTables(this.handle.ptr);
      this.core.free(this.handle);
      this.handle = null;
    }
    for (const b of this.tableBlocks) this.core.free(b);
    this.tableBlocks = [];
  }

  /** Groups case columns held in JavaScript: places them, groups, copies the outputs out, frees. */
  group(cols: Cases): Output {
    const cases = this.placeCases(cols);
    const out = this.allocOutput(cols.n);
    try {
      this.groupResident(cases, out);
      return this.readOutput(out);
    } finally {
      this.releaseOutput(out);
      this.releaseCases(cases);
    }
  }

  // ----- the resident path: columns stay in Wasm memory between calls ---------------------------------

  /** The kernel alone: groups cases [from, to) of resident columns into resident outputs. */
  groupResident(cases: ResidentCases, out: ResidentOutput<O>, from = 0, to = cases.n): void {
    if (!this.handle) throw new Error(`${this.layout.name} used after free()`);
    if (to > out.n || to > cases.n || from < 0) throw new Error(`groupResident: rows [${from}, ${to}) outside ${cases.n} cases / ${out.n} outputs`);
    this.runKernel(this.handle.ptr, cases, out, from, to);
  }

  /** Copies the case columns the kernel reads into Wasm memory. */
  placeCases(cols: Cases): ResidentCases {
    return placeColumns(this.core, this.layout.caseColumns, cols.n, cols as unknown as Record<C, ArrayBufferView>);
  }

  /** Describes columns the caller already keeps in Wasm memory; only the small descriptor is allocated. */
  residentCases(n: number, ptrs: Record<C, number>): ResidentCases {
    return borrowColumns(this.core, this.layout.caseColumns, n, ptrs);
  }

  releaseCases(cases: ResidentCases): void {
    releaseColumns(this.core, cases);
  }

  allocOutput(n: number): ResidentOutput<O> {
    return allocOutput(this.core, this.layout.outColumns, this.layout.outBytes, n);
  }

  releaseOutput(out: ResidentOutput<O>): void {
    releaseOutput(this.core, out);
  }
}
