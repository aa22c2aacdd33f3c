// Pricing (domain §3 DRG, §4 DIP): a hand-computed example for every formula, run through both the Wasm core
// and the TypeScript reference; the two agree bit for bit on 200,000+ random cases; parameter validation.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCoreModule } from '../../src/engine/node/engine-node.ts';
import {
  FLAG, buildPricingInputs, type PricingCaseColumns, type PricingRows, type PricingSums,
} from '../../src/engine/pricing-layout.ts';
import { pricingSummary, settle } from '../../src/engine/pricing-summary.ts';
import { caseSumsReference, priceRowsReference, ratioHistogramReference, repriceAggregateReference } from '../../src/engine/reference/pricing.ts';
import { WasmCore } from '../../src/engine/wasm-core.ts';
import { WasmPricing } from '../../src/engine/wasm-pricing.ts';
import { buildDemoRuleset, DEMO_PARAMETERS } from '../../src/rules/demo/build-demo-ruleset.ts';
import { compileRuleset, type CompiledRuleset } from '../../src/rules/ruleset-compile.ts';
import {
  defaultPricingParameters, insuranceTypeOf, pricingParametersFromRuleset, validatePricingParameters,
  type PricingParameters,
} from '../../src/scenario/pricing-parameters.ts';
import { randomPricing, randomPricingInputs } from '../fixtures/pricing-random-cases.ts';

let core: WasmCore;
beforeAll(async () => {
  core = new WasmCore(await loadCoreModule());
});

// ----- a tiny ruleset stand-in and case builder ---------------------------------------------------------

/** DRG X000 RW 1.0, X001 RW 2.0, X002 no weight, X003 RW 1.2; DIP 0: score 1,000 mean 10,000, 1: score 500 mean 5,000, 2: score 1,000 no mean. */
function fakeCompiled(): CompiledRuleset {
  return {
    strings: { drgCodes: ['X000', 'X001', 'X002', 'X003'] },
    tables: {
      drgWeight: Float64Array.of(1.0, 2.0, NaN, 1.2),
      dipGroupScore: Float64Array.of(1000, 500, 1000),
      dipGroupMeanCost: Float64Array.of(10000, 5000, NaN),
    },
    meta: {},
  } as unknown as CompiledRuleset;
}

const LABELS = ['职工', '居民', '离休'];

interface HandCase { drg?: number; dip?: number; cost: number; level?: number; ins?: number; hospital?: number }

function columns(cs: HandCase[]): PricingCaseColumns {
  return {
    n: cs.length,
    drg: Int32Array.from(cs, (c) => c.drg ?? 0),
    dipGroup: Int32Array.from(cs, (c) => c.dip ?? 0),
    costYuan: Float64Array.from(cs, (c) => c.cost),
    hospitalLevel: Int32Array.from(cs, (c) => c.level ?? 3),
    insuranceType: Int32Array.from(cs, (c) => c.ins ?? 0),
    hospital: Int32Array.from(cs, (c) => c.hospital ?? 0),
  };
}

/** Fixed base rates 10,000 / 8,000 / 6,000 for levels 3 / 2 / 1, coefficients 1, DIP point value 10. */
function params(change: Partial<PricingParameters> = {}): PricingParameters {
  return { ...defaultPricingParameters(), drgBaseRateYuan: { 1: 6000, 2: 8000, 3: 10000 }, dipPointValueYuan: 10, ...change };
}

