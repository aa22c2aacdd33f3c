// Result tables as files a person downloads (CSV with BOM, or Arrow): the department summary, the DRG and DIP
// tables of the grouping, and one payment breakdown of a comparison. Small aggregates, built once per export.
import { exportColumns, type ExportFormat } from '../data/table-export.ts';
import { fail } from '../shared/errors.ts';
import { dipTableColumns, drgTableColumns, type GroupingSummary } from './drg-grouping.ts';
import type { PaymentTable, ResultTable } from './engine-api.ts';
import { paymentTableColumns, type PaymentComparison, type PaymentMethod } from './engine-pricing.ts';
import { summaryColumns, type UnitSummary } from './unit-summary.ts';

/** A result table's bytes; the summaries are asked for only when that table needs them. */
export function resultTableBytes(table: ResultTable, format: ExportFormat, from: { departments: () => UnitSummary; grouping: () => GroupingSummary }): Uint8Array {
  const columns = table === 'departments' ? summaryColumns(from.departments())
    : table === 'drgs' ? drgTableColumns(from.grouping()) : dipTableColumns(from.grouping());
  return exportColumns(columns, format);
}

/** One breakdown (hospitals, departments, MDCs, groups) of one method of a comparison, base and what-if side by side. */
export function paymentTableBytes(c: PaymentComparison, table: PaymentTable, method: PaymentMethod, format: ExportFormat): Uint8Array {
  const m = c[method];
  const breakdown = table === 'hospitals' ? m.hospitals : table === 'departments' ? m.departments : table === 'mdcs' ? m.mdcs : m.groups;
  if (!breakdown) fail('payment.no_table', `No ${table} table for ${method}`, { table });
  return exportColumns(paymentTableColumns(breakdown, method), format);
}
