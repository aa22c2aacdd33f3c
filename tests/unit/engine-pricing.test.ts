// Payment what-if through the Engine (domain §3 DRG payment, settlement, fund vs patient; §10 base vs what-if):
// four hand-built cases priced by hand, breakdowns that add up, budget neutrality, errors at the field.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.ts';
import { createNodeEngine } from '../../src/engine/node/engine-node.ts';
import { ROOT } from '../../src/engine/node/wasm-build.ts';
import { HISTOGRAM_BINS, type PaymentBreakdown, type PricingSide } from '../../src/engine/engine-pricing.ts';
import { defaultPricingParameters, type PricingParameters } from '../../src/scenario/pricing-parameters.ts';
import { baseScenario, cloneScenario } from '../../src/scenario/scenario.ts';
import { handTable, ipc } from '../fixtures/case-tables.ts';

const MINI = readFileSync(join(ROOT, 'docs', 'examples', 'mini-ruleset.json'), 'utf8');
// Mini ruleset weights: HC23 1.28, HC25 1.02, HS21 0.98; the fourth case groups to 0000 (no MDC).
const CASES = ipc(handTable([
  { case_id: 'P1', hospital_id: 'H01', hospital_level: 3, insurance_type: '职工', department: '普外科', total_cost: 21000, los: 8, principal_dx: 'K80.100', principal_proc: '51.2300', secondary_dx: ['E11.900'] },
  { case_id: 'P2', hospital_id: 'H01', hospital_level: 3, insurance_type: '城乡居民', department: '普外科', total_cost: 16000, los: 6, principal_dx: 'K80.100', principal_proc: '51.2300', secondary_dx: [] },
  { case_id: 'P3', hospital_id: 'H02', hospital_level: 2, insurance_type: '职工', department: '消化内科', total_cost: 15000, los: 9, principal_dx: 'K80.100', secondary_dx: ['J96.000'] },
  { case_id: 'P4', hospital_id: 'H02', hospital_level: 2, department: '泌尿外科', total_cost: 9000, los: 5, principal_dx: 'N40.x00', secondary_dx: [] },
]));

function params(change: Partial<PricingParameters> = {}): PricingParameters {
  const p = defaultPricingParameters();
  p.drgBaseRateYuan = { 1: 8000, 2: 9000, 3: 10000 };
  return { ...p, ...change };
}
const side = (p: PricingParameters): PricingSide => ({ parameters: p });

let engine: Engine;
beforeAll(async () => {
  engine = await createNodeEngine();
  expect(engine.loadRulesetText(MINI, 'mini-ruleset.json').ok).toBe(true);
  expect(engine.loadCases(CASES, 'pricing.arrow').ok).toBe(true);
});

