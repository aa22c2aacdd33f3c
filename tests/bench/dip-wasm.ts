// Benchmark of DIP grouping (domain §4), Wasm kernel vs the TypeScript reference, on random demo cases.
// `npx tsx tests/bench/dip-wasm.ts [cases]`, or `benchDip()` from run.ts; nothing here asserts a time.
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { buildDemoRuleset } from '../../src/rules/demo/build-demo-ruleset.ts';
import { compileRuleset } from '../../src/rules/ruleset-compile.ts';
import { allocDipOutput, groupDip, type DipOutput } from '../../src/engine/reference/dip-grouper.ts';
import { loadCoreModule } from '../../src/engine/node/engine-node.ts';
import { WasmCore } from '../../src/engine/wasm-core.ts';
import { WasmDipGrouper } from '../../src/engine/wasm-dip-grouper.ts';
import type { DipCaseColumns } from '../../src/rules/dip-encoding.ts';
import { randomDipCases } from '../fixtures/dip-random-cases.ts';

export interface DipBench {
  kernel: 'dip-grouping';
  cases: number;
  wasm_ms: number;
  reference_ms: number;
  /** reference ÷ Wasm time. */
  ratio: number;
  wasm_cases_per_s: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function sameOutput(a: DipOutput, b: DipOutput): boolean {
  for (const k of ['group', 'kind', 'score'] as const) {
    const x = a[k], y = b[k];
    if (!Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(y.buffer, y.byteOffset, y.byteLength))) return false;
  }
  return true;
}

/** Times both groupers on the same seeded random demo cases (median of `reps` after a warm-up). */
export async function benchDip(cases = 1_000_000, reps = 5): Promise<DipBench> {
  const rs = buildDemoRuleset();
  const compiled = compileRuleset(rs);
  // Distinct cases are drawn once and tiled: encoding a million records would dominate the run.
  const drawn = randomDipCases(compiled, rs, Math.min(cases, 200_000));
  const cols = tile(drawn, cases);

  const core = new WasmCore(await loadCoreModule());
  const grouper = new WasmDipGrouper(core, compiled);
  const resident = grouper.placeCases(cols);
  const residentOut = grouper.allocOutput(cases);
  const refOut = allocDipOutput(cases);
  try {
    const wasmMs: number[] = [];
    const refMs: number[] = [];
    grouper.groupResident(resident, residentOut); // warm-up
    groupDip(compiled, cols, refOut);
    for (let r = 0; r < reps; r++) {
      let t0 = performance.now();
      grouper.groupResident(resident, residentOut);
      wasmMs.push(performance.now() - t0);
      t0 = performance.now();
      groupDip(compiled, cols, refOut);
      refMs.push(performance.now() - t0);
    }
    if (!sameOutput(grouper.readOutput(residentOut), refOut)) throw new Error('bench: Wasm and reference DIP outputs differ');
    const wasm = median(wasmMs), reference = median(refMs);
    return {
      kernel: 'dip-grouping',
      cases,
      wasm_ms: +wasm.toFixed(2),
      reference_ms: +reference.toFixed(2),
      ratio: +(reference / wasm).toFixed(2),
      wasm_cases_per_s: Math.round(cases / (wasm / 1000)),
    };
  } finally {
    grouper.releaseOutput(residentOut);
    grouper.releaseCases(resident);
    grouper.free();
  }
}

/** Repeats the drawn cases until there are n (list offsets rebased per copy). */
function tile(c: DipCaseColumns, n: number): DipCaseColumns {
  if (n === c.n) return c;
  const copies = Math.ceil(n / c.n);
  const per = c.otherProcsOffsets[c.n]!;
  const one = (a: Int32Array) => { const o = new Int32Array(n); for (let i = 0; i < n; i++) o[i] = a[i % c.n]!; return o; };
  const otherProcs = new Int32Array(per * copies);
  for (let k = 0; k < copies; k++) otherProcs.set(c.otherProcs.subarray(0, per), k * per);
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) offsets[i] = Math.floor(i / c.n) * per + c.otherProcsOffsets[i % c.n]!;
  return {
    ...c, n,
    principalDx: one(c.principalDx), principalDxDipKey: one(c.principalDxDipKey), principalProc: one(c.principalProc),
    otherProcs, otherProcsOffsets: offsets,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await benchDip(Number(process.argv[2] ?? 1_000_000));
  const f = (x: number) => x.toLocaleString('en');
  console.log(`Node ${process.version}; demo ruleset, ${f(r.cases)} random cases; median of 5 after a warm-up; outputs identical`);
  console.log(`wasm ${r.wasm_ms} ms (${f(r.wasm_cases_per_s)} cases/s); reference ${r.reference_ms} ms; ratio ${r.ratio}×`);
}
