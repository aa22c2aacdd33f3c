// Plain-TypeScript twin of assembly/aggregate.ts: the oracle for tests and the baseline for the bench.
// Same algorithm over the same typed columns; keep it honest (no per-row objects), never slowed down.

/** Discharge status 5 = 死亡 (domain §1). */
const STATUS_DEATH = 5;

export interface UnitSums {
  cases: Int32Array;
  sumCost: Float64Array;
  sumLos: Float64Array;
  deaths: Int32Array;
}

export function unitSummaryReference(
  nUnits: number, unit: Int32Array, cost: Float64Array, los: Int32Array, status: Int32Array,
): UnitSums {
  const cases = new Int32Array(nUnits);
  const sumCost = new Float64Array(nUnits);
  const sumLos = new Float64Array(nUnits);
  const deaths = new Int32Array(nUnits);
  const n = unit.length;
  for (let i = 0; i < n; i++) {
    const u = unit[i];
    if (u < 0 || u >= nUnits) continue;
    cases[u]++;
    sumCost[u] += cost[i];
    sumLos[u] += los[i];
    if (status[i] === STATUS_DEATH) deaths[u]++;
  }
  return { cases, sumCost, sumLos, deaths };
}

export function deriveLosReference(admitDay: Int32Array, dischargeDay: Int32Array): Int32Array {
  const out = new Int32Array(admitDay.length);
  for (let i = 0; i < out.length; i++) {
    const d = dischargeDay[i] - admitDay[i];
    out[i] = d < 1 ? 1 : d;
  }
  return out;
}