function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Prices hand cases with both implementations; asserts they agree bit for bit, returns rows and sums. */
function priceBoth(p: PricingParameters, cs: HandCase[], nHospitals = 2): { rows: PricingRows; sums: PricingSums } {
  const compiled = fakeCompiled();
  expect(validatePricingParameters(p, compiled.strings.drgCodes)).toEqual([]);
  const cols = columns(cs);
  const nDrg = compiled.tables.drgWeight.length, nDip = compiled.tables.dipGroupScore.length;
  const refInputs = buildPricingInputs(p, compiled, LABELS);
  const refBase = caseSumsReference(cols, nHospitals, nDrg, nDip);
  const refSums = repriceAggregateReference(refInputs, cols, refBase);
  const refRows = priceRowsReference(refInputs, cols, null, cols.n);

  const wasm = new WasmPricing(core);
  const resident = wasm.placeCases(cols);
  try {
    wasm.setInputs(buildPricingInputs(p, compiled, LABELS));
    const base = wasm.caseSums(resident, nHospitals, nDrg, nDip);
    const sums = wasm.repriceAggregate(resident, base);
    const rows = wasm.priceRows(resident, null, cols.n);
    expect(wasm.ratioHistogram(resident, 12, 3)).toEqual(ratioHistogramReference(refInputs, cols, 12, 3));
    for (const k of Object.keys(rows) as (keyof PricingRows)[]) expect(sameBytes(rows[k], refRows[k]), `row column ${k}`).toBe(true);
    expect(sameBytes(sums.hospital, refSums.hospital)).toBe(true);
    expect(sameBytes(sums.drg!, refSums.drg!)).toBe(true);
    expect(sameBytes(sums.dip!, refSums.dip!)).toBe(true);
    expect(sameBytes(base.hospital, refBase.hospital)).toBe(true);
    expect(sums.resolved).toEqual(refSums.resolved);
  } finally {
    wasm.releaseCases(resident);
    wasm.free();
  }
  return { rows: refRows, sums: refSums };
}

/** Money to the cent. */
function expectYuan(actual: number, expected: number): void {
  expect(Math.abs(actual - expected), `${actual} ≈ ${expected}`).toBeLessThan(0.005);
}

// ----- §3 DRG ---------------------------------------------------------------------------------------------

