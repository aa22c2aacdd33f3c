// Host side of the Wasm DRG grouper (assembly/drg-grouper.ts): places a compiled ruleset's tables in linear
// memory once, then groups case id columns into the reference grouper's DrgOutput. No Arrow, no workers.
import { FLAG_RETRY_EACH_OTHER_PROC } from '../../assembly/rule-codes.ts';
import type { CaseColumns } from '../rules/case-encoding.ts';
import type { CompiledRuleset } from '../rules/ruleset-compile.ts';
import type { DrgOutput } from './reference/drg-grouper.ts';
import type { WasmCore } from './wasm-core.ts';
import type { ResidentOutput } from './resident-columns.ts';
import { WasmGrouperShell, type GrouperLayout, type ResidentCases, type TableWord } from './wasm-grouper-shell.ts';

export type { ResidentCases };

/** The core's DRG exports (assembly/rule-tables.ts, assembly/drg-grouper.ts). */
interface DrgExports {
  drgTablesWords(): number;
  drgTablesInit(handle: number): number;
  drgTablesRelease(handle: number): void;
  drgCasesWords(): number;
  drgOutWords(): number;
  drgGroup(tables: number, cases: number, out: number, from: number, to: number): void;
}

/** The DrgTables block, word by word: a table name places that array, a function gives a number. */
const TABLE_WORDS: readonly TableWord[] = [
  'dxSeverity', 'dxCcExclusion', 'dxPrincipalExclusion', (t) => t.dxSeverity.length, (t) => t.procIsOr.length,
  'listStart', 'listEnd', 'listSpace', 'listIds', (t) => t.listStart.length,
  'prog', (t) => t.prog.length,
  'checkWhen', 'checkReason', (t) => t.checkWhen.length,
  'mdcGuard', 'mdcStepStart', 'mdcStepEnd', (t) => t.mdcGuard.length,
  'stepKind', 'stepTarget', 'stepWhen', 'stepEntry',
  'adrgWhen', 'adrgSplitStart', 'adrgSplitEnd', 'adrgFallback',
  'splitWhen', 'splitDrg', 'drgAdrg',
  (t) => (t.flags[FLAG_RETRY_EACH_OTHER_PROC] === 1 ? 1 : 0),
];
/** Words the core fills in drgTablesInit (fused program, membership rows, candidate bitsets), last: their bytes. */
const DERIVED_WORDS = 19;
const DERIVED_BYTES_WORD = TABLE_WORDS.length + DERIVED_WORDS - 1;

/** Case columns in DrgCases order (assembly/drg-grouper.ts). */
export const DRG_CASE_COLUMNS = [
  'principalDx', 'secondaryDx', 'secondaryDxOffsets', 'principalProc', 'otherProcs', 'otherProcsOffsets',
  'ageYears', 'ageDays', 'sex', 'birthWeightG', 'los', 'dischargeStatus', 'icuHours', 'department',
] as const;
export type DrgCaseColumn = (typeof DRG_CASE_COLUMNS)[number];

/** Output columns in DrgOut order; 4 + 4 + 4 + 1 + 4 + 1 = 18 bytes per case. */
export const DRG_OUT_COLUMNS = ['mdc', 'adrg', 'drg', 'severity', 'severityDx', 'reason'] as const;
const OUT_BYTES: Readonly<Record<keyof DrgOutput, number>> = { mdc: 4, adrg: 4, drg: 4, severity: 1, severityDx: 4, reason: 1 };
export const DRG_OUTPUT_BYTES_PER_CASE = DRG_OUT_COLUMNS.reduce((s, k) => s + OUT_BYTES[k], 0);

/** Output columns resident in Wasm memory. */
export type ResidentDrgOutput = ResidentOutput<keyof DrgOutput>;

const LAYOUT: GrouperLayout<DrgCaseColumn, keyof DrgOutput> = {
  name: 'WasmDrgGrouper', tableWords: TABLE_WORDS, blockWords: TABLE_WORDS.length + DERIVED_WORDS,
  caseColumns: DRG_CASE_COLUMNS, outColumns: DRG_OUT_COLUMNS, outBytes: OUT_BYTES,
};

/** The core's DRG exports, once their layouts are checked against this file's. */
function drgExports(core: WasmCore): DrgExports {
  const x = core.exports as unknown as DrgExports;
  if (x.drgTablesWords() !== LAYOUT.blockWords || x.drgCasesWords() !== DRG_CASE_COLUMNS.length || x.drgOutWords() !== DRG_OUT_COLUMNS.length) {
    throw new Error('Wasm core DRG layouts differ from src/engine/wasm-drg-grouper.ts: rebuild the core');
  }
  return x;
}

export class WasmDrgGrouper extends WasmGrouperShell<DrgCaseColumn, keyof DrgOutput, CaseColumns, DrgOutput> {
  private readonly x: DrgExports;
  /** Bytes in Wasm memory for this ruleset: the placed tables plus what the core derives from them. */
  readonly tableBytes: number;

  constructor(core: WasmCore, compiled: CompiledRuleset) {
    const x = drgExports(core);
    super(core, compiled, LAYOUT);
    this.x = x;
    if (x.drgTablesInit(this.handle!.ptr) !== 0) {
      this.free();
      throw new Error('Wasm core: out of memory deriving the DRG membership rows');
    }
    this.tableBytes = this.placedBytes + core.i32(this.handle!, LAYOUT.blockWords)[DERIVED_BYTES_WORD]!;
  }

  protected releaseTables(handle: number): void {
    this.x.drgTablesRelease(handle);
  }

  protected runKernel(handle: number, cases: ResidentCases, out: ResidentDrgOutput, from: number, to: number): void {
    this.x.drgGroup(handle, cases.descriptor.ptr, out.descriptor.ptr, from, to);
  }

  readOutput(out: ResidentDrgOutput): DrgOutput {
    const c = this.core, o = out.columns, n = out.n;
    return {
      mdc: c.i32(o.mdc, n).slice(), adrg: c.i32(o.adrg, n).slice(), drg: c.i32(o.drg, n).slice(),
      severity: c.u8(o.severity, n).slice(), severityDx: c.i32(o.severityDx, n).slice(), reason: c.u8(o.reason, n).slice(),
    };
  }
}
