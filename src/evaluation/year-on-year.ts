// Year-on-year (同比) and any two-period comparison of an evaluation table: per unit, each column in both
// periods, the difference and the change rate. Works on the table's rows; nothing per case.
import { NA, type ValueColumn } from './unit-indicators.ts';

export interface ComparedColumn {
  name: string;
  /** Values in the first (base) and second period. */
  a: ValueColumn;
  b: ValueColumn;
  /** b − a (for rates: percentage points as a fraction, 0.002 = 0.2 points). */
  delta: ValueColumn;
  /** (b − a) ÷ |a|; n/a ('zero-base') when a = 0. */
  change: ValueColumn;
}

export interface PeriodComparison {
  /** Base period first: ['2022', '2023']. */
  periods: [string, string];
  rows: number;
  hospital: string[];
  unit: string[];
  unitKey: string[];
  /** The unit's row in the evaluation table in each period; −1 when it had no case then. */
  rowA: Int32Array;
  rowB: Int32Array;
  columns: ComparedColumn[];
}

export interface ComparableRows {
  hospital: readonly string[];
  unit: readonly string[];
  unitKey: readonly string[];
  period: readonly string[];
}

function column(m: number): ValueColumn {
  return { values: new Float64Array(m), reasons: new Uint8Array(m) };
}

function put(c: ValueColumn, i: number, v: number, reason: number): void {
  if (reason === 0 && !Number.isFinite(v)) reason = NA.overflow;
  c.reasons[i] = reason;
  c.values[i] = reason ? NaN : v;
}

/** Compares the rows of period `a` with those of period `b`, unit by unit (units in either period). */
export function comparePeriods(rows: ComparableRows, columns: readonly { name: string; column: ValueColumn }[], a: string, b: string): PeriodComparison {
  const inA = new Map<string, number>(), inB = new Map<string, number>();
  const order: string[] = [];
  const where = new Map<string, number>();
  rows.period.forEach((p, r) => {
    if (p !== a && p !== b) return;
    const key = rows.unitKey[r]!;
    (p === a ? inA : inB).set(key, r);
    if (!where.has(key)) { where.set(key, r); order.push(key); }
  });
  order.sort((x, y) => {
    const rx = where.get(x)!, ry = where.get(y)!;
    return cmp(rows.hospital[rx]!, rows.hospital[ry]!) || cmp(rows.unit[rx]!, rows.unit[ry]!) || cmp(x, y);
  });
  const m = order.length;
  const rowA = Int32Array.from(order, (k) => inA.get(k) ?? -1);
  const rowB = Int32Array.from(order, (k) => inB.get(k) ?? -1);
  const compared = columns.map(({ name, column: src }): ComparedColumn => {
    const c: ComparedColumn = { name, a: column(m), b: column(m), delta: column(m), change: column(m) };
    for (let i = 0; i < m; i++) {
      const ra = rowA[i]!, rb = rowB[i]!;
      const reasonA = ra < 0 ? NA['not-in-period'] : src.reasons[ra]!;
      const reasonB = rb < 0 ? NA['not-in-period'] : src.reasons[rb]!;
      const va = reasonA ? NaN : src.values[ra]!, vb = reasonB ? NaN : src.values[rb]!;
      put(c.a, i, va, reasonA);
      put(c.b, i, vb, reasonB);
      const both = reasonA || reasonB;
      put(c.delta, i, vb - va, both);
      put(c.change, i, (vb - va) / Math.abs(va), both || (va === 0 ? NA['zero-base'] : 0));
    }
    return c;
  });
  return {
    periods: [a, b], rows: m,
    hospital: order.map((k) => rows.hospital[where.get(k)!]!),
    unit: order.map((k) => rows.unit[where.get(k)!]!),
    unitKey: order, rowA, rowB, columns: compared,
  };
}

function cmp(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