describe('§3 DRG payment standard, outliers, special review', () => {
  it('§3 payment standard = RW 1.2 × base rate 10,000 × hospital coefficient 1.1 = 13,200 (cost 13,000: normal, paid 13,200)', () => {
    const { rows } = priceBoth(params({ hospitalCoefficient: { 1: 1, 2: 1, 3: 1.1 } }), [{ drg: 3, cost: 13000 }]);
    expectYuan(rows.drgStandardYuan[0]!, 13200);
    expectYuan(rows.drgPaymentYuan[0]!, 13200);
    expect(rows.drgOutlier[0]).toBe(FLAG.normal);
  });

  it('§3 rate per hospital level: RW 1.0 at 三级 10,000, 二级 8,000, 一级 6,000; an unknown level counts as 三级', () => {
    const { rows } = priceBoth(params(), [3, 2, 1, 0].map((level) => ({ drg: 0, cost: 7000, level })));
    expect([...rows.drgStandardYuan]).toEqual([10000, 8000, 6000, 10000]);
  });

  it('§3 high-cost outlier: standard 10,000, cost 25,000, threshold 2 → payment 10,000 + (25,000 − 20,000) × 1.0 = 15,000', () => {
    const { rows } = priceBoth(params(), [{ drg: 0, cost: 25000 }]);
    expectYuan(rows.drgPaymentYuan[0]!, 15000);
    expect(rows.drgOutlier[0]).toBe(FLAG.high);
    expect(rows.specialReview[0]).toBe(1);
  });

  it('§3 high-cost reimbursement share 0.8: 10,000 + (25,000 − 20,000) × 0.8 = 14,000; threshold 3 → r 2.5 is normal, paid 10,000', () => {
    expectYuan(priceBoth(params({ drgHighOutlierShare: 0.8 }), [{ drg: 0, cost: 25000 }]).rows.drgPaymentYuan[0]!, 14000);
    const r3 = priceBoth(params({ drgHighOutlierRatio: 3 }), [{ drg: 0, cost: 25000 }]).rows;
    expectYuan(r3.drgPaymentYuan[0]!, 10000);
    expect(r3.drgOutlier[0]).toBe(FLAG.normal);
  });

  it('§3 low-cost outlier: standard 10,000, cost 3,000 (r 0.3 < 0.4) → paid by item: 3,000', () => {
    const { rows } = priceBoth(params(), [{ drg: 0, cost: 3000 }]);
    expectYuan(rows.drgPaymentYuan[0]!, 3000);
    expect(rows.drgOutlier[0]).toBe(FLAG.low);
    expect(rows.specialReview[0]).toBe(0);
  });

  it('§3 thresholds are strict: r = 2.0 (cost 20,000) and r = 0.4 (cost 4,000) are normal cases paid 10,000', () => {
    const { rows } = priceBoth(params(), [{ drg: 0, cost: 20000 }, { drg: 0, cost: 4000 }]);
    expect([...rows.drgOutlier]).toEqual([FLAG.normal, FLAG.normal]);
    expect([...rows.drgPaymentYuan]).toEqual([10000, 10000]);
  });

  it('§3 special review list: r ≥ 2 × standard — cost 20,000 (r = 2, not a high outlier) and 25,000 listed, 19,999 not', () => {
    const { rows, sums } = priceBoth(params({ drgHighOutlierRatio: 3 }), [
      { drg: 0, cost: 20000 }, { drg: 0, cost: 25000 }, { drg: 0, cost: 19999 },
    ]);
    expect([...rows.specialReview]).toEqual([1, 1, 0]);
    expect(pricingSummary(sums, params()).hospitals.specialReview[0]).toBe(2);
  });

  it('§3 ungrouped (0000) and unweighted DRGs are paid by item (payment = cost), flagged unpriced, standard 0', () => {
    const { rows, sums } = priceBoth(params(), [{ drg: -1, cost: 7777 }, { drg: 2, cost: 5000 }]);
    expect([...rows.drgPaymentYuan]).toEqual([7777, 5000]);
    expect([...rows.drgStandardYuan]).toEqual([0, 0]);
    expect([...rows.drgOutlier]).toEqual([FLAG.unpriced, FLAG.unpriced]);
    const s = pricingSummary(sums, params());
    expect(s.hospitals.drgUnpriced[0]).toBe(2);
    expect(s.drgs!.unpriced[2]).toBe(1); // X002 has a row of its own
    expect(s.drgs!.cases[4]).toBe(1); // the extra row: 0000
  });

  it('§3 a per-DRG weight override (X001 → 1.5) replaces the ruleset weight: standard 15,000', () => {
    const { rows } = priceBoth(params({ drgWeightOverrides: { X001: 1.5 } }), [{ drg: 1, cost: 15000 }]);
    expectYuan(rows.drgStandardYuan[0]!, 15000);
  });
});

