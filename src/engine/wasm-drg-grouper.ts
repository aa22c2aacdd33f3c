// Host side of the Wasm DRG grouper (assembly/drg-grouper.ts): places a compiled ruleset's tables in linear
// memory once, then groups case id columns into the reference grouper's DrgOutput. No Arrow, no workers.
import type { CaseColumns } from '../rules/case-encoding.ts';
import type { CompiledRuleset, CompiledTables } from '../rules/ruleset-compile.ts';
import type { DrgOutput } from './reference/drg-grouper.ts';
import type { Block, WasmCore } from './wasm-core.ts';
import {
  allocOutput, borrowColumns, placeBytes, placeColumns, releaseColumns, releaseOutput, type ResidentColumns, type ResidentOutput,
} from './resident-columns.ts';

/** The core's DRG exports (assembly/rule-tables.ts, assembly/drg-grouper.ts). */
interface DrgExports {
  drgTablesWords(): number;
  drgTablesInit(handle: number): number;
  drgTablesRelease(handle: number): void;
  drgCasesWords(): number;
  drgOutWords(): number;
  drgGroup(tables: number, cases: number, out: number, from: number, to: number): void;
}

type TableWord = keyof CompiledTables | ((t: CompiledTables) => number);

/** The DrgTables block, word by word: a table name places that array, a function gives a number. */
const TABLE_WORDS: readonly TableWord[] = [
  'dxSeverity', 'dxCcExclusion', 'dxPrincipalExclusion', (t) => t.dxSeverity.length, (t) => t.procIsOr.length,
  'listStart', 'listEnd', 'listSpace', 'listIds', (t) => t.listStart.length,
  'prog', (t) => t.prog.length,
  'checkWhen', 'checkReason', (t) => t.checkWhen.length,
  'mdcGuard', 'mdcStepStart', 'mdcStepEnd', (t) => t.mdcGuard.length,
  'stepKind', 'stepTarget', 'stepWhen',
  'adrgWhen', 'adrgSplitStart', 'adrgSplitEnd', 'adrgFallback',
  'splitWhen', 'splitDrg', 'drgAdrg',
  (t) => (t.flags[0] === 1 ? 1 : 0),
];
/** Words the core fills in drgTablesInit (fused program, membership rows, candidate bitsets), last: their bytes. */
const DERIVED_WORDS = 19;
const DERIVED_BYTES_WORD = TABLE_WORDS.length + DERIVED_WORDS - 1;

/** Case columns in DrgCases order (assembly/drg-grouper.ts). */
export const DRG_CASE_COLUMNS = [
  'principalDx', 'secondaryDx', 'secondaryDxOffsets', 'principalProc', 'otherProcs', 'otherProcsOffsets',
  'ageYears', 'ageDays', 'sex', 'birthWeightG', 'los', 'dischargeStatus',
] as const;
export type DrgCaseColumn = (typeof DRG_CASE_COLUMNS)[number];

/** Output columns in DrgOut order; 4 + 4 + 4 + 1 + 4 + 1 = 18 bytes per case. */
export const DRG_OUT_COLUMNS = ['mdc', 'adrg', 'drg', 'severity', 'severityDx', 'reason'] as const;
const OUT_BYTES: Readonly<Record<keyof DrgOutput, number>> = { mdc: 4, adrg: 4, drg: 4, severity: 1, severityDx: 4, reason: 1 };
export const DRG_OUTPUT_BYTES_PER_CASE = DRG_OUT_COLUMNS.reduce((s, k) => s + OUT_BYTES[k], 0);

/** Case columns resident in Wasm memory: the descriptor the kernel reads, and the blocks this side owns. */
/** Case columns resident in Wasm memory (placed by `placeCases`, or borrowed by `residentCases`). */
export type ResidentCases = ResidentColumns;

/** Output columns resident in Wasm memory. */
export type ResidentDrgOutput = ResidentOutput<keyof DrgOutput>;

