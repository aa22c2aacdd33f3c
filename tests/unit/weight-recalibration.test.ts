// "Recalibrate weights from this data" (domain §3 weights, §4 scores): hand-computed trimmed means, the
// percentile definition, inheritance by groups with < 5 cases, and the DIP score factor.
import { describe, expect, it } from 'vitest';
import type { CompiledRuleset } from '../../src/rules/ruleset-compile.ts';
import {
  RECALIBRATION_SOURCE, percentileSorted, recalibrate, recalibrateDipScores, recalibrateDrgWeights,
} from '../../src/scenario/weight-recalibration.ts';

/**
 * Group A (ADRG 0): 1,000 2,000 3,000 4,000 100,000 → P2.5 = 1,100, P97.5 = 90,400 → kept 2,000–4,000, mean 3,000.
 * Group B (ADRG 1): 5,000 6,000 6,000 6,000 7,000 → P2.5 = 5,100, P97.5 = 6,900 → kept 6,000 ×3, mean 6,000.
 * Group C (ADRG 1, 2 cases < 5): 6,500 20,000 → inherits ADRG 1: pool of 7 sorted 5,000 6,000 6,000 6,000 6,500
 *   7,000 20,000 → P2.5 = 5,000 + 0.15 × 1,000 = 5,150, P97.5 = 7,000 + 0.85 × 13,000 = 18,050 → kept
 *   6,000 ×3, 6,500, 7,000 → mean 31,500 ÷ 5 = 6,300; of C's own cases 6,500 is kept, 20,000 left out.
 * Group D: no cases → keeps its weight 0.77.
 * Overall = kept A + B + C = (9,000 + 18,000 + 6,500) ÷ 7 = 33,500 ÷ 7.
 */
const GROUP = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, -1, 0];
const COST = [1000, 2000, 3000, 4000, 100000, 5000, 6000, 6000, 6000, 7000, 6500, 20000, 99999, NaN];
const OVERALL = 33500 / 7;

describe('§3 weight recalibration', () => {
  it('§3 percentile (linear between closest ranks): [1,2,3,4,5] → P25 = 2, P2.5 = 1.1, P97.5 = 4.9', () => {
    const a = Float64Array.of(1, 2, 3, 4, 5);
    expect(percentileSorted(a, 0, 5, 25)).toBe(2);
    expect(percentileSorted(a, 0, 5, 2.5)).toBeCloseTo(1.1, 12);
    expect(percentileSorted(a, 0, 5, 97.5)).toBeCloseTo(4.9, 12);
  });

  it('§3 RW = trimmed mean ÷ overall trimmed mean: A 3,000 ÷ (33,500 ÷ 7) = 0.6269, B 6,000 ÷ 4,785.71 = 1.2537', () => {
    const r = recalibrate(Int32Array.from(GROUP), Float64Array.from(COST), 4, Int32Array.of(0, 1, 1, 1), 2, Float64Array.of(1, 1, 1, 0.77));
    expect(r.overallMeanCostYuan).toBeCloseTo(OVERALL, 9);
    expect(r.value[0]).toBeCloseTo(3000 / OVERALL, 12);
    expect(r.value[1]).toBeCloseTo(6000 / OVERALL, 12);
    expect([...r.cases]).toEqual([5, 5, 2, 0]); // the −1 case and the NaN cost are left out
    expect([...r.keptCases]).toEqual([3, 3, 1, 0]);
    expect(r.keptTotal).toBe(7);
  });

  it('§3 a DRG with < 5 cases inherits its ADRG weight: C = ADRG trimmed mean 6,300 ÷ (33,500 ÷ 7) = 1.3164', () => {
    const r = recalibrate(Int32Array.from(GROUP), Float64Array.from(COST), 4, Int32Array.of(0, 1, 1, 1), 2, Float64Array.of(1, 1, 1, 0.77));
    expect(r.value[2]).toBeCloseTo(6300 / OVERALL, 12);
    expect(r.meanCostYuan[2]).toBeCloseTo(6300, 9);
    expect([...r.source]).toEqual([RECALIBRATION_SOURCE.data, RECALIBRATION_SOURCE.data, RECALIBRATION_SOURCE.parent, RECALIBRATION_SOURCE.kept]);
    expect(r.value[3]).toBe(0.77);
  });

  it('§3 recalibrateDrgWeights reads the ruleset\'s DRG → ADRG table and keeps weights of DRGs without cases', () => {
    const compiled = {
      strings: { adrgCodes: ['AA1', 'BB1'] },
      tables: { drgWeight: Float64Array.of(1, 1, 1, 0.77), drgAdrg: Int32Array.of(0, 1, 1, 1) },
    } as unknown as CompiledRuleset;
    const r = recalibrateDrgWeights(compiled, Int32Array.from(GROUP), Float64Array.from(COST));
    expect([...r.value].map((v) => +v.toFixed(4))).toEqual([0.6269, 1.2537, 1.3164, 0.77]);
  });
});

describe('§3 trimming that would keep nothing', () => {
  it('a group of two (both outside P2.5–P97.5) keeps both: weight = 18,500 ÷ 17,000 with a third case of 14,000', () => {
    const r = recalibrate(Int32Array.of(0, 0, 1), Float64Array.of(16000, 21000, 14000), 2, Int32Array.of(-1, -1), 0, Float64Array.of(1, 1), 1,
      { lowPercentile: 2.5, highPercentile: 97.5, minCases: 1 });
    expect(r.keptCases).toEqual(Int32Array.of(2, 1));
    expect(r.overallMeanCostYuan).toBeCloseTo(17000, 9);
    expect(r.value[0]).toBeCloseTo(18500 / 17000, 12);
  });
});

describe('§4 DIP score recalibration', () => {
  it('§4 score = trimmed mean ÷ overall × 1000: 626.87, 1253.73; the 2-case group inherits its category K80 (1316.42)', () => {
    const compiled = {
      meta: { dip_score_factor: 1000 },
      strings: { dipGroupCodes: ['J18.0|', 'K80.1|51.23', 'K80|3', 'I10|0'] },
      tables: { dipGroupScore: Float64Array.of(500, 500, 500, 321) },
    } as unknown as CompiledRuleset;
    // Categories: J18 = {A}, K80 = {B, C}, I10 = {D} — the same pools as the ADRGs above.
    const r = recalibrateDipScores(compiled, Int32Array.from(GROUP), Float64Array.from(COST));
    expect(r.value[0]).toBeCloseTo((3000 / OVERALL) * 1000, 9);
    expect(r.value[1]).toBeCloseTo((6000 / OVERALL) * 1000, 9);
    expect(r.source[2]).toBe(RECALIBRATION_SOURCE.parent);
    expect(r.value[2]).toBeCloseTo((6300 / OVERALL) * 1000, 9);
    expect(r.value[3]).toBe(321);
  });

  it('§4 the factor is editable: 100 gives a tenth of the 1000-scale score', () => {
    const compiled = {
      meta: {},
      strings: { dipGroupCodes: ['K80.1|', 'J18|0'] },
      tables: { dipGroupScore: Float64Array.of(1, 1) },
    } as unknown as CompiledRuleset;
    const g = Int32Array.of(0, 0, 0, 0, 0, 1, 1, 1, 1, 1), c = Float64Array.of(10, 10, 10, 10, 10, 30, 30, 30, 30, 30);
    expect([...recalibrateDipScores(compiled, g, c, 100).value]).toEqual([50, 150]);
    expect([...recalibrateDipScores(compiled, g, c).value]).toEqual([500, 1500]);
  });
});