describe('§3 budget-neutral base rate', () => {
  it('§3 rate = budget 70,000 ÷ Σ (RW × coefficient) (1.0 + 2.0 + 1.0 × 0.5 = 3.5) = 20,000; Σ payment = budget', () => {
    const p = params({ drgRateMode: 'budget', budgetYuan: 70000, hospitalCoefficient: { 1: 1, 2: 0.5, 3: 1 } });
    const { rows, sums } = priceBoth(p, [
      { drg: 0, cost: 18000 }, { drg: 1, cost: 41000 }, { drg: 0, cost: 9500, level: 2 }, { drg: -1, cost: 5000 },
    ]);
    expect(sums.resolved.drgRateYuan.slice(1)).toEqual([20000, 20000, 20000]);
    expect(sums.resolved.sumWeightCoef).toBe(3.5);
    expect([...rows.drgStandardYuan]).toEqual([20000, 40000, 10000, 0]);
    // The ungrouped case is paid by item outside the budget.
    expectYuan(rows.drgPaymentYuan[0]! + rows.drgPaymentYuan[1]! + rows.drgPaymentYuan[2]!, 70000);
  });

  it('§3 budget neutrality on 50,000 random priced cases: Σ standard = budget to the cent; Σ payment too when no case is an outlier', () => {
    const rp = randomPricing(50_000, 7);
    for (let i = 0; i < rp.cases.n; i++) { if (rp.cases.drg[i]! < 0 || rp.cases.drg[i]! % 97 === 5) rp.cases.drg[i] = 0; }
    const budget = 987_654_321.09;
    const base = caseSumsReference(rp.cases, rp.nHospitals, 800, 3000);
    const withOutliers = repriceAggregateReference(randomPricingInputs(rp, { drgRateMode: 'budget', budgetYuan: budget }), rp.cases, base);
    const s1 = pricingSummary(withOutliers, params());
    expectYuan(s1.totals.drgStandardYuan, budget);
    const none = { drgRateMode: 'budget', budgetYuan: budget, drgHighOutlierRatio: 1e9, drgLowOutlierRatio: 0 } as const;
    const s2 = pricingSummary(repriceAggregateReference(randomPricingInputs(rp, none), rp.cases, base), params());
    expectYuan(s2.totals.drgPaymentYuan, budget);
  });
});

// ----- §4 DIP ---------------------------------------------------------------------------------------------

describe('§4 DIP case score, point value, level coefficients', () => {
  it('§4 normal case: score 1,000 × point value 10 × 三级 1.0 = 10,000 (cost 12,000, r 1.2)', () => {
    const { rows } = priceBoth(params(), [{ dip: 0, cost: 12000 }]);
    expect(rows.dipCaseScore[0]).toBe(1000);
    expectYuan(rows.dipPaymentYuan[0]!, 10000);
    expect(rows.dipDeviation[0]).toBe(FLAG.normal);
  });

  it('§4 low deviation: cost 4,000 ÷ mean 10,000 = r 0.4 < 0.5 → case score 0.4 × 1,000 = 400, payment 4,000', () => {
    const { rows } = priceBoth(params(), [{ dip: 0, cost: 4000 }]);
    expectYuan(rows.dipCaseScore[0]!, 400);
    expectYuan(rows.dipPaymentYuan[0]!, 4000);
    expect(rows.dipDeviation[0]).toBe(FLAG.low);
  });

  it('§4 high deviation: cost 25,000 ÷ mean 10,000 = r 2.5 > 2 → case score (2.5 − 2 + 1) × 1,000 = 1,500, payment 15,000', () => {
    const { rows } = priceBoth(params(), [{ dip: 0, cost: 25000 }]);
    expectYuan(rows.dipCaseScore[0]!, 1500);
    expectYuan(rows.dipPaymentYuan[0]!, 15000);
    expect(rows.dipDeviation[0]).toBe(FLAG.high);
  });

  it('§4 level coefficients: score 1,000 × 10 × 二级 0.9 = 9,000; × 一级 0.8 = 8,000', () => {
    const { rows } = priceBoth(params(), [{ dip: 0, cost: 10000, level: 2 }, { dip: 0, cost: 10000, level: 1 }]);
    expectYuan(rows.dipPaymentYuan[0]!, 9000);
    expectYuan(rows.dipPaymentYuan[1]!, 8000);
  });

  it('§4 floating point value = budget 29,000 ÷ Σ (case score × level coefficient) (1,000 × 1.0 + 500 × 0.9 = 1,450) = 20; Σ payment = budget', () => {
    const p = params({ dipPointValueMode: 'floating', budgetYuan: 29000 });
    const { rows, sums } = priceBoth(p, [{ dip: 0, cost: 10000 }, { dip: 1, cost: 5000, level: 2 }, { dip: -1, cost: 3000 }]);
    expectYuan(sums.resolved.dipPointValueYuan, 20);
    expectYuan(rows.dipPaymentYuan[0]!, 20000);
    expectYuan(rows.dipPaymentYuan[1]!, 9000);
    expectYuan(rows.dipPaymentYuan[0]! + rows.dipPaymentYuan[1]!, 29000);
  });

  it('§4 floating point value on 50,000 random grouped cases: Σ DIP payment = budget to the cent', () => {
    const rp = randomPricing(50_000, 11);
    for (let i = 0; i < rp.cases.n; i++) { if (rp.cases.dipGroup[i]! < 0 || rp.cases.dipGroup[i]! % 211 === 7) rp.cases.dipGroup[i] = 1; }
    const budget = 1_234_567_890.12;
    const sums = repriceAggregateReference(randomPricingInputs(rp, { dipPointValueMode: 'floating', budgetYuan: budget }), rp.cases, caseSumsReference(rp.cases, rp.nHospitals, 800, 3000));
    expectYuan(pricingSummary(sums, params()).totals.dipPaymentYuan, budget);
  });

  it('§4 ungrouped (−1) is paid by item with case score 0; a combination without a mean cost has no deviation cases', () => {
    const { rows } = priceBoth(params(), [{ dip: -1, cost: 3333 }, { dip: 2, cost: 40000 }]);
    expect(rows.dipPaymentYuan[0]).toBe(3333);
    expect(rows.dipCaseScore[0]).toBe(0);
    expect(rows.dipDeviation[0]).toBe(FLAG.unpriced);
    expect(rows.dipCaseScore[1]).toBe(1000);
    expect(rows.dipDeviation[1]).toBe(FLAG.normal);
  });
});

