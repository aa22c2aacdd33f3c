// `npm run bench`: throughput of the Wasm kernels and their ratio to the TypeScript reference, same data,
// same run. `--json` prints one JSON object. Benchmarks are not tests: nothing here asserts a time.
import { seededRandom } from '../../src/demo/demo-cases.ts';
import { createNodeEngine } from '../../src/engine/node/engine-node.ts';
import { unitSummaryReference } from '../../src/engine/reference/unit-summary.ts';
import { benchGrouping, benchRegionalGrouping } from './group-wasm.ts';
import { benchDip } from './dip-wasm.ts';
import { benchPricing } from './pricing.ts';
import { benchEvaluation } from './evaluation.ts';
import { benchPricingChromium, CHROMIUM_SKIP_LINE, chromiumPricingLine } from './browser-pricing.ts';

const json = process.argv.includes('--json');
const sizes = process.argv.includes('--quick') ? [1_000_000] : [1_000_000, 10_000_000];
const UNITS = 40;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => void, reps: number): number {
  fn(); // warm-up (JIT tiers, page faults on first touch)
  const ms: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

interface Run {
  kernel: string;
  rows: number;
  wasm_ms: number;
  reference_ms: number;
  ratio: number;
  rows_per_s: number;
}

async function benchUnitSummary(rows: number): Promise<Run> {
  const rand = seededRandom(rows);
  const unit = new Int32Array(rows), los = new Int32Array(rows), status = new Int32Array(rows);
  const cost = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    unit[i] = Math.floor(rand() * UNITS);
    cost[i] = Math.round(20000 * Math.exp(rand() - 0.5) * 100) / 100;
    los[i] = 1 + Math.floor(rand() * 20);
    status[i] = rand() < 0.01 ? 5 : 1;
  }
  const engine = await createNodeEngine();
  const core = engine.core;
  const blocks = [core.placeI32(unit), core.placeF64(cost), core.placeI32(los), core.placeI32(status)];
  const outs = [core.alloc(UNITS * 4), core.alloc(UNITS * 8), core.alloc(UNITS * 8), core.alloc(UNITS * 4)];
  const [u, c, l, s] = blocks.map((b) => b.ptr);
  const [o1, o2, o3, o4] = outs.map((b) => b.ptr);
  const reps = rows >= 10_000_000 ? 5 : 15;
  const wasm = time(() => core.exports.unitSummary(rows, UNITS, u, c, l, s, o1, o2, o3, o4), reps);
  const reference = time(() => unitSummaryReference(UNITS, unit, cost, los, status), reps);
  // Same data, same answer: a bench that disagrees with the oracle is not worth printing.
  const ref = unitSummaryReference(UNITS, unit, cost, los, status);
  const wasmSums = core.f64(outs[1], UNITS);
  for (let k = 0; k < UNITS; k++) if (wasmSums[k] !== ref.sumCost[k]) throw new Error(`bench: Wasm and reference disagree on unit ${k}`);
  for (const b of [...blocks, ...outs]) core.free(b);
  return {
    kernel: 'department-summary', rows, wasm_ms: +wasm.toFixed(3), reference_ms: +reference.toFixed(3),
    ratio: +(reference / wasm).toFixed(3), rows_per_s: Math.round(rows / (wasm / 1000)),
  };
}

const runs: Run[] = [];
for (const rows of sizes) runs.push(await benchUnitSummary(rows));
// DRG grouping with the national CHS-DRG 1.1 rules on 1M cases resampled from the reference cases;
// null (and said so) when ../shared/reference is not there.
const grouping = await benchGrouping(1_000_000, process.argv.includes('--quick') ? 3 : 5);
// Every regional rule set (#12): compile time, Wasm vs reference on 1M cases resampled from its own cases.
const regional = await benchRegionalGrouping(1_000_000, process.argv.includes('--quick') ? 1 : 3);
// DIP grouping with the demo teaching ruleset on 1M random demo cases.
const dip = await benchDip(1_000_000);
// Re-price + aggregate per hospital/DRG/DIP group on 1M cases: the payment page's fast path.
const pricing = await benchPricing(1_000_000);
// §5 evaluation on 1M cases: per-DRG reference sums, department × month slices, the whole table.
const evaluation = await benchEvaluation(1_000_000);
// The same pricing timing in a Chromium module worker (issue #5 measures there); null when Chromium is missing.
const pricingChromium = await benchPricingChromium(1_000_000);

