// "Recalibrate weights from this data" (domain §3, §4): DRG weights and DIP scores from the loaded cases'
// costs with the §3 trimming rule. Plain TypeScript (a sort per group); never touches grouping or pricing.
//
// Definitions used here:
// - Percentile: linear interpolation between closest ranks (R-7, numpy's default, Excel PERCENTILE.INC):
//   over a group's costs sorted ascending x[0..n−1], P(p) = x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]), h = (n−1)·p/100.
//   A case is kept when P(low) ≤ cost ≤ P(high) (bounds inclusive).
// - A group with ≥ minCases cases is trimmed at its own percentiles; its weight is its trimmed mean ÷ the
//   overall mean. A group with fewer cases inherits its parent's (DRG: ADRG; DIP: diagnosis category) value:
//   the parent pool (all cases of all its groups) trimmed at the pool's percentiles, mean ÷ overall mean.
// - Overall mean = mean cost of every kept case, each case judged by the bounds its group's value came from
//   (its own group's, or its parent pool's for a small group).
// - Trimming that would leave no case (a pool of two: both lie outside P2.5–P97.5) keeps them all instead,
//   bounds = min and max, so a small pool still gives a value rather than none.
// - Cases with no group (−1) or a cost that is not a finite number ≥ 0 are left out. A group without cases
//   keeps the value it had (source "kept").
import { DIP_CATEGORY_LENGTH } from '../rules/ruleset-format.ts';
import type { CompiledRuleset } from '../rules/ruleset-compile.ts';
import type { PricingParameters } from './pricing-parameters.ts';

/** Where a group's new value comes from. */
export const RECALIBRATION_SOURCE = { data: 0, parent: 1, kept: 2 } as const;

export interface TrimOptions {
  /** Percentiles of the cost kept, e.g. 2.5 and 97.5 (§3 default). */
  lowPercentile: number;
  highPercentile: number;
  /** Groups with fewer cases inherit their parent's value (§3: 5). */
  minCases: number;
}

export const DEFAULT_TRIM: Readonly<TrimOptions> = { lowPercentile: 2.5, highPercentile: 97.5, minCases: 5 };

/** The trimming a scenario's parameters set. */
export function trimOf(p: Pick<PricingParameters, 'weightTrimLowPercentile' | 'weightTrimHighPercentile' | 'weightMinGroupCases'>): TrimOptions {
  return { lowPercentile: p.weightTrimLowPercentile, highPercentile: p.weightTrimHighPercentile, minCases: p.weightMinGroupCases };
}

export interface Recalibration {
  /** DRG: RW; DIP: score (× factor). Per group id. */
  value: Float64Array;
  /** The trimmed mean cost the value was made from (the parent's for an inherited value), yuan. */
  meanCostYuan: Float64Array;
  /** Cases with a usable cost, and of those the cases kept after trimming, per group. */
  cases: Int32Array;
  keptCases: Int32Array;
  /** RECALIBRATION_SOURCE per group. */
  source: Uint8Array;
  /** Mean cost of all kept cases, yuan: the denominator. */
  overallMeanCostYuan: number;
  keptTotal: number;
}

/** R-7 percentile of sorted values a[from .. to). */
export function percentileSorted(a: Float64Array, from: number, to: number, p: number): number {
  const n = to - from;
  if (n <= 0) return NaN;
  const h = ((n - 1) * p) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return a[from + lo]! + (h - lo) * (a[from + hi]! - a[from + lo]!);
}

/** Costs bucketed by key and sorted within each bucket: values[start[k] .. start[k+1]). */
function bucketSorted(key: Int32Array, cost: Float64Array, nKeys: number): { start: Int32Array; values: Float64Array } {
  const start = new Int32Array(nKeys + 1);
  for (let i = 0; i < key.length; i++) if (key[i]! >= 0) start[key[i]! + 1]++;
  for (let k = 0; k < nKeys; k++) start[k + 1] += start[k]!;
  const fill = start.slice(0, nKeys);
  const values = new Float64Array(start[nKeys]!);
  for (let i = 0; i < key.length; i++) if (key[i]! >= 0) values[fill[key[i]!]!++] = cost[i]!;
  for (let k = 0; k < nKeys; k++) values.subarray(start[k]!, start[k + 1]!).sort();
  return { start, values };
}

/** Percentile bounds of sorted values a[from .. to), widened to min … max when they would keep no value. */
function trimBounds(a: Float64Array, from: number, to: number, trim: Readonly<TrimOptions>): [number, number] {
  const lo = percentileSorted(a, from, to, trim.lowPercentile), hi = percentileSorted(a, from, to, trim.highPercentile);
  return to > from && within(a, from, to, lo, hi).n === 0 ? [a[from]!, a[to - 1]!] : [lo, hi];
}

/** Kept count and Σ cost of sorted values a[from .. to) within [lo, hi]. */
function within(a: Float64Array, from: number, to: number, lo: number, hi: number): { n: number; sum: number } {
  let n = 0, sum = 0;
  for (let i = from; i < to; i++) {
    const x = a[i]!;
    if (x >= lo && x <= hi) { n++; sum += x; }
  }
  return { n, sum };
}