// ----- §3 fund vs patient, settlement ------------------------------------------------------------------------

describe('§3 fund vs patient share by insurance type', () => {
  it('§3 payment 10,000: 职工 fund 8,500 + patient 1,500; 居民 7,000 + 3,000; unknown type and missing use the default 0.70', () => {
    const { rows, sums } = priceBoth(params(), [0, 1, 2, -1].map((ins) => ({ drg: 0, cost: 10000, ins })));
    expect([...rows.drgFundYuan].map(Math.round)).toEqual([8500, 7000, 7000, 7000]);
    expect([...rows.drgPatientYuan].map(Math.round)).toEqual([1500, 3000, 3000, 3000]);
    const h = pricingSummary(sums, params()).hospitals;
    expectYuan(h.drgFundYuan[0]!, 29500);
    expectYuan(h.drgPatientYuan[0]!, 10500);
  });

  it('§3 insurance labels: 城镇职工 → 职工, 城乡居民 → 居民, anything else keeps its own name', () => {
    expect(['城镇职工', '城乡居民', 'employee', '离休'].map(insuranceTypeOf)).toEqual(['职工', '居民', '职工', '离休']);
  });
});

describe('§3 hospital settlement', () => {
  it('§3 surplus retention: Σ payment 1,000,000, Σ cost 900,000, surplus_share 0.5 → margin 100,000, fund takes back 50,000, hospital keeps 50,000', () => {
    const s = settle(Float64Array.of(1_000_000), Float64Array.of(900_000), 0.5, 0);
    expect([s.marginYuan[0], s.adjustmentYuan[0], s.settledYuan[0], s.hospitalResultYuan[0]]).toEqual([100000, -50000, 950000, 50000]);
  });

  it('§3 overrun sharing: Σ payment 800,000, Σ cost 900,000, overrun_share 0.3 → fund adds 30,000, hospital bears 70,000', () => {
    const s = settle(Float64Array.of(800_000), Float64Array.of(900_000), 1, 0.3);
    expect([s.marginYuan[0], s.adjustmentYuan[0], s.settledYuan[0], s.hospitalResultYuan[0]]).toEqual([-100000, 30000, 830000, -70000]);
  });

  it('§3 defaults (surplus 1.0, overrun 0): the hospital keeps all of a surplus and bears all of a loss', () => {
    const s = settle(Float64Array.of(120, 80), Float64Array.of(100, 100), 1, 0);
    expect([...s.adjustmentYuan]).toEqual([0, 0]);
    expect([...s.hospitalResultYuan]).toEqual([20, -20]);
  });

  it('§3 per hospital from the fused pass: H0 paid 10,000 + 15,000 for cost 12,000 + 25,000 (margin −12,000), H1 paid 20,000 for 15,000', () => {
    const { sums } = priceBoth(params(), [
      { drg: 0, cost: 12000, hospital: 0 }, { drg: 0, cost: 25000, hospital: 0 }, { drg: 1, cost: 15000, hospital: 1 },
    ]);
    const h = pricingSummary(sums, { surplusShare: 0.6, overrunShare: 0.5 }).hospitals;
    expect([...h.drgPaymentYuan.slice(0, 2)]).toEqual([25000, 20000]);
    expect([...h.costYuan.slice(0, 2)]).toEqual([37000, 15000]);
    expect([...h.drgSettlement.marginYuan.slice(0, 2)]).toEqual([-12000, 5000]);
    expect([...h.drgSettlement.settledYuan.slice(0, 2)]).toEqual([31000, 18000]);
    expect([...h.drgHigh.slice(0, 2)]).toEqual([1, 0]);
    expect(h.weightRW[1]).toBe(2);
  });
});