export class WasmDrgGrouper {
  private readonly core: WasmCore;
  private readonly x: DrgExports;
  private tableBlocks: Block[] = [];
  private handle: Block | null;
  /** Bytes in Wasm memory for this ruleset: the placed tables plus what the core derives from them. */
  readonly tableBytes: number;

  constructor(core: WasmCore, compiled: CompiledRuleset) {
    this.core = core;
    this.x = core.exports as unknown as DrgExports;
    const words = TABLE_WORDS.length + DERIVED_WORDS;
    if (this.x.drgTablesWords() !== words || this.x.drgCasesWords() !== DRG_CASE_COLUMNS.length || this.x.drgOutWords() !== DRG_OUT_COLUMNS.length) {
      throw new Error('Wasm core DRG layouts differ from src/engine/wasm-drg-grouper.ts: rebuild the core');
    }
    const t = compiled.tables;
    const values = TABLE_WORDS.map((w) => {
      if (typeof w === 'function') return w(t);
      const block = placeBytes(core, t[w]);
      this.tableBlocks.push(block);
      return block.ptr;
    });
    this.handle = core.alloc(words * 4);
    const view = core.i32(this.handle, words);
    view.fill(0);
    view.set(values);
    if (this.x.drgTablesInit(this.handle.ptr) !== 0) {
      this.free();
      throw new Error('Wasm core: out of memory deriving the DRG membership rows');
    }
    let placed = 0;
    for (const b of this.tableBlocks) placed += b.bytes;
    this.tableBytes = placed + words * 4 + core.i32(this.handle, words)[DERIVED_BYTES_WORD]!;
  }

  /** Releases the tables; the grouper is unusable afterwards. */
  free(): void {
    if (this.handle) {
      this.x.drgTablesRelease(this.handle.ptr);
      this.core.free(this.handle);
      this.handle = null;
    }
    for (const b of this.tableBlocks) this.core.free(b);
    this.tableBlocks = [];
  }

  /** Groups case columns held in JavaScript: places them, groups, copies the outputs out, frees. */
  group(cols: CaseColumns): DrgOutput {
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
  groupResident(cases: ResidentCases, out: ResidentDrgOutput, from = 0, to = cases.n): void {
    if (!this.handle) throw new Error('WasmDrgGrouper used after free()');
    if (to > out.n || to > cases.n || from < 0) throw new Error(`groupResident: rows [${from}, ${to}) outside ${cases.n} cases / ${out.n} outputs`);
    this.x.drgGroup(this.handle.ptr, cases.descriptor.ptr, out.descriptor.ptr, from, to);
  }

  /** Copies case columns into Wasm memory. */
  placeCases(cols: CaseColumns): ResidentCases {
    return placeColumns(this.core, DRG_CASE_COLUMNS, cols.n, cols);
  }

  /**
   * Describes columns the caller already keeps in Wasm memory (i32 ids/numbers, u8 sex, n + 1 offsets);
   * only the small descriptor is allocated here.
   */
  residentCases(n: number, ptrs: Record<DrgCaseColumn, number>): ResidentCases {
    return borrowColumns(this.core, DRG_CASE_COLUMNS, n, ptrs);
  }

  releaseCases(cases: ResidentCases): void {
    releaseColumns(this.core, cases);
  }

  allocOutput(n: number): ResidentDrgOutput {
    return allocOutput(this.core, DRG_OUT_COLUMNS, OUT_BYTES, n);
  }

  /** Copies resident outputs into fresh typed arrays (views are taken now: memory may have grown). */
  readOutput(out: ResidentDrgOutput): DrgOutput {
    const c = this.core, o = out.columns, n = out.n;
    return {
      mdc: c.i32(o.mdc, n).slice(), adrg: c.i32(o.adrg, n).slice(), drg: c.i32(o.drg, n).slice(),
      severity: c.u8(o.severity, n).slice(), severityDx: c.i32(o.severityDx, n).slice(), reason: c.u8(o.reason, n).slice(),
    };
  }

  releaseOutput(out: ResidentDrgOutput): void {
    releaseOutput(this.core, out);
  }
}
