// Per-unit summary (cases, Σ/mean cost, Σ/mean LOS, deaths) as columns the UI and CLI display.
// Means are derived here from the kernel's sums, once, so Wasm and reference results share the step.
import type { ExportColumn } from '../data/table-export.ts';
import type { UnitSums } from './reference/unit-summary.ts';

export interface UnitSummary {
  unit: 'department';
  labels: string[];
  cases: Int32Array;
  sumCost: Float64Array;
  meanCost: Float64Array;
  sumLos: Float64Array;
  meanLos: Float64Array;
  deaths: Int32Array;
  totalCases: number;
}

export function summaryFromSums(labels: string[], sums: UnitSums): UnitSummary {
  const n = labels.length;
  const meanCost = new Float64Array(n);
  const meanLos = new Float64Array(n);
  let totalCases = 0;
  for (let u = 0; u < n; u++) {
    const c = sums.cases[u];
    totalCases += c;
    meanCost[u] = c > 0 ? sums.sumCost[u] / c : 0;
    meanLos[u] = c > 0 ? sums.sumLos[u] / c : 0;
  }
  return { unit: 'department', labels, ...sums, meanCost, meanLos, totalCases };
}

/** The summary as export columns (money to the cent, days to two places). */
export function summaryColumns(s: UnitSummary): ExportColumn[] {
  return [
    { name: s.unit, kind: 'text', values: s.labels },
    { name: 'cases', kind: 'int', values: s.cases },
    { name: 'total_cost', kind: 'float', values: s.sumCost, decimals: 2 },
    { name: 'mean_cost', kind: 'float', values: s.meanCost, decimals: 2 },
    { name: 'total_los', kind: 'float', values: s.sumLos, decimals: 0 },
    { name: 'mean_los', kind: 'float', values: s.meanLos, decimals: 2 },
    { name: 'deaths', kind: 'int', values: s.deaths },
  ];
}