function compare(base: PricingParameters, whatIf: PricingParameters) {
  const r = engine.comparePayments(side(base), side(whatIf));
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

const row = (b: PaymentBreakdown, code: string, parent?: string) => {
  const i = b.codes.findIndex((c, k) => c === code && (parent === undefined || b.parents?.[k] === parent));
  expect(i, `row ${code}`).toBeGreaterThanOrEqual(0);
  return i;
};

describe('§3 DRG payment through the engine, by hand', () => {
  it('standard = RW × rate[level]; unpriced 0000 paid by item; fund share by insurance type', () => {
    const c = compare(params(), params());
    const d = c.drg;
    // P1 1.28 × 10000 = 12800 (r 1.64), P2 1.02 × 10000 = 10200, P3 0.98 × 9000 = 8820, P4 0000 → cost 9000.
    expect(d.base.paymentYuan).toBeCloseTo(12800 + 10200 + 8820 + 9000, 6);
    // Fund: 职工 0.85, 居民 0.70, missing type → default 0.70.
    expect(d.base.fundYuan).toBeCloseTo(12800 * 0.85 + 10200 * 0.7 + 8820 * 0.85 + 9000 * 0.7, 6);
    expect(d.base.patientYuan).toBeCloseTo(40820 - 31817, 6);
    expect(d.base.marginYuan).toBeCloseTo(40820 - 61000, 6);
    expect(d.base.unpriced).toBe(1);
    expect(d.base.high + d.base.low).toBe(0);
    expect(d.cases).toBe(4);
    expect(d.costYuan).toBe(61000);
    const h = d.hospitals;
    expect(h.base.paymentYuan[row(h, 'H01')]).toBeCloseTo(23000, 6);
    expect(h.base.paymentYuan[row(h, 'H02')]).toBeCloseTo(17820, 6);
    expect(h.costYuan[row(h, 'H02')]).toBe(24000);
  });

  it('§10 what-if: level-3 rate 10000 → 11000 moves the fund by 1280 × 0.85 + 1020 × 0.70 = 1802', () => {
    const c = compare(params(), params({ drgBaseRateYuan: { 1: 8000, 2: 9000, 3: 11000 } }));
    expect(c.drg.whatIf.paymentYuan - c.drg.base.paymentYuan).toBeCloseTo(2300, 6);
    expect(c.drg.whatIf.fundYuan - c.drg.base.fundYuan).toBeCloseTo(1802, 6);
    expect(c.resolved.whatIf.drgRateYuan[3]).toBe(11000);
    const g = c.drg.groups;
    expect(g.whatIf.paymentYuan[row(g, 'HC23')]! - g.base.paymentYuan[row(g, 'HC23')]!).toBeCloseTo(1280, 6);
    expect(g.whatIf.paymentYuan[row(g, 'HS21')]).toBeCloseTo(g.base.paymentYuan[row(g, 'HS21')]!, 9);
  });

  it('§3 settlement: with overrun sharing 0.5 the fund covers half of each hospital\'s loss', () => {
    const c = compare(params(), params({ drgBaseRateYuan: { 1: 8000, 2: 9000, 3: 11000 }, overrunShare: 0.5 }));
    // H01: 14080 + 11220 − 37000 = −11700 → 5850; H02: 17820 − 24000 = −6180 → 3090.
    expect(c.drg.whatIf.adjustmentYuan).toBeCloseTo(5850 + 3090, 6);
    expect(c.drg.whatIf.fundYuan).toBeCloseTo(31817 + 1802 + 8940, 6);
    expect(c.drg.whatIf.revenueYuan).toBeCloseTo(43120 + 8940, 6);
    expect(c.drg.whatIf.marginYuan).toBeCloseTo(43120 + 8940 - 61000, 6);
    expect(c.drg.base.adjustmentYuan).toBe(0);
  });

  it('§3 budget-neutral rate: Σ payment of the priced cases equals the budget to the cent', () => {
    const c = compare(params(), params({ drgRateMode: 'budget', budgetYuan: 50000 }));
    expect(c.resolved.whatIf.drgRateYuan[3]).toBeCloseTo(50000 / (1.28 + 1.02 + 0.98), 9);
    const priced = c.drg.whatIf.paymentYuan - 9000;
    expect(Math.round(priced * 100) / 100).toBe(50000);
  });

  it('breakdowns add up: departments within hospitals, MDCs from DRGs', () => {
    const d = compare(params(), params({ hospitalCoefficient: { 1: 1, 2: 1.1, 3: 1 } })).drg;
    const dep = d.departments!;
    expect(dep.codes.length).toBe(3);
    expect(dep.cases[row(dep, '普外科', 'H01')]).toBe(2);
    expect(dep.whatIf.paymentYuan[row(dep, '消化内科', 'H02')]).toBeCloseTo(8820 * 1.1, 6);
    const sum = (a: Float64Array) => a.reduce((x, y) => x + y, 0);
    expect(sum(dep.whatIf.paymentYuan)).toBeCloseTo(sum(d.hospitals.whatIf.paymentYuan), 6);
    const mdc = d.mdcs!;
    expect(mdc.cases[row(mdc, 'MDCH')]).toBe(3);
    expect(mdc.cases[row(mdc, '0000')]).toBe(1);
    expect(sum(mdc.whatIf.paymentYuan)).toBeCloseTo(sum(d.groups.whatIf.paymentYuan), 6);
  });

  it('the cost ÷ standard histogram puts each priced case in its bin', () => {
    const c = compare(params(), params());
    const h = c.drg.histogram.base;
    expect(h.length).toBe(HISTOGRAM_BINS + 1);
    const bin = (r: number) => Math.trunc((r * HISTOGRAM_BINS) / c.histogramMaxRatio);
    expect(h[bin(21000 / 12800)]).toBeGreaterThanOrEqual(1);
    expect(h.reduce((a, b) => a + b, 0)).toBe(3); // P4 is unpriced
  });
});

describe('bad parameters are refused at the field; nothing is priced', () => {
  it('a budget of 0 in budget mode and a negative rate name their fields', () => {
    const r = engine.comparePayments(side(params()), side(params({ drgRateMode: 'budget', budgetYuan: 0, hospitalCoefficient: { 1: 1, 2: -1, 3: 1 } })));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.code, e.where?.field])).toEqual([
      ['param.negative', 'whatIf.hospitalCoefficient.2'],
      ['param.budget_zero', 'whatIf.budgetYuan'],
    ]);
  });

  it('a weight override for an unknown DRG', () => {
    const r = engine.comparePayments(side(params()), side(params({ drgWeightOverrides: { ZZ99: 1.2 } })));
    expect(r.ok ? [] : r.errors.map((e) => [e.code, e.where?.field])).toEqual([['param.unknown_drg', 'whatIf.drgWeightOverrides.ZZ99']]);
  });

  it('a weight override is priced: HC23 1.28 → 1.5 adds 2200 at rate 10000', () => {
    const c = compare(params(), params({ drgWeightOverrides: { HC23: 1.5 } }));
    expect(c.drg.whatIf.paymentYuan - c.drg.base.paymentYuan).toBeCloseTo(2200, 6);
  });
});

