// From a case file's bytes (Arrow IPC, or CSV by its extension) to a CaseStore: schema checked, columns placed
// in Wasm memory, codes interned. Throws EngineFailure; whatever it placed is freed again when it fails.
import type { Table, Vector } from 'apache-arrow';
import { readCaseTable, schemaProblems } from '../data/arrow-case-file.ts';
import { REQUIRED_COLUMNS } from '../data/case-schema.ts';
import { csvToArrow, type CsvImportOptions } from '../data/csv-to-arrow.ts';
import { EngineFailure, fail } from '../shared/errors.ts';
import type { AnalysisColumns, UnitColumn } from './case-columns.ts';
import type { CaseFileInfo, CaseStore } from './case-store.ts';
import {
  placeCodeIds, placeCodeList, placeDayColumn, placeFloat64Column, placeInt32Column, placeInt32OrMissing, placeSex,
  placeUtf8Ids, nullRows, type IdColumn, type IdListColumn,
} from './column-placement.ts';
import { icuHoursValue } from '../rules/case-encoding.ts';
import { encodeSex, type CodeColumns, type GrouperNumbers } from './drg-grouping.ts';
import type { Block, WasmCore } from './wasm-core.ts';

/** Wasm32 linear memory can grow to 4 GiB; keep headroom for the allocator and temporaries. */
const WASM_MEMORY_LIMIT = 3.5 * 2 ** 30;
/** Upper bound of what placing one case takes in Wasm memory while loading (columns + temporaries). */
const BYTES_PER_CASE_PLACED = 96;

/** Cost components of §1 whose sum §11 compares with total_cost. */
const COST_COMPONENTS = ['drug_cost', 'consumable_cost', 'exam_cost', 'lab_cost', 'treatment_cost', 'surgery_cost', 'nursing_cost', 'bed_cost', 'other_cost'];

type Origin = Pick<CaseFileInfo, 'file' | 'format' | 'bytes' | 'encoding' | 'unusedColumns'>;
type Progress = ((fraction: number) => void) | undefined;

function isCsvName(file: string): boolean {
  return /\.(csv|tsv|txt)$/i.test(file);
}

/** Reads and places a case file; `options.onProgress` hears the fraction done. */
export function loadCaseStore(core: WasmCore, bytes: Uint8Array, file: string, options: CsvImportOptions = {}): CaseStore {
  if (isCsvName(file)) {
    const { table, encoding, unusedColumns } = csvToArrow(bytes, file, options);
    const problems = schemaProblems(table.schema.fields, file);
    if (problems.length) throw new EngineFailure(problems);
    return buildStore(core, table, { file, format: 'csv', bytes: bytes.byteLength, encoding, unusedColumns });
  }
  const { onProgress } = options;
  const { table, format } = readCaseTable(bytes, file);
  onProgress?.(0.2);
  return buildStore(core, table, { file, format, bytes: bytes.byteLength }, (f) => onProgress?.(0.2 + 0.8 * f));
}

/** Refuses, before placing anything, a file the engine's memory cannot hold. */
function checkRoom(core: WasmCore, rows: number, file: string): void {
  const need = rows * BYTES_PER_CASE_PLACED;
  const have = WASM_MEMORY_LIMIT - core.exports.memory.buffer.byteLength;
  if (need > have) {
    fail('engine.out_of_memory', `${file}: ${rows} cases need about ${Math.ceil(need / 2 ** 20)} MiB of engine memory; ${Math.floor(have / 2 ** 20)} MiB are left`,
      { file, rows, needMiB: Math.ceil(need / 2 ** 20), haveMiB: Math.floor(have / 2 ** 20) }, { file });
  }
}

