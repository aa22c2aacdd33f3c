// Platform-neutral timing of the fused reprice + aggregate pass (domain §3, §4): Wasm kernel vs the TypeScript
// reference on seeded random grouped cases. No node: imports and no Buffer, so Node (tests/bench/pricing.ts) and
// a Chromium worker (tests/bench/browser/pricing-worker.ts) run the very same code.
import { PRICING_CASE_COLUMNS, S } from '../../src/engine/pricing-layout.ts';
import { caseSumsReference, repriceAggregateReference } from '../../src/engine/reference/pricing.ts';
import type { WasmCore } from '../../src/engine/wasm-core.ts';
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
  /** The same with the budget-neutral rate and floating point value, a coefficient moving each rep (two passes). */
  budget_wasm_ms: number;
  budget_reference_ms: number;
  /** Budget-neutral with a threshold moving: the budget sums are unchanged, so both skip the first pass. */
  budget_reused_wasm_ms: number;
  budget_reused_reference_ms: number;
  /** Of wasm_ms / budget_wasm_ms: building the inputs and placing them in Wasm memory (setInputs). */
  wasm_inputs_ms: number;
  budget_wasm_inputs_ms: number;
  /** Fastest rep of each (the least disturbed by other load on the machine). */
  wasm_min_ms: number;
  reference_min_ms: number;
  budget_wasm_min_ms: number;
  budget_reference_min_ms: number;
  /** Every timed rep, in order (fixed mode), to judge noise and JIT / Wasm tier-up. */
  wasm_rep_ms: number[];
  reference_rep_ms: number[];
  /** Wasm linear memory at the end of the run (cases, parameters, sums), bytes. */
  wasm_memory_bytes: number;
  /** Every rep's Wasm sums equal the reference's bit for bit (a mismatch throws, so always true when returned). */
  sums_identical: true;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function same(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/**
 * Times both on the same cases, alternating, median of `reps` after a warm-up. Each rep moves a "slider"
 * (the high-outlier threshold) so the inputs are re-placed as in the app; placing them is in the time.
 */
export function timePricing(core: WasmCore, cases = 1_000_000, reps = 9): PricingBench {
  const rp = randomPricing(cases);
  const pricing = new WasmPricing(core);
  const resident = pricing.placeCases(rp.cases);
  try {
    // Cases and Σ cost per row move with the case set, not with parameters: summed once, outside the timing.
    const nDrg = rp.compiled.tables.drgWeight.length, nDip = rp.compiled.tables.dipGroupScore.length;
    const base = pricing.caseSums(resident, rp.nHospitals, nDrg, nDip);
    const refBase = caseSumsReference(rp.cases, rp.nHospitals, nDrg, nDip);
    if (!same(base.hospital, refBase.hospital) || !same(base.drg, refBase.drg) || !same(base.dip, refBase.dip)) throw new Error('bench: case sums differ');
    // fixed: a threshold moves. budget: a hospital coefficient moves, so both budget sums are summed again.
    // budget-reused: a threshold moves in budget mode; Wasm reuses its sums, and the reference is handed the
    // same sums (S.SUMS_GIVEN), so both do one pass and the comparison stays like for like.
    const run = (mode: 'fixed' | 'budget' | 'budget-reused') => {
      const wasmMs: number[] = [], inputsMs: number[] = [], refMs: number[] = [];
      const budget = mode !== 'fixed' ? { drgRateMode: 'budget' as const, dipPointValueMode: 'floating' as const, budgetYuan: 1e10 } : {};
      let given: { wc: number; sc: number } | null = null;
      for (let rep = -1; rep < reps; rep++) {
        const change = mode === 'budget'
          ? { ...budget, hospitalCoefficient: { 1: 1, 2: 1, 3: 1 + (rep + 2) * 0.001 } }
          : { ...budget, drgHighOutlierRatio: 2 + rep * 0.05 };
        let t0 = performance.now();
        pricing.setInputs(randomPricingInputs(rp, change));
        const t1 = performance.now();
        const w = pricing.repriceAggregate(resident, base);
        const wasm = performance.now() - t0;
        const inputs = t1 - t0;
        if (mode === 'budget' && pricing.sumsReused) throw new Error('bench: budget sums reused although a coefficient moved');
        const refInputs = randomPricingInputs(rp, change);
        if (mode === 'budget-reused' && given) {
          refInputs.scalars[S.SUMS_GIVEN] = 1;
          refInputs.scalars[S.SUM_WEIGHT_COEF] = given.wc;
          refInputs.scalars[S.SUM_SCORE_COEF] = given.sc;
        }
        t0 = performance.now();
        const ref = repriceAggregateReference(refInputs, rp.cases, refBase);
        const reference = performance.now() - t0;
        given = { wc: ref.resolved.sumWeightCoef, sc: ref.resolved.sumScoreCoef };
        if (!same(w.hospital, ref.hospital) || !same(w.drg!, ref.drg!) || !same(w.dip!, ref.dip!)) throw new Error('bench: Wasm and reference pricing sums differ');
        if (rep >= 0) { wasmMs.push(wasm); inputsMs.push(inputs); refMs.push(reference); }
      }
      return {
        wasm: median(wasmMs), inputs: median(inputsMs), reference: median(refMs),
        wasmMin: Math.min(...wasmMs), referenceMin: Math.min(...refMs), wasmMs, refMs,
      };
    };
    const fixed = run('fixed');
    const budget = run('budget');
    const reused = run('budget-reused');
    // Linear memory only grows, so this is its high-water mark over the whole run.
    const wasmMemoryBytes = core.exports.memory.buffer.byteLength;
    return {
      kernel: 'reprice-aggregate',
      cases,
      wasm_ms: +fixed.wasm.toFixed(2),
      reference_ms: +fixed.reference.toFixed(2),
      ratio: +(fixed.reference / fixed.wasm).toFixed(2),
      cases_per_s: Math.round(cases / (fixed.wasm / 1000)),
      budget_wasm_ms: +budget.wasm.toFixed(2),
      budget_reference_ms: +budget.reference.toFixed(2),
      budget_reused_wasm_ms: +reused.wasm.toFixed(2),
      budget_reused_reference_ms: +reused.reference.toFixed(2),
      wasm_inputs_ms: +fixed.inputs.toFixed(2),
      budget_wasm_inputs_ms: +budget.inputs.toFixed(2),
      wasm_min_ms: +fixed.wasmMin.toFixed(2),
      reference_min_ms: +fixed.referenceMin.toFixed(2),
      budget_wasm_min_ms: +budget.wasmMin.toFixed(2),
      budget_reference_min_ms: +budget.referenceMin.toFixed(2),
      wasm_rep_ms: fixed.wasmMs.map((x) => +x.toFixed(2)),
      reference_rep_ms: fixed.refMs.map((x) => +x.toFixed(2)),
      wasm_memory_bytes: wasmMemoryBytes,
      sums_identical: true,
    };
  } finally {
    pricing.releaseCases(resident);
    pricing.free();
  }
}

/** Where the Wasm time goes: medians of `reps` (after a warm-up) of each step alone, fixed mode unless named. */
export interface PricingProfile {
  cases: number;
  /** buildPricingInputs for a slider move. */
  build_inputs_ms: number;
  /** WasmPricing.setInputs (placing the per-group tables). */
  set_inputs_ms: number;
  /** repriceAggregate summing per hospital × insurance only (no DRG / DIP tables). */
  aggregate_hospital_only_ms: number;
  /** repriceAggregate with all tables (what the bench times, less the inputs). */
  aggregate_all_ms: number;
  /** The budget-neutral first pass alone (WasmPricing.resolve in budget mode). */
  budget_resolve_ms: number;
  /** repriceAggregate with all tables in budget mode (resolve pass + pricing pass). */
  budget_aggregate_all_ms: number;
  /** A plain read of the case columns in Wasm memory, summed in TypeScript: a floor for one pass over the data. */
  read_columns_ts_ms: number;
}

export function profilePricing(core: WasmCore, cases = 1_000_000, reps = 9): PricingProfile {
  const rp = randomPricing(cases);
  const pricing = new WasmPricing(core);
  const resident = pricing.placeCases(rp.cases);
  const time = (fn: () => void) => {
    fn();
    const ms: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      fn();
      ms.push(performance.now() - t0);
    }
    return +median(ms).toFixed(2);
  };
  try {
    const nDrg = rp.compiled.tables.drgWeight.length, nDip = rp.compiled.tables.dipGroupScore.length;
    const base = pricing.caseSums(resident, rp.nHospitals, nDrg, nDip);
    const budgetChange = { drgRateMode: 'budget' as const, dipPointValueMode: 'floating' as const, budgetYuan: 1e10 };
    const fixedInputs = randomPricingInputs(rp);
    const budgetInputs = randomPricingInputs(rp, budgetChange);
    const out: PricingProfile = {
      cases,
      build_inputs_ms: time(() => { randomPricingInputs(rp, { drgHighOutlierRatio: 2.1 }); }),
      set_inputs_ms: time(() => pricing.setInputs(fixedInputs)),
      aggregate_hospital_only_ms: 0, aggregate_all_ms: 0, budget_resolve_ms: 0, budget_aggregate_all_ms: 0, read_columns_ts_ms: 0,
    };
    pricing.setInputs(fixedInputs);
    out.aggregate_hospital_only_ms = time(() => { pricing.repriceAggregate(resident, base, { drg: false, dip: false }); });
    out.aggregate_all_ms = time(() => { pricing.repriceAggregate(resident, base); });
    pricing.setInputs(budgetInputs);
    out.budget_resolve_ms = time(() => pricing.resolve(resident));
    out.budget_aggregate_all_ms = time(() => { pricing.repriceAggregate(resident, base); });
    // The descriptor holds the column pointers, in PRICING_CASE_COLUMNS order (cost f64, the rest i32).
    const ptrs = Array.from(core.i32(resident.descriptor, PRICING_CASE_COLUMNS.length));
    out.read_columns_ts_ms = time(() => {
      const mem = core.exports.memory.buffer;
      let acc = 0;
      PRICING_CASE_COLUMNS.forEach((name, k) => {
        if (name === 'costYuan') {
          const col = new Float64Array(mem, ptrs[k]!, cases);
          for (let i = 0; i < cases; i++) acc += col[i]!;
        } else {
          const col = new Int32Array(mem, ptrs[k]!, cases);
          let a = 0;
          for (let i = 0; i < cases; i++) a = (a + col[i]!) | 0;
          acc += a;
        }
      });
      if (acc === -1) throw new Error('unreachable');
    });
    return out;
  } finally {
    pricing.releaseCases(resident);
    pricing.free();
  }
}
