// Benchmark of the synthetic case generator (Case data issue): cases per second writing Arrow IPC bytes.
// `npx tsx tests/bench/generate.ts [cases]`, or `benchGenerate()` from run.ts; the bytes are counted, not kept.
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { CaseGenerator } from '../../src/demo/synthetic-cases.ts';

export interface GenerateBench {
  kernel: 'generate';
  cases: number;
  /** Wall time including the generator's setup (catalog of templates, verified by the reference grouper). */
  ms: number;
  cases_per_s: number;
  /** Setup alone, and the rate of the batches once set up. */
  setup_ms: number;
  steady_cases_per_s: number;
  bytes: number;
  peak_rss_mb: number;
}

export function benchGenerate(cases = 1_000_000, seed = 1): GenerateBench {
  const t0 = performance.now();
  const gen = new CaseGenerator({ cases, seed });
  const t1 = performance.now();
  let bytes = 0;
  gen.writeArrow((b) => { bytes += b.byteLength; });
  const t2 = performance.now();
  return {
    kernel: 'generate', cases, ms: Math.round(t2 - t0), cases_per_s: Math.round((cases / (t2 - t0)) * 1000),
    setup_ms: Math.round(t1 - t0), steady_cases_per_s: Math.round((cases / (t2 - t1)) * 1000), bytes,
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(benchGenerate(Number(process.argv[2] ?? 1_000_000))));
}