/** Places a checked table's columns in the core; `onProgress` hears the fraction of columns done. */
function buildStore(core: WasmCore, table: Table, origin: Origin, onProgress?: Progress): CaseStore {
  checkRoom(core, table.numRows, origin.file);
  const p = new TablePlacement(core, table, origin.file);
  try {
    const resident = placeResident(p, onProgress);
    onProgress?.(0.4);
    const { codes, numbers } = grouperColumns(p, resident);
    onProgress?.(0.7);
    const quality = qualityColumns(p, resident.stayDays, numbers);
    const analysis = analysisColumns(p, resident);
    const info: CaseFileInfo = {
      ...origin, rows: p.rows, batches: table.batches.length,
      columns: table.schema.fields.map((f) => ({ name: f.name, type: String(f.type) })),
      departments: resident.department.labels.length,
    };
    return {
      info, rows: p.rows, department: resident.department.ids, departmentLabels: resident.department.labels,
      totalCost: resident.totalCost, los: resident.los, dischargeStatus: resident.dischargeStatus, codes, numbers, quality, analysis,
    };
  } catch (e) {
    p.releaseAll();
    throw e;
  }
}

/** The columns that stay resident in Wasm memory for the kernels, and the stay lengths the dates give. */
interface ResidentCaseColumns {
  department: IdColumn;
  totalCost: Block;
  dischargeStatus: Block;
  dischargeDay: Block;
  los: Block;
  /** discharge − admit in days, before the LOS floor of 1. */
  stayDays: Int32Array;
}

function placeResident(p: TablePlacement, onProgress: Progress): ResidentCaseColumns {
  const { core, file, rows } = p;
  const department = placeUtf8Ids(core, p.column('department'), 'department', file);
  p.keep(department.ids);
  const totalCost = p.keep(placeFloat64Column(core, p.column('total_cost'), 'total_cost', file));
  onProgress?.(0.2);
  const dischargeStatus = p.keep(placeInt32Column(core, p.column('discharge_status'), 'discharge_status', file));
  const admit = p.keep(placeDayColumn(core, p.column('admit_date'), 'admit_date', file));
  const discharge = p.keep(placeDayColumn(core, p.column('discharge_date'), 'discharge_date', file));
  // A missing date borrows the other one (a stay of 0 days, LOS 1); the row is reported, not dropped.
  const admitDays = core.i32(admit, rows), dischargeDays = core.i32(discharge, rows);
  for (const r of nullRows(p.column('admit_date'))) admitDays[r] = dischargeDays[r];
  for (const r of nullRows(p.column('discharge_date'))) dischargeDays[r] = admitDays[r];
  const stayDays = dischargeDays.slice();
  for (let i = 0; i < stayDays.length; i++) stayDays[i] -= admitDays[i];
  let los: Block;
  if (p.optional('los')) {
    los = p.keep(placeInt32Column(core, p.column('los'), 'los', file));
    const losDays = core.i32(los, rows);
    for (const r of nullRows(p.column('los'))) losDays[r] = Math.max(1, stayDays[r]);
  } else {
    los = p.keep(core.alloc(rows * 4));
    core.exports.deriveLos(rows, admit.ptr, discharge.ptr, los.ptr);
  }
  p.release(admit);
  return { department, totalCost, dischargeStatus, dischargeDay: discharge, los, stayDays };
}

/** Codes as interned ids and the numbers the groupers read, copied to JavaScript. */
function grouperColumns(p: TablePlacement, resident: ResidentCaseColumns): { codes: CodeColumns; numbers: GrouperNumbers } {
  const { core, file, rows } = p;
  const sexBlock = placeSex(core, p.column('sex'), 'sex', file, encodeSex);
  const sex = Uint8Array.from(core.i32(sexBlock, rows));
  core.free(sexBlock);
  const codes: CodeColumns = {
    principalDx: p.idsOf('principal_dx'), principalProc: p.idsOf('principal_proc'),
    secondaryDx: p.listOf('secondary_dx'), otherProcs: p.listOf('other_procs'),
    department: { ids: core.i32(resident.department.ids, rows).slice(), labels: resident.department.labels },
  };
  const numbers: GrouperNumbers = {
    ageYears: p.jsInts('age_years'), ageDays: p.jsInts('age_days'), sex, birthWeightG: p.jsInts('birth_weight_g'),
    los: core.i32(resident.los, rows).slice(), dischargeStatus: core.i32(resident.dischargeStatus, rows).slice(),
    icuHours: p.wholeHours('icu_hours'),
  };
  return { codes, numbers };
}

