// Benchmark of the §5 evaluation passes, Wasm kernel vs the TypeScript reference, on seeded random cases:
// each pass alone and a whole department × month table with the seed composite.
// `npx tsx tests/bench/evaluation.ts [cases]`, or `benchEvaluation()` from run.ts.
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../../src/demo/demo-cases.ts';
import type { AnalysisColumns } from '../../src/engine/case-columns.ts';
import type { UnitLevel } from '../../src/evaluation/unit-levels.ts';
import { evaluate, evaluateWith, type AnalysisInput, type EvaluationRequest } from '../../src/engine/engine-evaluation.ts';
import { loadCoreModule } from '../../src/engine/node/engine-node.ts';
import { ReferenceEvaluationKernels } from '../../src/engine/reference/evaluation.ts';
import { WasmCore } from '../../src/engine/wasm-core.ts';
import { WasmEvaluationKernels } from '../../src/engine/wasm-evaluation.ts';
import type { DrgTables, EvalCaseArrays, EvaluationKernels, SliceParams } from '../../src/evaluation/evaluation-layout.ts';

export interface EvaluationBench {
  cases: number;
  /** Median ms per pass: per-DRG sums, slice ids (department × month), per-slice sums; Wasm and reference. */
  passes: { pass: string; wasm_ms: number; reference_ms: number; ratio: number }[];
  /** A whole department × month table with the seed composite (both passes, indicators, formulas). */
  table_wasm_ms: number;
  table_reference_ms: number;
  rows: number;
}

const N_DRG = 800;

