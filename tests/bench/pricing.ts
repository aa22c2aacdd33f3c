// Benchmark of the fused reprice + aggregate pass (domain §3, §4), Wasm kernel vs the TypeScript reference,
// on seeded random grouped cases. `npx tsx tests/bench/pricing.ts [cases]`, or `benchPricing()` from run.ts.
// The timing itself is tests/bench/pricing-timing.ts, shared with the Chromium worker bench (browser-pricing.ts).
import { fileURLToPath } from 'node:url';
import { loadCoreModule } from '../../src/engine/node/engine-node.ts';
import { WasmCore } from '../../src/engine/wasm-core.ts';
import { timePricing, type PricingBench } from './pricing-timing.ts';

export type { PricingBench } from './pricing-timing.ts';

/**
 * Times both on the same cases, alternating, median of `reps` after a warm-up. Each rep moves a "slider"
 * (the high-outlier threshold) so the inputs are re-placed as in the app; placing them is in the time.
 */
export async function benchPricing(cases = 1_000_000, reps = 9): Promise<PricingBench> {
  return timePricing(new WasmCore(await loadCoreModule()), cases, reps);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await benchPricing(Number(process.argv[2] ?? 1_000_000));
  const f = (x: number) => x.toLocaleString('en');
  console.log(`Node ${process.version}; ${f(r.cases)} random grouped cases; median after a warm-up; sums identical`);
  console.log(`reprice + aggregate: wasm ${r.wasm_ms} ms (${f(r.cases_per_s)} cases/s); reference ${r.reference_ms} ms; ratio ${r.ratio}×`);
  console.log(`budget-neutral (two passes): wasm ${r.budget_wasm_ms} ms; reference ${r.budget_reference_ms} ms`);
  console.log(`budget-neutral, sums reused (a threshold moved): wasm ${r.budget_reused_wasm_ms} ms; reference ${r.budget_reused_reference_ms} ms`);
}
