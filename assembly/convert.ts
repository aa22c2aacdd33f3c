// Column conversions the host needs before kernels run: int64 → int32, epoch ticks → day numbers.
// Keeps per-row work out of JavaScript when an Arrow file uses wider or finer types than the core.

/** dst[i] = clamp(src[i]) for int64 input (Arrow Int64 columns of small values). */
export function i64ToI32(n: i32, src: usize, dst: usize): void {
  for (let i = 0; i < n; i++) {
    let v = load<i64>(src + (<usize>i << 3));
    if (v > <i64>i32.MAX_VALUE) v = <i64>i32.MAX_VALUE;
    if (v < <i64>i32.MIN_VALUE) v = <i64>i32.MIN_VALUE;
    store<i32>(dst + (<usize>i << 2), <i32>v);
  }
}

/** Day numbers since 1970-01-01 from int64 ticks; ticksPerDay = 86 400 000 for milliseconds. Floors toward −∞. */
export function ticksToDays(n: i32, src: usize, ticksPerDay: i64, dst: usize): void {
  for (let i = 0; i < n; i++) {
    const t = load<i64>(src + (<usize>i << 3));
    let d = t / ticksPerDay;
    if (t % ticksPerDay < 0) d -= 1;
    store<i32>(dst + (<usize>i << 2), <i32>d);
  }
}