/**
 * Trimmed-mean values per group: value_g = trimmed mean_g ÷ overall mean × factor (see the module comment).
 * `group` per case (−1 none), `parentOf` per group (−1 none), `previous` per group (kept where no cases).
 */
export function recalibrate(
  group: Int32Array, costYuan: Float64Array, nGroups: number, parentOf: Int32Array, nParents: number,
  previous: Float64Array, factor = 1, trim: Readonly<TrimOptions> = DEFAULT_TRIM,
): Recalibration {
  // Usable cases only: a group in range and a finite cost ≥ 0.
  const g = new Int32Array(group.length);
  const p = new Int32Array(group.length);
  for (let i = 0; i < group.length; i++) {
    const gi = group[i]!, c = costYuan[i]!;
    const ok = gi >= 0 && gi < nGroups && Number.isFinite(c) && c >= 0;
    g[i] = ok ? gi : -1;
    const pi = ok ? parentOf[gi]! : -1;
    p[i] = pi >= 0 && pi < nParents ? pi : -1;
  }
  const byGroup = bucketSorted(g, costYuan, nGroups);
  const byParent = bucketSorted(p, costYuan, nParents);

  // Parent pools: bounds and trimmed mean.
  const parentLo = new Float64Array(nParents), parentHi = new Float64Array(nParents), parentMean = new Float64Array(nParents);
  for (let k = 0; k < nParents; k++) {
    const from = byParent.start[k]!, to = byParent.start[k + 1]!;
    [parentLo[k], parentHi[k]] = trimBounds(byParent.values, from, to, trim);
    const w = within(byParent.values, from, to, parentLo[k]!, parentHi[k]!);
    parentMean[k] = w.n > 0 ? w.sum / w.n : NaN;
  }

  const cases = new Int32Array(nGroups), keptCases = new Int32Array(nGroups);
  const meanCostYuan = new Float64Array(nGroups).fill(NaN);
  const source = new Uint8Array(nGroups);
  let keptTotal = 0, keptSum = 0;
  for (let k = 0; k < nGroups; k++) {
    const from = byGroup.start[k]!, to = byGroup.start[k + 1]!;
    const n = to - from;
    cases[k] = n;
    const parent = parentOf[k]!;
    const inherit = n < trim.minCases && parent >= 0 && parent < nParents;
    if (n === 0) { source[k] = RECALIBRATION_SOURCE.kept; continue; }
    const [lo, hi] = inherit ? [parentLo[parent]!, parentHi[parent]!] : trimBounds(byGroup.values, from, to, trim);
    const w = within(byGroup.values, from, to, lo, hi);
    keptCases[k] = w.n;
    keptTotal += w.n;
    keptSum += w.sum;
    source[k] = inherit ? RECALIBRATION_SOURCE.parent : RECALIBRATION_SOURCE.data;
    meanCostYuan[k] = inherit ? parentMean[parent]! : w.n > 0 ? w.sum / w.n : NaN;
  }
  const overall = keptTotal > 0 ? keptSum / keptTotal : NaN;
  const value = new Float64Array(nGroups);
  for (let k = 0; k < nGroups; k++) {
    value[k] = source[k] === RECALIBRATION_SOURCE.kept ? previous[k]! : (meanCostYuan[k]! / overall) * factor;
  }
  return { value, meanCostYuan, cases, keptCases, source, overallMeanCostYuan: overall, keptTotal };
}

/** §3: DRG weights RW from the cases' costs; small DRGs inherit their ADRG's weight. */
export function recalibrateDrgWeights(
  compiled: CompiledRuleset, drg: Int32Array, costYuan: Float64Array, trim: Readonly<TrimOptions> = DEFAULT_TRIM,
): Recalibration {
  const t = compiled.tables;
  return recalibrate(drg, costYuan, t.drgWeight.length, t.drgAdrg, compiled.strings.adrgCodes.length, t.drgWeight, 1, trim);
}

/**
 * §4: DIP scores = trimmed mean ÷ overall mean × factor (meta.dip_score_factor, 1000 by default); small groups
 * inherit their diagnosis category's (`K80`: the group code's key cut to DIP_CATEGORY_LENGTH characters).
 */
export function recalibrateDipScores(
  compiled: CompiledRuleset, dipGroup: Int32Array, costYuan: Float64Array, factor = compiled.meta.dip_score_factor ?? 1000,
  trim: Readonly<TrimOptions> = DEFAULT_TRIM,
): Recalibration {
  const codes = compiled.strings.dipGroupCodes;
  const categories = new Map<string, number>();
  const parentOf = Int32Array.from(codes, (code) => {
    const cat = code.split('|')[0]!.slice(0, DIP_CATEGORY_LENGTH);
    let id = categories.get(cat);
    if (id === undefined) categories.set(cat, (id = categories.size));
    return id;
  });
  return recalibrate(dipGroup, costYuan, codes.length, parentOf, categories.size, compiled.tables.dipGroupScore, factor, trim);
}
