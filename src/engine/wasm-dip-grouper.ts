// Host side of the Wasm DIP grouper (assembly/dip-grouper.ts): places a compiled ruleset's DIP tables in linear
// memory once, then groups case id columns into the reference grouper's DipOutput. No Arrow, no workers.
import type { DipCaseColumns } from '../rules/dip-encoding.ts';
import type { CompiledRuleset, CompiledTables } from '../rules/ruleset-compile.ts';
import type { DipOutput } from './reference/dip-grouper.ts';
import type { ResidentCases } from './wasm-drg-grouper.ts';
import type { Block, WasmCore } from './wasm-core.ts';
import {
  allocOutput, borrowColumns, placeBytes, placeColumns, releaseColumns, releaseOutput, type ResidentOutput,
} from './resident-columns.ts';

/** The core's DIP exports. */
interface DipExports {
  dipTablesWords(): number;
  dipTablesRelease(handle: number): void;
  dipCasesWords(): number;
  dipOutWords(): number;
  dipGroup(tables: number, cases: number, out: number, from: number, to: number): number;
}

type TableWord = keyof CompiledTables | ((t: CompiledTables) => number);

/** The DipTables block, word by word: a table name places that array, a function gives a number. */
const DIP_TABLE_WORDS: readonly TableWord[] = [
  'dxDipCategory', (t) => t.dxDipCategory.length,
  'procDipProc', 'procDipClass', (t) => t.procDipProc.length,
  'dipKeyCoreStart', 'dipKeyCoreEnd', 'dipKeyCore', (t) => t.dipKeyCoreStart.length,
  'dipCoreProcStart', 'dipCoreProcEnd', 'dipCoreProcs',
  'dipCategoryGroup', 'dipGroupKind', 'dipGroupScore',
];
/** Words the core owns at the end of the block (its scratch set and capacity). */
const CORE_WORDS = 2;

/** Case columns in DipCases order (assembly/dip-grouper.ts). */
export const DIP_CASE_COLUMNS = ['principalDx', 'principalDxDipKey', 'principalProc', 'otherProcs', 'otherProcsOffsets'] as const;
export type DipCaseColumn = (typeof DIP_CASE_COLUMNS)[number];

/** Output columns in DipOut order; 4 + 1 + 8 = 13 bytes per case. */
export const DIP_OUT_COLUMNS = ['group', 'kind', 'score'] as const;
const OUT_BYTES: Readonly<Record<keyof DipOutput, number>> = { group: 4, kind: 1, score: 8 };
export const DIP_OUTPUT_BYTES_PER_CASE = DIP_OUT_COLUMNS.reduce((s, k) => s + OUT_BYTES[k], 0);

/** Output columns resident in Wasm memory. */
export type ResidentDipOutput = ResidentOutput<keyof DipOutput>;

export class WasmDipGrouper {
  private readonly core: WasmCore;
  private readonly x: DipExports;
  private tableBlocks: Block[] = [];
  private handle: Block | null;
  /** Bytes in Wasm memory for this ruleset's DIP tables (the scratch set aside). */
  readonly tableBytes: number;

  constructor(core: WasmCore, compiled: CompiledRuleset) {
    this.core = core;
    this.x = core.exports as unknown as DipExports;
    const words = DIP_TABLE_WORDS.length + CORE_WORDS;
    if (this.x.dipTablesWords() !== words || this.x.dipCasesWords() !== DIP_CASE_COLUMNS.length || this.x.dipOutWords() !== DIP_OUT_COLUMNS.length) {
      throw new Error('Wasm core DIP layouts differ from src/engine/wasm-dip-grouper.ts: rebuild the core');
    }
    const t = compiled.tables;
    const values = DIP_TABLE_WORDS.map((w) => {
      if (typeof w === 'function') return w(t);
      const block = placeBytes(core, t[w]);
      this.tableBlocks.push(block);
      return block.ptr;
    });
    this.handle = core.alloc(words * 4);
    const view = core.i32(this.handle, words);
    view.fill(0);
    view.set(values);
    let placed = 0;
    for (const b of this.tableBlocks) placed += b.bytes;
    this.tableBytes = placed + words * 4;
  }

  /** Releases the tables; the grouper is unusable afterwards. */
  free(): void {
    if (this.handle) {
      this.x.dipTablesRelease(this.handle.ptr);
      this.core.free(this.handle);
      this.handle = null;
    }
    for (const b of this.tableBlocks) this.core.free(b);
    this.tableBlocks = [];
  }

  /** Groups case columns held in JavaScript: places them, groups, copies the outputs out, frees. */
  group(cols: DipCaseColumns): DipOutput {
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
  groupResident(cases: ResidentCases, out: ResidentDipOutput, from = 0, to = cases.n): void {
    if (!this.handle) throw new Error('WasmDipGrouper used after free()');
    if (to > out.n || to > cases.n || from < 0) throw new Error(`groupResident: rows [${from}, ${to}) outside ${cases.n} cases / ${out.n} outputs`);
    if (this.x.dipGroup(this.handle.ptr, cases.descriptor.ptr, out.descriptor.ptr, from, to) !== 0) {
      throw new Error('Wasm core: out of memory for the DIP procedure set');
    }
  }

  /** Copies the case columns the DIP grouper reads into Wasm memory. */
  placeCases(cols: DipCaseColumns): ResidentCases {
    return placeColumns(this.core, DIP_CASE_COLUMNS, cols.n, cols);
  }

  /**
   * Describes columns the caller already keeps in Wasm memory (the DRG grouper's principalDx, principalProc,
   * otherProcs and offsets can be shared; principalDxDipKey is i32 per case); only the descriptor is allocated.
   */
  residentCases(n: number, ptrs: Record<DipCaseColumn, number>): ResidentCases {
    return borrowColumns(this.core, DIP_CASE_COLUMNS, n, ptrs);
  }

  releaseCases(cases: ResidentCases): void {
    releaseColumns(this.core, cases);
  }

  allocOutput(n: number): ResidentDipOutput {
    return allocOutput(this.core, DIP_OUT_COLUMNS, OUT_BYTES, n);
  }

  /** Copies resident outputs into fresh typed arrays (views are taken now: memory may have grown). */
  readOutput(out: ResidentDipOutput): DipOutput {
    const c = this.core, o = out.columns, n = out.n;
    return { group: c.i32(o.group, n).slice(), kind: c.u8(o.kind, n).slice(), score: c.f64(o.score, n).slice() };
  }

  releaseOutput(out: ResidentDipOutput): void {
    releaseOutput(this.core, out);
  }
}
