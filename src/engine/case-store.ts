// The loaded cases as the engine holds them: numbers resident in Wasm memory, codes as interned ids, and what
// the §11 checks read. Lookups by row and case_id only; building a store is case-loading.ts's work.
import type { QualityInput } from '../data/quality-checks.ts';
import type { AnalysisColumns } from './case-columns.ts';
import type { CodeColumns, GrouperNumbers } from './drg-grouping.ts';
import { summaryFromSums, type UnitSummary } from './unit-summary.ts';
import type { Block, WasmCore } from './wasm-core.ts';

export interface ColumnInfo {
  name: string;
  type: string;
}

/** How the cases arrived: Arrow IPC file or stream format, or imported from CSV. */
export type CaseFileFormat = 'file' | 'stream' | 'csv';

export interface CaseFileInfo {
  file: string;
  format: CaseFileFormat;
  /** CSV only: the text encoding detected and the headers that map to no case column. */
  encoding?: string;
  unusedColumns?: string[];
  bytes: number;
  rows: number;
  batches: number;
  columns: ColumnInfo[];
  departments: number;
}

/**
 * The case columns the core works on: numbers resident in Wasm memory, codes as interned ids. The Arrow
 * table is not kept, so the file's bytes can be released: one copy of the data, not two.
 */
export interface CaseStore {
  info: CaseFileInfo;
  rows: number;
  department: Block;
  departmentLabels: string[];
  totalCost: Block;
  los: Block;
  dischargeStatus: Block;
  codes: CodeColumns;
  numbers: GrouperNumbers;
  /** What the §11 checks read beyond the grouper's columns. */
  quality: Pick<QualityInput, 'caseIds' | 'stayDays' | 'losGiven' | 'components' | 'missing'>;
  /** Units, levels, insurance types and dates for pricing and evaluation (shares department, cost, LOS, status). */
  analysis: AnalysisColumns;
}

/** Plain copies of the core columns, for the reference kernels in tests and benchmarks. */
export interface CoreColumns {
  department: Int32Array;
  departmentLabels: string[];
  totalCost: Float64Array;
  los: Int32Array;
  dischargeStatus: Int32Array;
}

/** Frees every block of a store; the store is unusable afterwards. */
export function releaseCaseStore(core: WasmCore, s: CaseStore): void {
  const a = s.analysis;
  for (const b of [s.department, s.totalCost, s.los, s.dischargeStatus, a.hospital.ids, a.ward.ids, a.physician.ids,
    a.insuranceType.ids, a.hospitalLevel, a.dischargeDay]) core.free(b);
}

export function caseIdAt(s: CaseStore, row: number): string {
  const { ids, labels } = s.quality.caseIds;
  return ids[row] >= 0 ? labels[ids[row]] : '';
}

/** case_id of every row. */
export function caseIdsOf(s: CaseStore): string[] {
  const { ids, labels } = s.quality.caseIds;
  return Array.from(ids, (id) => (id >= 0 ? labels[id] : ''));
}

/** First row with this case_id: one label lookup, then one scan of an int column. */
export function findRow(s: CaseStore, caseId: string): number {
  const { ids, labels } = s.quality.caseIds;
  const id = labels.indexOf(caseId);
  return id < 0 ? -1 : ids.indexOf(id);
}

/** A copy of the total_cost column (the resident one stays in Wasm memory). */
export function costColumn(core: WasmCore, s: CaseStore): Float64Array {
  return core.f64(s.totalCost, s.rows).slice();
}

export function coreColumnsOf(core: WasmCore, s: CaseStore): CoreColumns {
  return {
    department: core.i32(s.department, s.rows).slice(),
    departmentLabels: s.departmentLabels.slice(),
    totalCost: costColumn(core, s),
    los: core.i32(s.los, s.rows).slice(),
    dischargeStatus: core.i32(s.dischargeStatus, s.rows).slice(),
  };
}

/** Cases, Σ cost, Σ LOS and deaths per department, summed by the core over the resident columns. */
export function departmentSummaryOf(core: WasmCore, s: CaseStore): UnitSummary {
  const nUnits = s.departmentLabels.length;
  const cases = core.alloc(nUnits * 4);
  const sumCost = core.alloc(nUnits * 8);
  const sumLos = core.alloc(nUnits * 8);
  const deaths = core.alloc(nUnits * 4);
  try {
    core.exports.unitSummary(s.rows, nUnits, s.department.ptr, s.totalCost.ptr, s.los.ptr, s.dischargeStatus.ptr,
      cases.ptr, sumCost.ptr, sumLos.ptr, deaths.ptr);
    return summaryFromSums(s.departmentLabels, {
      cases: core.i32(cases, nUnits).slice(),
      sumCost: core.f64(sumCost, nUnits).slice(),
      sumLos: core.f64(sumLos, nUnits).slice(),
      deaths: core.i32(deaths, nUnits).slice(),
    });
  } finally {
    for (const b of [cases, sumCost, sumLos, deaths]) core.free(b);
  }
}