// ----- budget sums reused --------------------------------------------------------------------------------------

describe('§3/§4 budget-neutral values: the first pass is skipped when nothing it sums has moved', () => {
  it('a threshold or budget change reuses the sums (same bits as the reference computing them); a coefficient change does not', () => {
    const rp = randomPricing(30_000, 99);
    const nDrg = rp.compiled.tables.drgWeight.length, nDip = rp.compiled.tables.dipGroupScore.length;
    const pricing = new WasmPricing(core);
    const resident = pricing.placeCases(rp.cases);
    try {
      const base = pricing.caseSums(resident, rp.nHospitals, nDrg, nDip);
      const refBase = caseSumsReference(rp.cases, rp.nHospitals, nDrg, nDip);
      const budget = { drgRateMode: 'budget' as const, dipPointValueMode: 'floating' as const, budgetYuan: 4e8 };
      const steps: [Partial<PricingParameters>, boolean][] = [
        [budget, false],
        [{ ...budget, drgHighOutlierRatio: 2.5 }, true],
        [{ ...budget, drgHighOutlierRatio: 2.5, budgetYuan: 5e8 }, true],
        [{ ...budget, hospitalCoefficient: { 1: 1, 2: 0.95, 3: 1 } }, false],
        [{ ...budget, dipHighDeviationRatio: 3 }, false],
      ];
      for (const [change, reused] of steps) {
        pricing.setInputs(randomPricingInputs(rp, change));
        const sums = pricing.repriceAggregate(resident, base);
        expect(pricing.sumsReused, JSON.stringify(change)).toBe(reused);
        const ref = repriceAggregateReference(randomPricingInputs(rp, change), rp.cases, refBase);
        expect(sums.resolved).toEqual(ref.resolved);
        expect(sameBytes(sums.hospital, ref.hospital)).toBe(true);
      }
    } finally {
      pricing.releaseCases(resident);
      pricing.free();
    }
  });
});

// ----- Wasm = reference -------------------------------------------------------------------------------------