describe('§10 scenarios through the engine', () => {
  function scenarios() {
    const ctx = engine.scenarioContext();
    if (!ctx.ok) throw new Error(JSON.stringify(ctx.errors));
    const base = baseScenario(ctx.value);
    base.parameters = params();
    return { base, whatIf: cloneScenario(base) };
  }

  it('a bulk +10 % on ADRG HC2 prices HC23 at 1.408 and HC25 at 1.122: +2300 at rate 10000', () => {
    const { base, whatIf } = scenarios();
    whatIf.weightAdjustments = [{ scope: 'adrg', code: 'HC2', percent: 10 }];
    const r = engine.compareScenarios(base, whatIf);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.value.drg.whatIf.paymentYuan - r.value.drg.base.paymentYuan).toBeCloseTo(2300, 6);
  });

  it('a single override wins over the bulk rule', () => {
    const { base, whatIf } = scenarios();
    whatIf.weightAdjustments = [{ scope: 'mdc', code: 'MDCH', percent: -50 }];
    whatIf.parameters.drgWeightOverrides = { HC23: 1.28, HC25: 1.02, HS21: 0.98 };
    const r = engine.compareScenarios(base, whatIf);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.value.drg.whatIf.paymentYuan).toBeCloseTo(r.value.drg.base.paymentYuan, 6);
  });

  it('problems name the side and the field; an unknown ADRG in a bulk rule too', () => {
    const { base, whatIf } = scenarios();
    whatIf.parameters.drgRateMode = 'budget';
    whatIf.parameters.budgetYuan = 0;
    whatIf.weightAdjustments = [{ scope: 'adrg', code: 'ZZ9', percent: 5 }];
    const r = engine.compareScenarios(base, whatIf);
    expect(r.ok ? [] : r.errors.map((e) => [e.code, e.where?.field])).toEqual([
      ['param.budget_zero', 'whatIf.parameters.budgetYuan'],
      ['scenario.unknown_adrg', 'whatIf.weightAdjustments[0].code'],
    ]);
  });
});

describe('§3 special review and recalibration through the engine', () => {
  it('lists cases at ≥ 2 × standard, costliest ratio first, and none below', () => {
    const ctx = engine.scenarioContext();
    if (!ctx.ok) throw new Error('no context');
    const s = baseScenario(ctx.value);
    // Level-3 rate 8000: P1 standard 1.28 × 8000 = 10240, r = 21000 ÷ 10240 = 2.05 → listed; P2 16000 ÷ 8160 = 1.96 → not.
    s.parameters = params({ drgBaseRateYuan: { 1: 8000, 2: 9000, 3: 8000 } });
    const r = engine.specialReviewCases(s, 0, 10);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.value.total).toBe(1);
    expect(r.value.rows[0]).toMatchObject({ caseId: 'P1', hospital: 'H01', department: '普外科', drg: 'HC23', costYuan: 21000, standardYuan: 10240 });
    expect(r.value.rows[0]!.ratio).toBeCloseTo(21000 / 10240, 12);
  });

  it('§3 recalibration: groups with fewer than 5 cases inherit their ADRG pool; the overall mean is of kept cases', () => {
    const r = engine.recalibration();
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const codes = ['HC23', 'HC25', 'HS21'];
    // Three one-case DRGs: each inherits its ADRG's pool (HC2: 21000 and 16000, R-7 2.5–97.5 % keeps both).
    const overall = (21000 + 16000 + 15000) / 3;
    const ctx = engine.scenarioContext();
    if (!ctx.ok) throw new Error('no context');
    const id = (c: string) => ctx.value.drgCodes.indexOf(c);
    expect(r.value.drg.value[id(codes[0]!)]).toBeCloseTo((21000 + 16000) / 2 / overall, 12);
    expect(r.value.drg.value[id('HS21')]).toBeCloseTo(15000 / overall, 12);
  });
});
