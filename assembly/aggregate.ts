// Group-by sums per unit over case columns (domain §5 building blocks): n, Σcost, ΣLOS, deaths.
// Pure arithmetic over linear memory; the host sizes and zeroes nothing — this kernel clears its outputs.

/** Discharge status 5 = 死亡 (domain §1). */
const STATUS_DEATH: i32 = 5;

/**
 * Per-unit summary. unit: i32 ids in [0, nUnits) (negative = no unit, skipped); cost f64; los i32;
 * status i32. Outputs (nUnits entries each): cases i32, sumCost f64, sumLos f64, deaths i32.
 * Rows are summed in row order so the TypeScript reference gets bit-identical sums.
 */
export function unitSummary(
  n: i32, nUnits: i32, unit: usize, cost: usize, los: usize, status: usize,
  outCases: usize, outSumCost: usize, outSumLos: usize, outDeaths: usize,
): void {
  memory.fill(outCases, 0, <usize>nUnits << 2);
  memory.fill(outSumCost, 0, <usize>nUnits << 3);
  memory.fill(outSumLos, 0, <usize>nUnits << 3);
  memory.fill(outDeaths, 0, <usize>nUnits << 2);
  for (let i = 0; i < n; i++) {
    const u = load<i32>(unit + (<usize>i << 2));
    if (<u32>u >= <u32>nUnits) continue;
    const o4 = <usize>u << 2;
    const o8 = <usize>u << 3;
    store<i32>(outCases + o4, load<i32>(outCases + o4) + 1);
    store<f64>(outSumCost + o8, load<f64>(outSumCost + o8) + load<f64>(cost + (<usize>i << 3)));
    store<f64>(outSumLos + o8, load<f64>(outSumLos + o8) + <f64>load<i32>(los + (<usize>i << 2)));
    if (load<i32>(status + (<usize>i << 2)) == STATUS_DEATH) {
      store<i32>(outDeaths + o4, load<i32>(outDeaths + o4) + 1);
    }
  }
}

/** LOS in days from day numbers (domain §1: discharge − admit, minimum 1). */
export function deriveLos(n: i32, admitDay: usize, dischargeDay: usize, outLos: usize): void {
  for (let i = 0; i < n; i++) {
    const d = load<i32>(dischargeDay + (<usize>i << 2)) - load<i32>(admitDay + (<usize>i << 2));
    store<i32>(outLos + (<usize>i << 2), d < 1 ? 1 : d);
  }
}

/**
 * Composite unit ids, e.g. (hospital, department) → hospital × nb + department, so one group-by serves a
 * unit nested in another; −1 when either part is missing.
 */
export function pairIds(n: i32, a: usize, b: usize, nb: i32, out: usize): void {
  for (let i = 0; i < n; i++) {
    const i4 = <usize>i << 2;
    const x = load<i32>(a + i4), y = load<i32>(b + i4);
    store<i32>(out + i4, x < 0 || y < 0 ? -1 : x * nb + y);
  }
}