function qualityColumns(p: TablePlacement, stayDays: Int32Array, numbers: GrouperNumbers): CaseStore['quality'] {
  const caseIds = p.idsOf('case_id');
  const components = COST_COMPONENTS.map((name) => p.optional(name)).filter((v): v is Vector => v !== null)
    .map((v) => Float64Array.from(v.toArray() as ArrayLike<number>));
  const missing = REQUIRED_COLUMNS.map((name) => ({ column: name, rows: nullRows(p.optional(name)) })).filter((m) => m.rows.length > 0);
  return { caseIds, stayDays, losGiven: p.optional('los') ? numbers.los : null, components, missing };
}

function analysisColumns(p: TablePlacement, resident: ResidentCaseColumns): AnalysisColumns {
  return {
    n: p.rows, hospital: p.unit('hospital_id'), department: resident.department,
    ward: p.unit('ward'), physician: p.unit('physician'), insuranceType: p.unit('insurance_type'),
    // Levels other than 1–3 are read as 3 by the kernels (§1 default).
    hospitalLevel: p.keep(placeInt32OrMissing(p.core, p.optional('hospital_level'), p.rows, 3)),
    dischargeDay: resident.dischargeDay, los: resident.los, totalCost: resident.totalCost, dischargeStatus: resident.dischargeStatus,
  };
}

/** One table's columns on their way into the core: the blocks kept so far, all freed if the load fails. */
class TablePlacement {
  private readonly placed: Block[] = [];
  readonly rows: number;

  constructor(readonly core: WasmCore, private readonly table: Table, readonly file: string) {
    this.rows = table.numRows;
  }

  keep(b: Block): Block {
    this.placed.push(b);
    return b;
  }

  /** Frees a kept block that is no longer needed. */
  release(b: Block): void {
    this.core.free(this.placed.splice(this.placed.indexOf(b), 1)[0]);
  }

  releaseAll(): void {
    for (const b of this.placed) this.core.free(b);
    this.placed.length = 0;
  }

  /** A required column (the schema check guarantees it). */
  column(name: string): Vector {
    return this.table.getChild(name)!;
  }

  optional(name: string): Vector | null {
    return this.table.getChild(name);
  }

  /** An optional int column as a JavaScript copy, −1 where missing. */
  jsInts(name: string): Int32Array {
    const b = placeInt32OrMissing(this.core, this.optional(name), this.rows, -1);
    const copy = this.core.i32(b, this.rows).slice();
    this.core.free(b);
    return copy;
  }

  /** An optional number column of hours as whole hours in JavaScript (−1 = missing; a fraction rounds down). */
  wholeHours(name: string): Int32Array {
    const v = this.optional(name);
    const out = new Int32Array(this.rows).fill(-1);
    if (!v) return out;
    const values = v.toArray() as ArrayLike<number | bigint>;
    for (let i = 0; i < this.rows; i++) out[i] = icuHoursValue(Number(values[i]));
    for (const r of nullRows(v)) out[r] = -1;
    return out;
  }

  /** An optional code column as interned ids in JavaScript (−1 = missing) and its labels. */
  idsOf(name: string): { ids: Int32Array; labels: string[] } {
    const v = this.optional(name);
    if (!v) return { ids: new Int32Array(this.rows).fill(-1), labels: [] };
    const placed = placeCodeIds(this.core, v, name, this.file);
    const ids = this.core.i32(placed.ids, this.rows).slice();
    this.core.free(placed.ids);
    return { ids, labels: placed.labels };
  }

  /** An optional list<utf8> code column as ids + offsets (empty lists when absent). */
  listOf(name: string): IdListColumn {
    const v = this.optional(name);
    return v ? placeCodeList(this.core, v, name, this.file) : { ids: new Int32Array(0), offsets: new Int32Array(this.rows + 1), labels: [] };
  }

  /** An optional unit column (hospital, ward…) as resident interned ids; all −1 when absent. */
  unit(name: string): UnitColumn {
    const v = this.optional(name);
    if (!v) return { ids: this.keep(placeInt32OrMissing(this.core, null, this.rows, -1)), labels: [] };
    const c = placeCodeIds(this.core, v, name, this.file);
    this.keep(c.ids);
    return c;
  }
}
