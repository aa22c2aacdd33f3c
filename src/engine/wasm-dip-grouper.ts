// Host side of the Wasm DIP grouper (assembly/dip-grouper.ts): places a compiled ruleset's DIP tables in linear
// memory once, then groups case id columns into the reference grouper's DipOutput. No Arrow, no workers.
import type { DipCaseColumns } from '../rules/dip-encoding.ts';
import type { CompiledRuleset } from '../rules/ruleset-compile.ts';
import type { DipOutput } from './reference/dip-grouper.ts';
import type { WasmCore } from './wasm-core.ts';
import type { ResidentOutput } from './resident-columns.ts';
import { WasmGrouperShell, type GrouperLayout, type ResidentCases, type TableWord } from './wasm-grouper-shell.ts';

/** The core's DIP exports. */
interface DipExports {
  dipTablesWords(): number;
  dipTablesRelease(handle: number): void;
  dipCasesWords(): number;
  dipOutWords(): number;
  dipGroup(tables: number, cases: number, out: number, from: number, to: number): number;
}

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

const LAYOUT: GrouperLayout<DipCaseColumn, keyof DipOutput> = {
  name: 'WasmDipGrouper', tableWords: DIP_TABLE_WORDS, blockWords: DIP_TABLE_WORDS.length + CORE_WORDS,
  caseColumns: DIP_CASE_COLUMNS, outColumns: DIP_OUT_COLUMNS, outBytes: OUT_BYTES,
};

/** The core's DIP exports, once their layouts are checked against this file's. */
function dipExports(core: WasmCore): DipExports {
  const x = core.exports as unknown as DipExports;
  if (x.dipTablesWords() !== LAYOUT.blockWords || x.dipCasesWords() !== DIP_CASE_COLUMNS.length || x.dipOutWords() !== DIP_OUT_COLUMNS.length) {
    throw new Error('Wasm core DIP layouts differ from src/engine/wasm-dip-grouper.ts: rebuild the core');
  }
  return x;
}

/**
 * The DIP grouper. Its case columns can be borrowed from the DRG grouper's (principalDx, principalProc,
 * otherProcs and offsets) with residentCases; principalDxDipKey is i32 per case.
 */
export class WasmDipGrouper extends WasmGrouperShell<DipCaseColumn, keyof DipOutput, DipCaseColumns, DipOutput> {
  private readonly x: DipExports;
  /** Bytes in Wasm memory for this ruleset's DIP tables (the scratch set aside). */
  readonly tableBytes: number;

  constructor(core: WasmCore, compiled: CompiledRuleset) {
    const x = dipExports(core);
    super(core, compiled, LAYOUT);
    this.x = x;
    this.tableBytes = this.placedBytes;
  }

  protected releaseTables(handle: number): void {
    this.x.dipTablesRelease(handle);
  }

  protected runKernel(handle: number, cases: ResidentCases, out: ResidentDipOutput, from: number, to: number): void {
    if (this.x.dipGroup(handle, cases.descriptor.ptr, out.descriptor.ptr, from, to) !== 0) {
      throw new Error('Wasm core: out of memory for the DIP procedure set');
    }
  }

  readOutput(out: ResidentDipOutput): DipOutput {
    const c = this.core, o = out.columns, n = out.n;
    return { group: c.i32(o.group, n).slice(), kind: c.u8(o.kind, n).slice(), score: c.f64(o.score, n).slice() };
  }
}
