// Layouts shared by the §5 evaluation kernel (assembly/evaluation.ts), its TypeScript twin and the host:
// descriptor words, parameter words and the fields of the per-DRG and per-slice sum rows. Numbers only.
import type { UnitLevel } from './unit-levels.ts';

/** Case descriptor order: i32 columns, except totalCost (f64). */
export const EVAL_CASE_COLUMNS = ['hospital', 'department', 'ward', 'physician', 'dischargeDay', 'los', 'totalCost', 'dischargeStatus', 'drg'] as const;
export type EvalCaseColumn = (typeof EVAL_CASE_COLUMNS)[number];

/** The case columns as plain arrays (the reference kernels' input; the Wasm ones read the same from memory). */
export interface EvalCaseArrays {
  n: number;
  hospital: Int32Array;
  department: Int32Array;
  ward: Int32Array;
  physician: Int32Array;
  /** Days since 1970-01-01. */
  dischargeDay: Int32Array;
  los: Int32Array;
  totalCost: Float64Array;
  dischargeStatus: Int32Array;
  /** DRG id, −1 = ungrouped. */
  drg: Int32Array;
}

/** Slice parameter words; filters < 0 mean no constraint; the last two are written by the kernel. */
export const P = {
  LEVEL: 0, PERIOD: 1, F_HOSPITAL: 2, F_DEPARTMENT: 3, F_WARD: 4, F_PHYSICIAN: 5, N_HOSPITAL: 6, N_UNIT: 7, OUT_MATCHED: 8, OUT_UNASSIGNED: 9,
} as const;
export const PARAM_WORDS = 10;

/** A (hospital, unit, period) space of at most this many entries is indexed directly instead of hashed. */
export const DENSE_ENTRIES = 1 << 20;
/** Day ranges up to this long get a day → period table. */
export const DAY_TABLE_DAYS = 1 << 17;

export const LEVEL_CODE: Readonly<Record<UnitLevel, number>> = { hospital: 0, department: 1, ward: 2, physician: 3 };

/** Per slice key words: hospital id, own unit id (0 at the hospital level), period code, first row. */
export const K = { HOSPITAL: 0, UNIT: 1, PERIOD: 2, FIRST_ROW: 3 } as const;
export const KEY_WORDS = 4;

/** Per-DRG table descriptor order. */
export const TABLE_WORDS = 4;

/** Per DRG over the reference population (f64). */
export const D = { CASES: 0, DEATHS: 1, LOS: 2, COST: 3 } as const;
export const DRG_FIELDS = 4;

/** Per slice (f64): counts are whole numbers held in f64 so one row is one typed array. */
export const S = {
  CASES: 0, DEATHS: 1, COST: 2, LOS: 3, GROUPED: 4, DRGS: 5, WEIGHTED: 6, WEIGHT: 7,
  LOS_REF_CASES: 8, LOS_RATIO: 9, COST_REF_CASES: 10, COST_RATIO: 11,
  /** Five fields each: risk classes 0…4. */
  CLASS_CASES: 12, CLASS_DEATHS: 17,
} as const;
export const SLICE_FIELDS = 22;

/** What evalLayout() and evalLayout2() must return for this host to read the kernel right. */
export const PACKED_LAYOUT = EVAL_CASE_COLUMNS.length | (PARAM_WORDS << 8) | (TABLE_WORDS << 16) | (SLICE_FIELDS << 24);
export const PACKED_LAYOUT_2 = KEY_WORDS | (DRG_FIELDS << 8);

/** The per-DRG inputs of the slice pass: weight (0 = none), reference means (0 = none), risk class 0…4
 * (−1 = not counted as grouped, e.g. an ambiguity group). */
export interface DrgTables {
  weight: Float64Array;
  refLosDays: Float64Array;
  refCostYuan: Float64Array;
  riskClass: Int32Array;
}

/** The slices found: per slice its key; the per-case slice column stays with the kernels. */
export interface SliceKeys {
  count: number;
  /** KEY_WORDS i32 per slice. */
  keys: Int32Array;
  /** Cases that passed the parent filter, and those of them without a unit at the level. */
  matched: number;
  unassigned: number;
}

/** The slice request in kernel terms. */
export interface SliceParams {
  level: number;
  period: number;
  filter: { hospital: number; department: number; ward: number; physician: number };
  /** Label counts of the hospital and of the level's own unit: ids at or past them count as missing. */
  nHospitals: number;
  nUnits: number;
}

export function sliceParamWords(p: SliceParams): Int32Array {
  const w = new Int32Array(PARAM_WORDS);
  w[P.LEVEL] = p.level;
  w[P.PERIOD] = p.period;
  w[P.F_HOSPITAL] = p.filter.hospital;
  w[P.F_DEPARTMENT] = p.filter.department;
  w[P.F_WARD] = p.filter.ward;
  w[P.F_PHYSICIAN] = p.filter.physician;
  w[P.N_HOSPITAL] = p.nHospitals;
  w[P.N_UNIT] = p.nUnits;
  return w;
}

/**
 * The three per-case steps every implementation provides: Wasm (src/engine/wasm-evaluation.ts) and the
 * reference (src/engine/reference/evaluation.ts). Stateful: sliceSums reads the slices of the last sliceIds.
 */
export interface EvaluationKernels {
  /** DRG_FIELDS f64 per DRG id in [0, nDrg), over every case (the loaded population). */
  drgSums(nDrg: number): Float64Array;
  sliceIds(params: SliceParams): SliceKeys;
  /** SLICE_FIELDS f64 per slice of the last sliceIds. */
  sliceSums(tables: DrgTables): Float64Array;
  /** A copy of the per-case slice column of the last sliceIds (tests). */
  caseSlices(): Int32Array;
  /** Frees what the kernels hold between calls. */
  release(): void;
}