describe('Wasm core = TypeScript reference, bit for bit', () => {
  const scenarios: [string, Partial<PricingParameters>][] = [
    ['defaults', {}],
    ['budget-neutral rate and floating point value', { drgRateMode: 'budget', dipPointValueMode: 'floating', budgetYuan: 3.5e9 }],
    ['share 0.5, threshold 3, review 2.5, level coefficients', {
      drgHighOutlierShare: 0.5, drgHighOutlierRatio: 3, specialReviewMultiple: 2.5,
      hospitalCoefficient: { 1: 0.9, 2: 0.95, 3: 1.05 }, dipLevelCoefficient: { 1: 0.7, 2: 0.85, 3: 1 },
    }],
  ];
  const rp = randomPricing(240_000, 424242);
  const nDrg = rp.compiled.tables.drgWeight.length, nDip = rp.compiled.tables.dipGroupScore.length;

  for (const [name, change] of scenarios) {
    it(`240,000 random cases (${name}): every per-case column and every sum identical`, () => {
      const pricing = new WasmPricing(core);
      const resident = pricing.placeCases(rp.cases);
      try {
        const refInputs = randomPricingInputs(rp, change);
        const refBase = caseSumsReference(rp.cases, rp.nHospitals, nDrg, nDip);
        const ref = repriceAggregateReference(refInputs, rp.cases, refBase);
        const refRows = priceRowsReference(refInputs, rp.cases, null, rp.cases.n);
        pricing.setInputs(randomPricingInputs(rp, change));
        const base = pricing.caseSums(resident, rp.nHospitals, nDrg, nDip);
        const sums = pricing.repriceAggregate(resident, base);
        const rows = pricing.priceRows(resident, null, rp.cases.n);
        for (const k of ['hospital', 'drg', 'dip'] as const) {
          expect(sameBytes(base[k], refBase[k]), `case sums ${k}`).toBe(true);
          expect(sameBytes(sums[k]!, ref[k]!), `sums ${k}`).toBe(true);
        }
        expect(sums.resolved).toEqual(ref.resolved);
        for (const k of Object.keys(rows) as (keyof PricingRows)[]) expect(sameBytes(rows[k], refRows[k]), `column ${k}`).toBe(true);
        expect(pricing.ratioHistogram(resident, 60, 3)).toEqual(ratioHistogramReference(refInputs, rp.cases, 60, 3));
        // Every kind of case is in the corpus.
        for (const f of [0, 1, 2, 3]) expect(refRows.drgOutlier.includes(f) && refRows.dipDeviation.includes(f)).toBe(true);
        // A page by row index, and the sums agree with the per-case rows they summarise.
        const pick = Int32Array.from({ length: 500 }, (_, k) => (k * 7919) % rp.cases.n);
        const page = pricing.priceRows(resident, pick, pick.length);
        const refPage = priceRowsReference(refInputs, rp.cases, pick, pick.length);
        for (const k of Object.keys(page) as (keyof PricingRows)[]) expect(sameBytes(page[k], refPage[k]), `page ${k}`).toBe(true);
        const summary = pricingSummary(sums, params());
        let pay = 0;
        for (let i = 0; i < rp.cases.n; i++) pay += refRows.drgPaymentYuan[i]!;
        expect(Math.abs(summary.totals.drgPaymentYuan - pay) / pay).toBeLessThan(1e-12);
      } finally {
        pricing.releaseCases(resident);
        pricing.free();
      }
    });
  }

  it('the fused pass without the DRG and DIP tables gives the same hospital sums', () => {
    const pricing = new WasmPricing(core);
    const resident = pricing.placeCases(rp.cases);
    try {
      pricing.setInputs(randomPricingInputs(rp));
      const base = pricing.caseSums(resident, rp.nHospitals, nDrg, nDip);
      const all = pricing.repriceAggregate(resident, base);
      const lean = pricing.repriceAggregate(resident, base, { drg: false, dip: false });
      expect(lean.drg).toBeNull();
      expect(sameBytes(lean.hospital, all.hospital)).toBe(true);
      const ref = repriceAggregateReference(randomPricingInputs(rp), rp.cases, caseSumsReference(rp.cases, rp.nHospitals, nDrg, nDip), { drg: false, dip: false });
      expect(sameBytes(lean.hospital, ref.hospital)).toBe(true);
    } finally {
      pricing.releaseCases(resident);
      pricing.free();
    }
  });
});

// ----- parameters -----------------------------------------------------------------------------------------

