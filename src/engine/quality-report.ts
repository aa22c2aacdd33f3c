// §11 data quality of the loaded cases as the pages and the CLI read it: counts per rule, pages of flagged rows
// with the value that raised the flag, and every finding as CSV. The checks themselves are src/data's.
import { runQualityChecks, type QualityFinding, type QualityRule } from '../data/quality-checks.ts';
import { exportColumns } from '../data/table-export.ts';
import type { Grouping } from './case-grouping.ts';
import { caseIdAt, costColumn, type CaseStore } from './case-store.ts';
import type { IdListColumn } from './column-placement.ts';
import type { WasmCore } from './wasm-core.ts';

export interface QualityReport {
  rows: number;
  /** False when no ruleset is loaded: codes could not be checked against dictionaries. */
  codesChecked: boolean;
  findings: { rule: QualityRule; column: string; count: number }[];
}

export interface QualityRow {
  row: number;
  caseId: string;
  rule: QualityRule;
  column: string;
  value: string;
}

/** The findings of one case store under one grouping (or none), checked on first use and kept. */
export class CaseQuality {
  private checked: QualityFinding[] | null = null;

  constructor(private readonly core: WasmCore, private readonly store: CaseStore, private readonly grouping: Grouping | null) {}

  report(): QualityReport {
    return {
      rows: this.store.rows, codesChecked: this.grouping !== null,
      findings: this.findings().map((f) => ({ rule: f.rule, column: f.column, count: f.rows.length })),
    };
  }

  /** Flagged rows of one rule (or all rules), with the value that raised the flag. */
  rows(rule: QualityRule | null, offset: number, limit: number): { total: number; rows: QualityRow[] } {
    const findings = this.findings().filter((f) => rule === null || f.rule === rule);
    const total = findings.reduce((n, f) => n + f.rows.length, 0);
    const rows: QualityRow[] = [];
    let skip = offset;
    for (const f of findings) {
      if (skip >= f.rows.length) { skip -= f.rows.length; continue; }
      for (let k = skip; k < f.rows.length && rows.length < limit; k++) rows.push(this.row(f, f.rows[k]));
      skip = 0;
      if (rows.length >= limit) break;
    }
    return { total, rows };
  }

  /** Every finding as CSV (UTF-8 with BOM): row, case_id, rule, column, value. */
  csv(): Uint8Array {
    const rows = this.rows(null, 0, Number.MAX_SAFE_INTEGER).rows;
    return exportColumns([
      { name: 'row', kind: 'int', values: Int32Array.from(rows, (r) => r.row + 1) },
      { name: 'case_id', kind: 'text', values: rows.map((r) => r.caseId) },
      { name: 'rule', kind: 'text', values: rows.map((r) => r.rule) },
      { name: 'column', kind: 'text', values: rows.map((r) => r.column) },
      { name: 'value', kind: 'text', values: rows.map((r) => r.value) },
    ], 'csv');
  }

  private findings(): QualityFinding[] {
    const s = this.store;
    this.checked ??= runQualityChecks({
      rows: s.rows, principalDx: s.codes.principalDx, sex: s.numbers.sex, ageYears: s.numbers.ageYears,
      ageDays: s.numbers.ageDays, birthWeightG: s.numbers.birthWeightG, totalCost: costColumn(this.core, s),
      encoded: this.grouping?.cases ?? null, ...s.quality,
    });
    return this.checked;
  }

  private row(f: QualityFinding, row: number): QualityRow {
    const s = this.store;
    const n = s.numbers;
    const label = (c: { ids: Int32Array; labels: string[] }) => (c.ids[row] >= 0 ? c.labels[c.ids[row]] : '');
    const list = (l: IdListColumn) => Array.from(l.ids.subarray(l.offsets[row], l.offsets[row + 1]), (id) => l.labels[id]).join('|');
    const value: Record<QualityRule, () => string> = {
      missing_required_value: () => '',
      duplicate_case_id: () => label(s.quality.caseIds),
      unknown_principal_dx: () => label(s.codes.principalDx),
      unknown_secondary_dx: () => list(s.codes.secondaryDx),
      unknown_procedure: () => [label(s.codes.principalProc), list(s.codes.otherProcs)].filter(Boolean).join('|'),
      sex_dx_conflict: () => `sex=${n.sex[row]} principal_dx=${label(s.codes.principalDx)}`,
      perinatal_dx_age: () => `principal_dx=${label(s.codes.principalDx)} age_years=${n.ageYears[row]} age_days=${n.ageDays[row]}`,
      newborn_no_birth_weight: () => `age_days=${n.ageDays[row]}`,
      discharge_before_admit: () => `discharge − admit = ${s.quality.stayDays?.[row]} days`,
      los_not_positive: () => String(s.quality.losGiven?.[row]),
      cost_components_mismatch: () => {
        const sum = s.quality.components.reduce((a, c) => a + (Number.isFinite(c[row]) ? c[row] : 0), 0);
        return `total=${this.core.f64(s.totalCost, s.rows)[row].toFixed(2)} components=${sum.toFixed(2)}`;
      },
    };
    return { row, caseId: caseIdAt(s, row), rule: f.rule, column: f.column, value: value[f.rule]() };
  }
}