function randomCases(n: number, seed = 20250701): EvalCaseArrays {
  const r = seededRandom(seed);
  const c: EvalCaseArrays = {
    n, hospital: new Int32Array(n), department: new Int32Array(n), ward: new Int32Array(n), physician: new Int32Array(n),
    dischargeDay: new Int32Array(n), los: new Int32Array(n), totalCost: new Float64Array(n), dischargeStatus: new Int32Array(n), drg: new Int32Array(n),
  };
  const day0 = Date.UTC(2022, 0, 1) / 86_400_000;
  for (let i = 0; i < n; i++) {
    const h = Math.floor(r() * 10);
    c.hospital[i] = h;
    c.department[i] = Math.floor(r() * 30);
    c.ward[i] = r() < 0.05 ? -1 : Math.floor(r() * 60);
    c.physician[i] = r() < 0.05 ? -1 : h * 300 + Math.floor(r() * 300);
    c.dischargeDay[i] = day0 + Math.floor(r() * 730);
    c.los[i] = 1 + Math.floor(r() * r() * 30);
    c.totalCost[i] = Math.round(1000 + 60_000 * r() * r()) / 1;
    c.dischargeStatus[i] = r() < 0.015 ? 5 : 1;
    c.drg[i] = r() < 0.03 ? -1 : Math.floor(r() * r() * N_DRG);
  }
  return c;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function same(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Times fn for Wasm and reference alternately; median of `reps` after one warm-up. */
function both(reps: number, wasm: () => void, reference: () => void): { wasm: number; reference: number } {
  const w: number[] = [], r: number[] = [];
  for (let k = -1; k < reps; k++) {
    let t0 = performance.now();
    wasm();
    const a = performance.now() - t0;
    t0 = performance.now();
    reference();
    const b = performance.now() - t0;
    if (k >= 0) { w.push(a); r.push(b); }
  }
  return { wasm: median(w), reference: median(r) };
}

export async function benchEvaluation(cases = 1_000_000, reps = 7): Promise<EvaluationBench> {
  const core = new WasmCore(await loadCoreModule());
  const c = randomCases(cases);
  const wasm = WasmEvaluationKernels.placed(core, c);
  const ref: EvaluationKernels = new ReferenceEvaluationKernels(c);
  const rnd = seededRandom(3);
  const tables: DrgTables = {
    weight: Float64Array.from({ length: N_DRG }, () => 0.3 + 3 * rnd()),
    refLosDays: Float64Array.from({ length: N_DRG }, () => 3 + 10 * rnd()),
    refCostYuan: Float64Array.from({ length: N_DRG }, () => 5000 + 20_000 * rnd()),
    riskClass: Int32Array.from({ length: N_DRG }, () => Math.floor(rnd() * 5)),
  };
  const params: SliceParams = { level: 1, period: 4, filter: { hospital: -1, department: -1, ward: -1, physician: -1 }, nHospitals: 10, nUnits: 30 };
  const blocks: ReturnType<WasmCore['alloc']>[] = [];
  try {
    if (!same(wasm.drgSums(N_DRG), ref.drgSums(N_DRG))) throw new Error('bench: per-DRG sums differ');
    wasm.sliceIds(params);
    ref.sliceIds(params);
    if (!same(wasm.caseSlices(), ref.caseSlices()) || !same(wasm.sliceSums(tables), ref.sliceSums(tables))) throw new Error('bench: slices differ');
    const passes = [
      { pass: 'per-DRG sums', t: both(reps, () => wasm.drgSums(N_DRG), () => ref.drgSums(N_DRG)) },
      { pass: 'slice ids (dept × month)', t: both(reps, () => wasm.sliceIds(params), () => ref.sliceIds(params)) },
      { pass: 'per-slice sums', t: both(reps, () => wasm.sliceSums(tables), () => ref.sliceSums(tables)) },
    ].map(({ pass, t }) => ({ pass, wasm_ms: +t.wasm.toFixed(2), reference_ms: +t.reference.toFixed(2), ratio: +(t.reference / t.wasm).toFixed(2) }));

    // The whole table, over resident columns as the engine holds them.
    const place = (ids: Int32Array, prefix: string) => {
      const b = core.placeI32(ids);
      blocks.push(b);
      return { ids: b, labels: Array.from({ length: ids.reduce((m, x) => Math.max(m, x), 0) + 1 }, (_, i) => `${prefix}${i}`) };
    };
    const keep = <T extends ReturnType<WasmCore['alloc']>>(b: T) => (blocks.push(b), b);
    const columns: AnalysisColumns = {
      n: c.n, hospital: place(c.hospital, 'H'), department: place(c.department, 'D'), ward: place(c.ward, 'W'), physician: place(c.physician, 'P'),
      hospitalLevel: keep(core.placeI32(new Int32Array(c.n).fill(3))), insuranceType: { ids: keep(core.placeI32(new Int32Array(c.n))), labels: ['职工'] },
      dischargeDay: keep(core.placeI32(c.dischargeDay)), los: keep(core.placeI32(c.los)), totalCost: keep(core.placeF64(c.totalCost)),
      dischargeStatus: keep(core.placeI32(c.dischargeStatus)),
    };
    const analysis: AnalysisInput = {
      columns, grouped: { drg: keep(core.placeI32(c.drg)), dipGroup: keep(core.placeI32(new Int32Array(c.n))) },
      compiled: { strings: { drgCodes: Array.from({ length: N_DRG }, (_, g) => `G${g}`) }, tables: { drgWeight: tables.weight } },
    };
    const labels = Object.fromEntries((['hospital', 'department', 'ward', 'physician'] as const).map((l) => [l, columns[l].labels])) as Record<UnitLevel, string[]>;
    const request: EvaluationRequest = { level: 'department', period: 'month' };
    let rows = 0;
    const table = both(Math.max(3, reps >> 1),
      () => { rows = evaluate(core, analysis, request).rows; },
      () => { evaluateWith(new ReferenceEvaluationKernels(c), c.n, labels, analysis.compiled, request); });
    return { cases, passes, table_wasm_ms: +table.wasm.toFixed(2), table_reference_ms: +table.reference.toFixed(2), rows };
  } finally {
    wasm.release();
    for (const b of blocks) core.free(b);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await benchEvaluation(Number(process.argv[2] ?? 1_000_000));
  console.log(`Node ${process.version}; ${r.cases.toLocaleString('en')} random cases, ${N_DRG} DRGs; median after a warm-up; results identical`);
  for (const p of r.passes) console.log(`${p.pass.padEnd(26)} wasm ${p.wasm_ms.toFixed(2).padStart(8)} ms  reference ${p.reference_ms.toFixed(2).padStart(8)} ms  ratio ${p.ratio.toFixed(2)}×`);
  console.log(`${'table dept × month'.padEnd(26)} wasm ${r.table_wasm_ms.toFixed(2).padStart(8)} ms  reference ${r.table_reference_ms.toFixed(2).padStart(8)} ms  (${r.rows} rows, seed composite)`);
}