if (json) {
  const headline = runs[runs.length - 1];
  console.log(JSON.stringify({ ...headline, node: process.version, runs, grouping, regional_grouping: regional, dip, pricing, pricing_chromium: pricingChromium, evaluation }));
} else {
  console.log(`Node ${process.version}; median of repeated runs after a warm-up; ratio = reference ÷ Wasm\n`);
  for (const r of runs) {
    console.log(`${r.kernel.padEnd(20)} ${String(r.rows).padStart(10)} rows  wasm ${r.wasm_ms.toFixed(2).padStart(8)} ms  ` +
      `reference ${r.reference_ms.toFixed(2).padStart(8)} ms  ratio ${r.ratio.toFixed(2)}×  ${(r.rows_per_s / 1e6).toFixed(1)} M rows/s`);
  }
  if (grouping) {
    const g = grouping;
    console.log(`${'drg-grouping'.padEnd(20)} ${String(g.cases).padStart(10)} cases wasm ${g.wasm_ms.toFixed(2).padStart(8)} ms  ` +
      `reference ${g.reference_ms.toFixed(2).padStart(8)} ms  ratio ${g.ratio.toFixed(2)}×  ${(g.wasm_cases_per_s / 1e6).toFixed(2)} M cases/s`);
    console.log(`  national CHS-DRG 1.1: compile ${g.compile_ms.toFixed(0)} ms, tables ${g.table_bytes} bytes (${g.wasm_table_bytes} in Wasm), output ${g.output_bytes_per_case} bytes/case`);
  } else {
    console.log('drg-grouping: skipped — ../shared/reference/chs-drg-1.1 not found');
  }
  if (regional) {
    for (const v of regional.versions) {
      console.log(`  ${v.version.padEnd(18)} compile ${v.compile_ms.toFixed(0).padStart(4)} ms  wasm ${v.wasm_ms.toFixed(2).padStart(8)} ms  ` +
        `reference ${v.reference_ms.toFixed(2).padStart(8)} ms  ratio ${v.ratio.toFixed(2)}×  ${(v.wasm_cases_per_s / 1e6).toFixed(2)} M cases/s`);
    }
    console.log(`  slowest regional: ${regional.slowest}, ${(regional.slowest_wasm_cases_per_s / 1e6).toFixed(2)} M cases/s; longest compile ${regional.slowest_compile_ms.toFixed(0)} ms; lowest ratio ${regional.min_ratio.toFixed(2)}×`);
  } else {
    console.log('regional grouping: skipped — ../shared/reference/regional not found');
  }
  console.log(`${'dip-grouping'.padEnd(20)} ${String(dip.cases).padStart(10)} cases wasm ${dip.wasm_ms.toFixed(2).padStart(8)} ms  ` +
    `reference ${dip.reference_ms.toFixed(2).padStart(8)} ms  ratio ${dip.ratio.toFixed(2)}×  ${(dip.wasm_cases_per_s / 1e6).toFixed(2)} M cases/s`);
  console.log(`${'reprice-aggregate'.padEnd(20)} ${String(pricing.cases).padStart(10)} cases wasm ${pricing.wasm_ms.toFixed(2).padStart(8)} ms  ` +
    `reference ${pricing.reference_ms.toFixed(2).padStart(8)} ms  ratio ${pricing.ratio.toFixed(2)}×  (budget-neutral: ${pricing.budget_wasm_ms.toFixed(2)} / ${pricing.budget_reference_ms.toFixed(2)} ms; sums reused: ${pricing.budget_reused_wasm_ms.toFixed(2)} / ${pricing.budget_reused_reference_ms.toFixed(2)} ms)`);
  console.log(pricingChromium ? chromiumPricingLine(pricingChromium) : CHROMIUM_SKIP_LINE);
  for (const p of evaluation.passes) {
    console.log(`${`evaluation ${p.pass}`.padEnd(20)} ${String(evaluation.cases).padStart(10)} cases wasm ${p.wasm_ms.toFixed(2).padStart(8)} ms  ` +
      `reference ${p.reference_ms.toFixed(2).padStart(8)} ms  ratio ${p.ratio.toFixed(2)}×`);
  }
  console.log(`${'evaluation table'.padEnd(20)} ${String(evaluation.cases).padStart(10)} cases wasm ${evaluation.table_wasm_ms.toFixed(2).padStart(8)} ms  ` +
    `reference ${evaluation.table_reference_ms.toFixed(2).padStart(8)} ms  (${evaluation.rows} department × month rows, seed composite)`);
}
