// Scenario weights (domain §3 "weights … editable", issue #5): bulk ±% rules by MDC or ADRG in order, then
// single-DRG overrides, which win — hand-computed on a small stand-in ruleset, then on the demo ruleset.
import { describe, expect, it } from 'vitest';
import { buildDemoRuleset } from '../../src/rules/demo/build-demo-ruleset.ts';
import { STEP_ADRG, compileRuleset } from '../../src/rules/ruleset-compile.ts';
import { baseScenario, scenarioContext, type WeightAdjustment } from '../../src/scenario/scenario.ts';
import {
  adrgMdcIds, bulkRuleOverrides, drgMdcIds, drgsInScope, effectiveDrgWeights, scenarioDrgWeights, type WeightRuleset,
} from '../../src/scenario/weight-adjustments.ts';

const STEP_AMBIGUITY = 1;

/**
 * MDCA: AH1; MDCE: EB1; MDCF: FM1, FM2, the ambiguity group FQY, and EB1 again (EB1 stays in MDCE, the first
 * MDC naming it). DRGs and RW: AH11 10, EB11 1.5, FM11 2.0, FM13 1.6, FM19 1.2, FM25 0.8, FQY none.
 */
function tiny(): WeightRuleset {
  return {
    strings: {
      mdcCodes: ['MDCA', 'MDCE', 'MDCF'],
      adrgCodes: ['AH1', 'EB1', 'FM1', 'FM2', 'FQY'],
      drgCodes: ['AH11', 'EB11', 'FM11', 'FM13', 'FM19', 'FM25', 'FQY'],
    },
    tables: {
      drgWeight: Float64Array.of(10, 1.5, 2.0, 1.6, 1.2, 0.8, NaN),
      drgAdrg: Int32Array.of(0, 1, 2, 2, 2, 3, 4),
      mdcStepStart: Int32Array.of(0, 1, 2),
      mdcStepEnd: Int32Array.of(1, 2, 6),
      stepKind: Uint8Array.of(STEP_ADRG, STEP_ADRG, STEP_ADRG, STEP_ADRG, STEP_AMBIGUITY, STEP_ADRG),
      stepTarget: Int32Array.of(0, 1, 2, 3, 6, 1),
    },
  };
}

const RULES: WeightAdjustment[] = [
  { scope: 'mdc', code: 'MDCF', percent: 10 },
  { scope: 'adrg', code: 'FM1', percent: -5 },
];
const OVERRIDES = { FM19: 1.2345 };

describe('MDC of a DRG from the compiled MDC steps', () => {
  it('ADRG → first MDC whose steps name it; an ambiguity group → the MDC of its step', () => {
    expect(Array.from(adrgMdcIds(tiny()))).toEqual([0, 1, 2, 2, 2]);
    expect(Array.from(drgMdcIds(tiny()))).toEqual([0, 1, 2, 2, 2, 2, 2]);
  });

  it('a rule reaches the DRGs of its MDC or ADRG; codes are matched trimmed and upper-cased', () => {
    expect(Array.from(drgsInScope(tiny(), { scope: 'mdc', code: 'MDCF' }))).toEqual([2, 3, 4, 5, 6]);
    expect(Array.from(drgsInScope(tiny(), { scope: 'adrg', code: ' fm1 ' }))).toEqual([2, 3, 4]);
    expect(drgsInScope(tiny(), { scope: 'adrg', code: 'ZZ9' })).toHaveLength(0);
    expect(drgsInScope(tiny(), { scope: 'drg' as 'adrg', code: 'FM1' })).toHaveLength(0);
  });
});

