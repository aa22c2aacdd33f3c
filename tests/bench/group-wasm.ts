// Benchmark of DRG grouping, Wasm kernel vs the TypeScript reference, on cases.csv resampled to 1M cases.
// `npx tsx tests/bench/group-wasm.ts [cases]`, or `benchGrouping()` from run.ts; reads ../shared/reference.
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  CHS_MISSING_MESSAGE, chsReferenceDir, encodeChsRows, importChsReference, readChsCases, regionalReferenceDirs, type ChsCaseRows,
} from '../unit/chs-reference-data.ts';
import { compileRuleset, compiledTableBytes } from '../../src/rules/ruleset-compile.ts';
import { allocDrgOutput, groupDrg, type DrgOutput } from '../../src/engine/reference/drg-grouper.ts';
import { loadCoreModule } from '../../src/engine/node/engine-node.ts';
import { WasmCore } from '../../src/engine/wasm-core.ts';
import { DRG_OUTPUT_BYTES_PER_CASE, WasmDrgGrouper } from '../../src/engine/wasm-drg-grouper.ts';

export interface GroupingBench {
  kernel: 'drg-grouping';
  cases: number;
  compile_ms: number;
  /** Bytes of the compiled typed tables (CompiledTables), and what the Wasm side holds for them (+ bitsets). */
  table_bytes: number;
  wasm_table_bytes: number;
  wasm_ms: number;
  reference_ms: number;
  wasm_cases_per_s: number;
  reference_cases_per_s: number;
  /** reference ÷ Wasm time. */
  ratio: number;
  output_bytes_per_case: number;
  grouped: number;
}

/** Deterministic resample (xorshift32) of row indices, so runs and tests are comparable. */
export function resamplePick(n: number, rows: number, seed = 0x2545f491): Int32Array {
  const pick = new Int32Array(n);
  let s = seed | 0;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    pick[i] = (s >>> 0) % rows;
  }
  return pick;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function sameOutput(a: DrgOutput, b: DrgOutput, n: number): boolean {
  for (const k of Object.keys(a) as (keyof DrgOutput)[]) {
    for (let i = 0; i < n; i++) if (a[k][i] !== b[k][i]) return false;
  }
  return true;
}

/** Times both groupers on the same resampled cases (median of `reps` after a warm-up); null without the reference data. */
export async function benchGrouping(cases = 1_000_000, reps = 5, preloaded?: { rows: ChsCaseRows }): Promise<GroupingBench | null> {
  const dir = chsReferenceDir();
  return dir ? benchGroupingIn(dir, cases, reps, preloaded) : null;
}

/** The regional rule sets of ../shared/reference/regional, each on 1M cases resampled from its own cases.csv. */
export interface RegionalGroupingBench {
  versions: ({ version: string } & GroupingBench)[];
  /** The version with the lowest Wasm throughput (issue #12 reports it). */
  slowest: string;
  slowest_wasm_cases_per_s: number;
  slowest_compile_ms: number;
  min_ratio: number;
}

export async function benchRegionalGrouping(cases = 1_000_000, reps = 3): Promise<RegionalGroupingBench | null> {
  const dirs = regionalReferenceDirs();
  if (!dirs.length) return null;
  const versions: RegionalGroupingBench['versions'] = [];
  for (const { name, dir } of dirs) versions.push({ version: name, ...(await benchGroupingIn(dir, cases, reps)) });
  const slowest = versions.reduce((a, b) => (b.wasm_cases_per_s < a.wasm_cases_per_s ? b : a));
  return {
    versions, slowest: slowest.version, slowest_wasm_cases_per_s: slowest.wasm_cases_per_s,
    slowest_compile_ms: Math.max(...versions.map((v) => v.compile_ms)), min_ratio: Math.min(...versions.map((v) => v.ratio)),
  };
}

async function benchGroupingIn(dir: string, cases: number, reps: number, preloaded?: { rows: ChsCaseRows }): Promise<GroupingBench> {
  const ruleset = importChsReference(dir);
  let t0 = performance.now();
  const compiled = compileRuleset(ruleset);
  const compileMs = performance.now() - t0;
  const rows = preloaded?.rows ?? readChsCases(dir);
  const cols = encodeChsRows(compiled, rows, resamplePick(cases, rows.caseId.length));

  const core = new WasmCore(await loadCoreModule());
  const grouper = new WasmDrgGrouper(core, compiled);
  const resident = grouper.placeCases(cols);
  const residentOut = grouper.allocOutput(cases);
  const refOut = allocDrgOutput(cases);
  try {
    const wasmMs: number[] = [];
    const refMs: number[] = [];
    grouper.groupResident(resident, residentOut); // warm-up: tier-up, first touch of the output pages
    groupDrg(compiled, cols, refOut);
    for (let r = 0; r < reps; r++) {
      // Interleaved, so both see the same machine state.
      t0 = performance.now();
      grouper.groupResident(resident, residentOut);
      wasmMs.push(performance.now() - t0);
      t0 = performance.now();
      groupDrg(compiled, cols, refOut);
      refMs.push(performance.now() - t0);
    }
    // A bench that disagrees with the oracle is not worth printing.
    const wasmOut = grouper.readOutput(residentOut);
    if (!sameOutput(refOut, wasmOut, cases)) throw new Error('bench: Wasm and reference DRG outputs differ');
    let grouped = 0;
    for (let i = 0; i < cases; i++) if (refOut.drg[i]! >= 0) grouped++;
    const wasm = median(wasmMs);
    const reference = median(refMs);
    return {
      kernel: 'drg-grouping',
      cases,
      compile_ms: +compileMs.toFixed(1),
      table_bytes: compiledTableBytes(compiled),
      wasm_table_bytes: grouper.tableBytes,
      wasm_ms: +wasm.toFixed(2),
      reference_ms: +reference.toFixed(2),
      wasm_cases_per_s: Math.round(cases / (wasm / 1000)),
      reference_cases_per_s: Math.round(cases / (reference / 1000)),
      ratio: +(reference / wasm).toFixed(2),
      output_bytes_per_case: DRG_OUTPUT_BYTES_PER_CASE,
      grouped,
    };
  } finally {
    grouper.releaseOutput(residentOut);
    grouper.releaseCases(resident);
    grouper.free();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const n = Number(process.argv[2] ?? 1_000_000);
  const r = await benchGrouping(n);
  if (!r) console.log(CHS_MISSING_MESSAGE);
  else {
    const f = (x: number) => x.toLocaleString('en');
    console.log(`Node ${process.version}; CHS-DRG 1.1 rules, ${f(r.cases)} cases resampled from cases.csv; median of 5 after a warm-up`);
    console.log(`compile ${r.compile_ms} ms; compiled tables ${f(r.table_bytes)} bytes (in Wasm, with derived membership rows and candidate sets: ${f(r.wasm_table_bytes)} bytes)`);
    console.log(`wasm      ${r.wasm_ms.toFixed(1).padStart(8)} ms  ${f(r.wasm_cases_per_s).padStart(11)} cases/s`);
    console.log(`reference ${r.reference_ms.toFixed(1).padStart(8)} ms  ${f(r.reference_cases_per_s).padStart(11)} cases/s`);
    console.log(`ratio ${r.ratio}×; outputs ${r.output_bytes_per_case} bytes/case; grouped ${f(r.grouped)}; outputs identical`);
  }
}
