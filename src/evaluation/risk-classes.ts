// §5 mortality risk class of each DRG, from the reference population's deaths ÷ cases. Per DRG, not per
// case: the kernel then counts each unit's cases and deaths by the class of their DRG.
//
// m_g = deaths ÷ cases. m_g = 0 → class 0. Over the groups with m_g > 0, x_g = ln m_g, μ its mean and σ its
// standard deviation over those groups (the population form, ÷ N: the groups are all there are, not a
// sample): x < μ − σ → 1 低风险; μ − σ ≤ x < μ → 2 中低风险; μ ≤ x < μ + σ → 3 中高风险; x ≥ μ + σ → 4 高风险.
// A group on a boundary takes the upper class, as the ≤ says. "On" allows for rounding: x within
// BOUNDARY_TOLERANCE of a boundary counts as on it (a mortality within a factor 1 ± 10⁻⁹ of it), so two
// groups with the same rate never land in different classes because ln and the mean rounded differently.

/** Class numbers; −1 marks a DRG that is not counted as grouped (an ambiguity group xQY). */
export const RISK_CLASS = { none: 0, low: 1, midLow: 2, midHigh: 3, high: 4 } as const;
export const NOT_GROUPED = -1;

/** In ln(mortality) units. */
export const BOUNDARY_TOLERANCE = 1e-9;

export interface RiskClasses {
  /** Per DRG id: 0…4, or −1 where `counted` was false. */
  classOf: Int32Array;
  /** Per DRG id: deaths ÷ cases in the reference (NaN without cases). */
  mortality: Float64Array;
  /** Mean and standard deviation of ln m over the groups with deaths; NaN when no group has any. */
  mu: number;
  sigma: number;
  /** DRGs per class 0…4. */
  groups: [number, number, number, number, number];
}

/** The class of x = ln m for a group with deaths. */
export function riskClassOf(x: number, mu: number, sigma: number): 1 | 2 | 3 | 4 {
  const at = (boundary: number) => x >= boundary - BOUNDARY_TOLERANCE;
  if (at(mu + sigma)) return 4;
  if (at(mu)) return 3;
  if (at(mu - sigma)) return 2;
  return 1;
}

/** Classes per DRG id from the reference's cases and deaths per DRG; `counted[g]` false leaves g out (−1). */
export function riskClasses(cases: ArrayLike<number>, deaths: ArrayLike<number>, counted: ArrayLike<boolean | number>): RiskClasses {
  const nDrg = cases.length;
  const classOf = new Int32Array(nDrg);
  const mortality = new Float64Array(nDrg).fill(NaN);
  const logs: number[] = [];
  for (let g = 0; g < nDrg; g++) {
    if (!counted[g]) { classOf[g] = NOT_GROUPED; continue; }
    if (cases[g]! > 0) mortality[g] = deaths[g]! / cases[g]!;
    if (mortality[g]! > 0) logs.push(Math.log(mortality[g]!));
  }
  let mu = NaN, sigma = NaN;
  if (logs.length) {
    mu = logs.reduce((a, b) => a + b, 0) / logs.length;
    sigma = Math.sqrt(logs.reduce((a, x) => a + (x - mu) * (x - mu), 0) / logs.length);
  }
  const groups: RiskClasses['groups'] = [0, 0, 0, 0, 0];
  for (let g = 0; g < nDrg; g++) {
    if (classOf[g] === NOT_GROUPED) continue;
    const m = mortality[g]!;
    const k = m > 0 ? riskClassOf(Math.log(m), mu, sigma) : RISK_CLASS.none;
    classOf[g] = k;
    groups[k]++;
  }
  return { classOf, mortality, mu, sigma, groups };
}

/** The mortality at each class boundary (e^(μ − σ), e^μ, e^(μ + σ)), for display; null without classes. */
export function riskBoundaries(r: Pick<RiskClasses, 'mu' | 'sigma'>): { lowMid: number; mid: number; high: number } | null {
  if (!Number.isFinite(r.mu)) return null;
  return { lowMid: Math.exp(r.mu - r.sigma), mid: Math.exp(r.mu), high: Math.exp(r.mu + r.sigma) };
}
