// Benchmark of the fused reprice + aggregate pass (domain §3, §4), Wasm kernel vs the TypeScript reference,
// on seeded random grouped cases. `npx tsx tests/bench/pricing.ts [cases]`, or `benchPricing()` from run.ts.
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadCoreModule } from '../../src/engine/node/engine-node.ts';
import { caseSumsReference, repriceAggregateReference } from '../../src/engine/reference/pricing.ts';
import { WasmCore } from '../../src/engine/wasm-core.ts';
import { WasmPricing } from '../../src/engine/wasm-pricing.ts';
import { randomPricing, randomPricingInputs } from '../fixtures/pricing-random-cases.ts';

export interface PricingBench {
  kernel: 'reprice-aggregate';
  cases: number;
  wasm_ms: number;
  reference_ms: number;
  /** reference ÷ Wasm time. */
  ratio: number;
  /** Wasm cases per second. */
  cases_per_s: number;
  /** The same with the budget-neutral rate and floating point value (two passes over the cases). */
  budget_wasm_ms: number;
  budget_reference_ms: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function same(a: Float64Array, b: Float64Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/**
 * Times both on the same cases, alternating, median of `reps` after a warm-up. Each rep moves a "slider"
 * (the high-outlier threshold) so the inputs are re-placed as in the app; placing them is in the time.
 */
export async function benchPricing(cases = 1_000_000, reps = 9): Promise<PricingBench> {
  const rp = randomPricing(cases);
  const core = new WasmCore(await loadCoreModule());
  const pricing = new WasmPricing(core);
  const resident = pricing.placeCases(rp.cases);
  // Cases and Σ cost per row move with the case set, not with parameters: summed once, outside the timing.
  const nDrg = rp.compiled.tables.drgWeight.length, nDip = rp.compiled.tables.dipGroupScore.length;
  const base = pricing.caseSums(resident, rp.nHospitals, nDrg, nDip);
  const refBase = caseSumsReference(rp.cases, rp.nHospitals, nDrg, nDip);
  if (!same(base.hospital, refBase.hospital) || !same(base.drg, refBase.drg) || !same(base.dip, refBase.dip)) throw new Error('bench: case sums differ');
  const run = (budget: boolean) => {
    const wasmMs: number[] = [];
    const refMs: number[] = [];
    for (let rep = -1; rep < reps; rep++) {
      const change = { drgHighOutlierRatio: 2 + rep * 0.05, ...(budget ? { drgRateMode: 'budget' as const, dipPointValueMode: 'floating' as const, budgetYuan: 1e10 } : {}) };
      let t0 = performance.now();
      pricing.setInputs(randomPricingInputs(rp, change));
      const w = pricing.repriceAggregate(resident, base);
      const wasm = performance.now() - t0;
      t0 = performance.now();
      const ref = repriceAggregateReference(randomPricingInputs(rp, change), rp.cases, refBase);
      const reference = performance.now() - t0;
      if (!same(w.hospital, ref.hospital) || !same(w.drg!, ref.drg!) || !same(w.dip!, ref.dip!)) throw new Error('bench: Wasm and reference pricing sums differ');
      if (rep >= 0) { wasmMs.push(wasm); refMs.push(reference); }
    }
    return { wasm: median(wasmMs), reference: median(refMs) };
  };
  try {
    const fixed = run(false);
    const budget = run(true);
    return {
      kernel: 'reprice-aggregate',
      cases,
      wasm_ms: +fixed.wasm.toFixed(2),
      reference_ms: +fixed.reference.toFixed(2),
      ratio: +(fixed.reference / fixed.wasm).toFixed(2),
      cases_per_s: Math.round(cases / (fixed.wasm / 1000)),
      budget_wasm_ms: +budget.wasm.toFixed(2),
      budget_reference_ms: +budget.reference.toFixed(2),
    };
  } finally {
    pricing.releaseCases(resident);
    pricing.free();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await benchPricing(Number(process.argv[2] ?? 1_000_000));
  const f = (x: number) => x.toLocaleString('en');
  console.log(`Node ${process.version}; ${f(r.cases)} random grouped cases; median after a warm-up; sums identical`);
  console.log(`reprice + aggregate: wasm ${r.wasm_ms} ms (${f(r.cases_per_s)} cases/s); reference ${r.reference_ms} ms; ratio ${r.ratio}×`);
  console.log(`budget-neutral (two passes): wasm ${r.budget_wasm_ms} ms; reference ${r.budget_reference_ms} ms`);
}
