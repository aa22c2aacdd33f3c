// Evaluation periods (§5: "unit, period"): the kinds, the integer code of a period and its label
// (2023, 2023H1, 2023Q1, 2023-01, all). The kernel computes codes per case; this file only names them.

export const PERIOD_KINDS = ['all', 'year', 'half', 'quarter', 'month'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

/** The kernel's code for each kind (assembly/evaluation.ts periodCode). */
export const PERIOD_KIND_CODE: Readonly<Record<PeriodKind, number>> = { all: 0, year: 1, half: 2, quarter: 3, month: 4 };

/** Periods per year of each kind (all: one period, whatever the years). */
const PER_YEAR: Readonly<Record<PeriodKind, number>> = { all: 0, year: 1, half: 2, quarter: 4, month: 12 };

/** Period code of a day number: see assembly/evaluation.ts periodCode (H. Hinnant's civil-from-days). */
export function periodCodeReference(day: number, kind: number): number {
  if (kind === 0) return 0;
  const z = day + 719468;
  const era = Math.trunc((z >= 0 ? z : z - 146096) / 146097);
  const doe = z - era * 146097;
  const yoe = Math.trunc((doe - Math.trunc(doe / 1460) + Math.trunc(doe / 36524) - Math.trunc(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.trunc(yoe / 4) - Math.trunc(yoe / 100));
  const mp = Math.trunc((5 * doy + 2) / 153);
  const m0 = mp < 10 ? mp + 2 : mp - 10;
  const y = yoe + era * 400 + (m0 < 2 ? 1 : 0);
  if (kind === 1) return y;
  if (kind === 2) return y * 2 + (m0 >= 6 ? 1 : 0);
  if (kind === 3) return y * 4 + Math.trunc(m0 / 3);
  return y * 12 + m0;
}

/** The label of 'all'. */
export const ALL_PERIODS = 'all';

/** Code of the period holding a day (days since 1970-01-01), as the kernel computes it. */
export function periodOfDay(day: number, kind: PeriodKind): number {
  return periodCodeReference(day, PERIOD_KIND_CODE[kind]);
}

/** 2023 · 2023H1 · 2023Q3 · 2023-07 · all. */
export function periodLabel(code: number, kind: PeriodKind): string {
  if (kind === 'all') return ALL_PERIODS;
  const k = PER_YEAR[kind];
  const year = Math.floor(code / k);
  const part = code - year * k;
  switch (kind) {
    case 'year': return String(year);
    case 'half': return `${year}H${part + 1}`;
    case 'quarter': return `${year}Q${part + 1}`;
    case 'month': return `${year}-${String(part + 1).padStart(2, '0')}`;
  }
}

/** Reads a label back ('2023', '2023H1', '2023上半年', '2023 Q1', '2023-01', '2023/1', '2023年', 'all'); null when it is none. */
export function parsePeriodLabel(label: string): { kind: PeriodKind; code: number } | null {
  const s = label.trim().toUpperCase().replace(/\s+/g, '');
  if (s === 'ALL' || s === '全部') return { kind: 'all', code: 0 };
  let m = /^(\d{4})年?$/.exec(s);
  if (m) return { kind: 'year', code: Number(m[1]) };
  m = /^(\d{4})-?H([12])$/.exec(s);
  if (m) return { kind: 'half', code: Number(m[1]) * 2 + Number(m[2]) - 1 };
  m = /^(\d{4})年?(上|下)半年$/.exec(s);
  if (m) return { kind: 'half', code: Number(m[1]) * 2 + (m[2] === '下' ? 1 : 0) };
  m = /^(\d{4})-?Q([1-4])$/.exec(s);
  if (m) return { kind: 'quarter', code: Number(m[1]) * 4 + Number(m[2]) - 1 };
  m = /^(\d{4})[-/.年](\d{1,2})月?$/.exec(s);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) return { kind: 'month', code: Number(m[1]) * 12 + Number(m[2]) - 1 };
  return null;
}

/** The same period a year earlier (year-on-year's usual base); null for 'all'. */
export function yearBefore(code: number, kind: PeriodKind): number | null {
  return kind === 'all' ? null : code - PER_YEAR[kind];
}