describe('§3 effective weights: bulk rules in order, then overrides', () => {
  it('+10 % on MDC F, then −5 % on ADRG FM1, then FM19 = 1.2345 (hand-computed)', () => {
    const w = effectiveDrgWeights(tiny(), RULES, OVERRIDES);
    expect(w[0]).toBe(10); //        AH11: MDC A, untouched
    expect(w[1]).toBe(1.5); //       EB11: MDC E (its later MDC F step does not count)
    expect(w[2]).toBeCloseTo(2.09, 12); //  FM11: 2.0 × 1.10 × 0.95
    expect(w[3]).toBeCloseTo(1.672, 12); // FM13: 1.6 × 1.10 × 0.95
    expect(w[4]).toBe(1.2345); //    FM19: the override wins over both rules
    expect(w[5]).toBeCloseTo(0.88, 12); //  FM25: 0.8 × 1.10 (not in FM1)
    expect(w[6]).toBeNaN(); //       FQY: no weight stays no weight
  });

  it('rules compound in their order; with no rules and no overrides the weights are the ruleset’s', () => {
    const twice = effectiveDrgWeights(tiny(), [RULES[0]!, RULES[0]!], {});
    expect(twice[2]).toBeCloseTo(2.0 * 1.21, 12);
    expect(Array.from(effectiveDrgWeights(tiny(), [], {}))).toEqual(Array.from(tiny().tables.drgWeight));
  });

  it('the ruleset’s table is never written; unknown codes in rules and overrides change nothing', () => {
    const r = tiny();
    const w = effectiveDrgWeights(r, [{ scope: 'mdc', code: 'MDCQ', percent: 50 }], { ZZ99: 3, fm11: 2.5 });
    expect(Array.from(r.tables.drgWeight)).toEqual([10, 1.5, 2.0, 1.6, 1.2, 0.8, NaN]);
    expect(Array.from(w)).toEqual([10, 1.5, 2.5, 1.6, 1.2, 0.8, NaN]);
  });

  it('recalibrated weights are the starting point when the scenario asks for them', () => {
    const recalibrated = Float64Array.of(9, 1, 3, 2, 1, 1, 0.5);
    const w = effectiveDrgWeights(tiny(), RULES, OVERRIDES, recalibrated);
    expect(w[2]).toBeCloseTo(3 * 1.1 * 0.95, 12);
    expect(w[6]).toBeCloseTo(0.55, 12);
  });

  it('the override map a bulk rule implies: weights after the rules before it, overridden DRGs left out', () => {
    const first = bulkRuleOverrides(tiny(), RULES, 0, OVERRIDES);
    expect(Object.keys(first)).toEqual(['FM11', 'FM13', 'FM25']); // FM19 overridden, FQY has no weight
    expect(first.FM11).toBeCloseTo(2.2, 12);
    expect(first.FM25).toBeCloseTo(0.88, 12);
    const second = bulkRuleOverrides(tiny(), RULES, 1, OVERRIDES);
    expect(Object.keys(second)).toEqual(['FM11', 'FM13']);
    expect(second.FM11).toBeCloseTo(2.09, 12);
    expect(second.FM13).toBeCloseTo(1.672, 12);
    expect(bulkRuleOverrides(tiny(), RULES, 5)).toEqual({});
  });
});

describe('on the demo ruleset', () => {
  const rs = buildDemoRuleset();
  const compiled = compileRuleset(rs);
  const s = compiled.strings;
  const id = (code: string) => s.drgCodes.indexOf(code);

  it('the MDC found from the steps is the one the CHS code letter names, for every ADRG', () => {
    const mdc = adrgMdcIds(compiled);
    s.adrgCodes.forEach((a, i) => expect(s.mdcCodes[mdc[i]!]).toBe(`MDC${a[0]}`));
  });

  it('+10 % on MDCF, −5 % on FM4, FM19 = 1.2345', () => {
    const ctx = scenarioContext(rs, s);
    const sc = baseScenario(ctx);
    sc.weightAdjustments = [{ scope: 'mdc', code: 'MDCF', percent: 10 }, { scope: 'adrg', code: 'FM4', percent: -5 }];
    sc.parameters.drgWeightOverrides = { FM19: 1.2345 };
    const w = scenarioDrgWeights(compiled, sc, null);
    const rw = compiled.tables.drgWeight;
    expect(w[id('FM19')]).toBe(1.2345);
    expect(w[id('FM43')]).toBeCloseTo(rw[id('FM43')]! * 1.1 * 0.95, 12);
    expect(w[id('FM45')]).toBeCloseTo(rw[id('FM45')]! * 1.1 * 0.95, 12);
    expect(w[id('FM29')]).toBeCloseTo(rw[id('FM29')]! * 1.1, 12);
    expect(w[id('ES31')]).toBe(rw[id('ES31')]);
    const changed = Array.from(w).filter((x, d) => !Object.is(x, rw[d])).length;
    expect(changed).toBe(drgsInScope(compiled, { scope: 'mdc', code: 'MDCF' }).filter((d) => Number.isFinite(rw[d])).length);
  });
});
