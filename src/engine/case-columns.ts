// The loaded cases as the analysis kernels (pricing, evaluation) read them: blocks resident in Wasm memory,
// one value per case, with the labels of the id columns. The engine owns the blocks; kernels only read them.
import type { Block } from './wasm-core.ts';

/** Interned text per case: ids (i32) into `labels`, −1 = missing. */
export interface UnitColumn {
  ids: Block;
  labels: string[];
}

/** §1 discharge_status of a death (离院方式 5 死亡). */
export const DISCHARGE_DEATH = 5;

export interface AnalysisColumns {
  n: number;
  hospital: UnitColumn;
  department: UnitColumn;
  ward: UnitColumn;
  physician: UnitColumn;
  /** 1/2/3 (§1 hospital_level; missing → 3, the §1 default). */
  hospitalLevel: Block;
  insuranceType: UnitColumn;
  /** Days since 1970-01-01 (a missing discharge date borrows the admission date). */
  dischargeDay: Block;
  /** i32 days; f64 yuan; i32 §1 discharge_status. */
  los: Block;
  totalCost: Block;
  dischargeStatus: Block;
}

/** The grouping of those cases under the loaded ruleset, resident too (−1 = ungrouped / no DIP group). */
export interface GroupedColumns {
  drg: Block;
  dipGroup: Block;
}
