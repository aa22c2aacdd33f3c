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

/** dst[i] = value where bit (bitOffset + i) of the validity bitmap is 0 (an Arrow null). */
export function maskNulls(dst: usize, n: i32, bitmap: usize, bitOffset: i32, value: i32): void {
  for (let i = 0; i < n; i++) {
    const bit = bitOffset + i;
    if ((load<u8>(bitmap + <usize>(bit >>> 3)) & (<u8>1 << <u8>(bit & 7))) == 0) {
      store<i32>(dst + (<usize>i << 2), value);
    }
  }
}

/** dst[i] = src[i] − src[0] + base for count offsets: list offsets of one batch, rebased column-wide. */
export function rebaseOffsets(src: usize, count: i32, base: i32, dst: usize): void {
  const first = load<i32>(src);
  for (let i = 0; i < count; i++) {
    store<i32>(dst + (<usize>i << 2), load<i32>(src + (<usize>i << 2)) - first + base);
  }
}

/**
 * Drops entries equal to −1 (empty or absent codes; −2, unknown, is kept) from a list column in place: ids[offsets[r]..offsets[r+1])
 * per row r of n. Rewrites offsets; returns the new number of ids.
 */
export function compactList(ids: usize, offsets: usize, n: i32): i32 {
  let at = 0;
  let start = load<i32>(offsets);
  for (let r = 0; r < n; r++) {
    const end = load<i32>(offsets + (<usize>(r + 1) << 2));
    for (let k = start; k < end; k++) {
      const id = load<i32>(ids + (<usize>k << 2));
      if (id != -1) {
        store<i32>(ids + (<usize>at << 2), id);
        at++;
      }
    }
    start = end;
    store<i32>(offsets + (<usize>(r + 1) << 2), at);
  }
  store<i32>(offsets, 0);
  return at;
}

/** Sex as the grouper reads it (1 male, 2 female, 0 unknown) from an integer column. */
export function sexFromInt(src: usize, n: i32, dst: usize): void {
  for (let i = 0; i < n; i++) {
    const v = load<i32>(src + (<usize>i << 2));
    store<i32>(dst + (<usize>i << 2), v == 1 || v == 2 ? v : 0);
  }
}
