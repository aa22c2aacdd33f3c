// Random draws for the synthetic case generator (Case data issue): the uniform stream in bulk, discrete
// choices (cumulative weights, alias tables) and continuous ones by inverse CDF from tables, without Math.log/exp.

/** Rows filled per call of the per-case loop: the uniform buffer is refilled before each such chunk. */
export const CHUNK = 256;

/** seededRandom's sequence (mulberry32), generated in bulk into a buffer the per-case loop reads by index. */
export class UniformBuffer {
  readonly buf = new Float64Array(CHUNK * 64); // a case draws fewer than 64 uniforms
  pos = this.buf.length;
  private state: number;
  constructor(seed: number) { this.state = seed | 0; }
  /** Keeps the unread tail and fills the rest: a chunk's worth of uniforms from `pos` = 0. */
  refill(): void {
    const buf = this.buf, n = buf.length;
    buf.copyWithin(0, this.pos, n);
    let a = this.state | 0; // an int32 from the start, so V8 adds in int32 below
    for (let i = n - this.pos; i < n; i++) {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), a | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      buf[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    }
    this.state = a;
    this.pos = 0;
  }
}

/** Cumulative weights for binary-search sampling. */
export function cumulative(weights: ArrayLike<number>): Float64Array {
  const c = new Float64Array(weights.length);
  let s = 0;
  for (let i = 0; i < weights.length; i++) { s += weights[i]; c[i] = s; }
  return c;
}

/** Index drawn from cumulative weights cum[at … at + len). */
export function pick(cum: Float64Array, at: number, len: number, u: number): number {
  const x = u * cum[at + len - 1];
  let lo = 0, hi = len - 1;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (cum[at + mid] > x) hi = mid; else lo = mid + 1; }
  return lo;
}

/**
 * Walker/Vose alias table, written at `at` into prob / alias: one uniform u picks index j = ⌊u·n⌋, and its
 * fraction u·n − j keeps j when below prob[j], else takes alias[j].
 */
export function aliasTable(weights: ArrayLike<number>, prob: Float64Array, alias: Int32Array, at: number): void {
  const n = weights.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += weights[i];
  const scaled = new Float64Array(n);
  const small: number[] = [], large: number[] = [];
  for (let i = 0; i < n; i++) { scaled[i] = (weights[i] * n) / sum; (scaled[i] < 1 ? small : large).push(i); }
  while (small.length && large.length) {
    const s = small.pop()!, l = large.pop()!;
    prob[at + s] = scaled[s]; alias[at + s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    (scaled[l] < 1 ? small : large).push(l);
  }
  for (const i of large) { prob[at + i] = 1; alias[at + i] = i; }
  for (const i of small) { prob[at + i] = 1; alias[at + i] = i; }
}

/** Intervals of a quantile table: its values are at u = k / Q.intervals, the outermost moved half an interval in. */
const enum Q { intervals = 1024 }

/** A quantile table of f(Φ⁻¹(u)) for a standard normal (tails cut at ±3.3 σ), or of any inverse CDF given. */
export function quantileTable(f: (x: number) => number, inverseCdf: (p: number) => number = normalQuantile): Float64Array {
  const table = new Float64Array(Q.intervals + 1);
  for (let k = 0; k <= Q.intervals; k++) table[k] = f(inverseCdf(Math.min(1 - 0.5 / Q.intervals, Math.max(0.5 / Q.intervals, k / Q.intervals))));
  return table;
}

/** The table's value at u ∈ [0, 1), linear between its points. */
export function quantile(table: Float64Array, u: number): number {
  const x = u * Q.intervals, k = x | 0;
  return table[k] + (table[k + 1] - table[k]) * (x - k);
}

/** Φ⁻¹(p), the standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  const tail = (q: number) => (((((-7.784894002430293e-3 * q - 3.223964580411365e-1) * q - 2.400758277161838) * q - 2.549732539343734) * q
    + 4.374664141464968) * q + 2.938163982698783) / ((((7.784695709041462e-3 * q + 3.224671290700398e-1) * q + 2.445134137142996) * q
    + 3.754408661907416) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5, r = q * q;
  return (((((-3.969683028665376e1 * r + 2.209460984245205e2) * r - 2.759285104469687e2) * r + 1.38357751867269e2) * r
    - 3.066479806614716e1) * r + 2.506628277459239) * q / (((((-5.447609879822406e1 * r + 1.615858368580409e2) * r
    - 1.556989798598866e2) * r + 6.680131188771972e1) * r - 1.328068155288572e1) * r + 1);
}

/** −ln(1 − p): the standard exponential's quantile. */
export const exponentialQuantile = (p: number) => -Math.log(1 - p);
