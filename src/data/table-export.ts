// Export of result tables as Arrow IPC or CSV (UTF-8 with BOM, so Excel opens Chinese text correctly).
// Works on columns; a table here is small aggregates or a page of cases, built once per export.
import { Table, Utf8, makeVector, tableToIPC, vectorFromArray, type Vector } from 'apache-arrow';

export type ExportFormat = 'csv' | 'arrow';

/** Named columns: strings, or numbers with the decimals to print in CSV (money 2, weights 4). */
export type ExportColumn =
  | { name: string; kind: 'text'; values: readonly (string | null)[] }
  | { name: string; kind: 'int'; values: Int32Array }
  | { name: string; kind: 'float'; values: Float64Array; decimals: number };

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function columnsToCsv(columns: readonly ExportColumn[]): Uint8Array {
  const n = columns.length ? columns[0].values.length : 0;
  const lines = [columns.map((c) => csvCell(c.name)).join(',')];
  for (let i = 0; i < n; i++) {
    lines.push(columns.map((c) => {
      if (c.kind === 'text') return csvCell(c.values[i] ?? '');
      if (c.kind === 'int') return String(c.values[i]);
      return Number.isFinite(c.values[i]) ? c.values[i].toFixed(c.decimals) : '';
    }).join(','));
  }
  return new TextEncoder().encode(`\ufeff${lines.join('\r\n')}\r\n`);
}

export function columnsToArrow(columns: readonly ExportColumn[]): Uint8Array {
  const vectors: Record<string, Vector> = {};
  for (const c of columns) {
    vectors[c.name] = c.kind === 'text' ? vectorFromArray(c.values as (string | null)[], new Utf8())
      : c.kind === 'int' ? makeVector(c.values) : makeVector(c.values);
  }
  return tableToIPC(new Table(vectors), 'file');
}

export function exportColumns(columns: readonly ExportColumn[], format: ExportFormat): Uint8Array {
  return format === 'csv' ? columnsToCsv(columns) : columnsToArrow(columns);
}