describe('§10 pricing parameters', () => {
  const codes = ['X000', 'X001'];

  it('the defaults are valid and carry the §3/§4 values', () => {
    const p = defaultPricingParameters();
    expect(validatePricingParameters(p, codes)).toEqual([]);
    expect([p.drgHighOutlierRatio, p.drgLowOutlierRatio, p.drgHighOutlierShare, p.specialReviewMultiple]).toEqual([2, 0.4, 1, 2]);
    expect([p.surplusShare, p.overrunShare, p.fundRatio['职工'], p.fundRatio['居民']]).toEqual([1, 0, 0.85, 0.7]);
    expect([p.dipLowDeviationRatio, p.dipHighDeviationRatio, p.dipLevelCoefficient[3], p.dipLevelCoefficient[2], p.dipLevelCoefficient[1]]).toEqual([0.5, 2, 1, 0.9, 0.8]);
  });

  it('problems name the field: negative rate, non-numeric point value, zero budget in a budget mode, unknown DRG override', () => {
    const p = defaultPricingParameters();
    p.drgBaseRateYuan[2] = -5;
    p.dipPointValueYuan = 'ten' as unknown as number;
    p.dipPointValueMode = 'fixed';
    p.drgRateMode = 'fixed';
    p.drgWeightOverrides = { ZZ99: 1.1, X001: -1 };
    p.surplusShare = 1.5;
    p.drgLowOutlierRatio = 2.5;
    const found = validatePricingParameters(p, codes).map((q) => `${q.code} ${q.where.field}`);
    expect(found).toEqual(expect.arrayContaining([
      'param.negative drgBaseRateYuan.2', 'param.not_number dipPointValueYuan', 'param.unknown_drg drgWeightOverrides.ZZ99',
      'param.negative drgWeightOverrides.X001', 'param.share_range surplusShare', 'param.order drgLowOutlierRatio',
    ]));
    const budget = { ...defaultPricingParameters(), dipPointValueMode: 'floating' as const, budgetYuan: 0 };
    expect(validatePricingParameters(budget).map((q) => `${q.code} ${q.where.field}`)).toEqual(['param.budget_zero budgetYuan']);
    // A zero budget is fine while no budget mode uses it.
    expect(validatePricingParameters({ ...defaultPricingParameters(), budgetYuan: 0 })).toEqual([]);
  });

  it('a ruleset\'s parameters fill the set; a non-numeric value becomes a problem naming its field', () => {
    const p = pricingParametersFromRuleset({ ...DEMO_PARAMETERS, drg_high_outlier_ratio: 'abc', dip_point_value_floating: true }, { dip_score_factor: 100 });
    expect([p.drgBaseRateYuan[3], p.drgBaseRateYuan[2], p.drgBaseRateYuan[1]]).toEqual([12000, 10500, 9000]);
    expect([p.dipPointValueMode, p.dipScoreFactor]).toEqual(['floating', 100]);
    expect(validatePricingParameters({ ...p, budgetYuan: 1 }).map((q) => q.where.field)).toEqual(['drgHighOutlierRatio']);
  });

  it('the demo ruleset prices its DRGs and DIP groups with its own parameters', () => {
    const ruleset = buildDemoRuleset();
    const compiled = compileRuleset(ruleset);
    const p = pricingParametersFromRuleset(ruleset.parameters, compiled.meta);
    expect(validatePricingParameters(p, compiled.strings.drgCodes)).toEqual([]);
    const inputs = buildPricingInputs(p, compiled, ['职工', '居民']);
    const priced = inputs.drgWeight.filter((w) => w > 0).length;
    expect(priced).toBeGreaterThan(0);
    // Every scored DIP group gets a mean cost (from the reference mean cost when the catalog has none).
    for (let g = 0; g < inputs.dipScore.length; g++) if (inputs.dipScore[g]! > 0) expect(inputs.dipMeanCostYuan[g]).toBeGreaterThan(0);
  });
});
