// The engine: one synchronous, typed API over the Wasm core (load cases, summarise; later group, price…).
// The CLI and tests call it directly; the worker only exposes it. It never touches the DOM or workers.
import type { Table } from 'apache-arrow';
import { readCaseTable, schemaProblems } from '../data/arrow-case-file.ts';
import { csvToArrow, type CsvImportOptions } from '../data/csv-to-arrow.ts';
import { attempt, EngineFailure, fail, type Result } from './engine-errors.ts';
import { placeDayColumn, placeFloat64Column, placeInt32Column, placeUtf8Ids } from './column-placement.ts';
import { summaryFromSums, type UnitSummary } from './unit-summary.ts';
import { WasmCore, type Block } from './wasm-core.ts';

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

/** The case columns the core works on, resident in Wasm memory. */
interface CaseStore {
  info: CaseFileInfo;
  table: Table;
  rows: number;
  department: Block;
  departmentLabels: string[];
  totalCost: Block;
  los: Block;
  dischargeStatus: Block;
}

/** Plain copies of the core columns, for the reference kernels in tests and benchmarks. */
export interface CoreColumns {
  department: Int32Array;
  departmentLabels: string[];
  totalCost: Float64Array;
  los: Int32Array;
  dischargeStatus: Int32Array;
}

export class Engine {
  private cases: CaseStore | null = null;

  constructor(readonly core: WasmCore) {}

  static fromModule(module: WebAssembly.Module): Engine {
    return new Engine(new WasmCore(module));
  }

  /** Parses, checks and places a case file (Arrow, or CSV by its extension). On any error the
   * previously loaded cases stay loaded. */
  loadCases(bytes: Uint8Array, file: string, options: CsvImportOptions = {}): Result<CaseFileInfo> {
    return attempt(() => {
      const store = isCsvName(file) ? this.buildStoreFromCsv(bytes, file, options) : this.buildStoreFromArrow(bytes, file);
      this.releaseCases();
      this.cases = store;
      return store.info;
    }, { file });
  }

  caseFileInfo(): CaseFileInfo | null {
    return this.cases?.info ?? null;
  }

  departmentSummary(): Result<UnitSummary> {
    return attempt(() => {
      const s = this.requireCases();
      const core = this.core;
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
    });
  }

  coreColumns(): CoreColumns {
    const s = this.requireCases();
    return {
      department: this.core.i32(s.department, s.rows).slice(),
      departmentLabels: s.departmentLabels.slice(),
      totalCost: this.core.f64(s.totalCost, s.rows).slice(),
      los: this.core.i32(s.los, s.rows).slice(),
      dischargeStatus: this.core.i32(s.dischargeStatus, s.rows).slice(),
    };
  }

  releaseCases(): void {
    const s = this.cases;
    if (!s) return;
    for (const b of [s.department, s.totalCost, s.los, s.dischargeStatus]) this.core.free(b);
    this.cases = null;
  }

  private requireCases(): CaseStore {
    if (!this.cases) fail('engine.no_cases', 'No case file is loaded');
    return this.cases;
  }

  private buildStoreFromArrow(bytes: Uint8Array, file: string): CaseStore {
    const { table, format } = readCaseTable(bytes, file);
    return this.buildStore(table, { file, format, bytes: bytes.byteLength });
  }

  private buildStoreFromCsv(bytes: Uint8Array, file: string, options: CsvImportOptions): CaseStore {
    const { table, encoding, unusedColumns } = csvToArrow(bytes, file, options);
    const problems = schemaProblems(table.schema.fields, file);
    if (problems.length) throw new EngineFailure(problems);
    return this.buildStore(table, { file, format: 'csv', bytes: bytes.byteLength, encoding, unusedColumns });
  }

  private buildStore(table: Table, origin: Pick<CaseFileInfo, 'file' | 'format' | 'bytes' | 'encoding' | 'unusedColumns'>): CaseStore {
    const file = origin.file;
    const core = this.core;
    const placed: Block[] = [];
    const keep = (b: Block) => (placed.push(b), b);
    const column = (name: string) => table.getChild(name)!;
    try {
      const dept = placeUtf8Ids(core, column('department'), 'department', file);
      keep(dept.ids);
      const totalCost = keep(placeFloat64Column(core, column('total_cost'), 'total_cost', file));
      const dischargeStatus = keep(placeInt32Column(core, column('discharge_status'), 'discharge_status', file));
      let los: Block;
      if (table.getChild('los')) {
        los = keep(placeInt32Column(core, column('los'), 'los', file));
      } else {
        const admit = keep(placeDayColumn(core, column('admit_date'), 'admit_date', file));
        const discharge = keep(placeDayColumn(core, column('discharge_date'), 'discharge_date', file));
        los = keep(core.alloc(table.numRows * 4));
        core.exports.deriveLos(table.numRows, admit.ptr, discharge.ptr, los.ptr);
        core.free(placed.splice(placed.indexOf(admit), 1)[0]);
        core.free(placed.splice(placed.indexOf(discharge), 1)[0]);
      }
      const info: CaseFileInfo = {
        ...origin, rows: table.numRows, batches: table.batches.length,
        columns: table.schema.fields.map((f) => ({ name: f.name, type: String(f.type) })),
        departments: dept.labels.length,
      };
      return {
        info, table, rows: table.numRows, department: dept.ids, departmentLabels: dept.labels,
        totalCost, los, dischargeStatus,
      };
    } catch (e) {
      for (const b of placed) core.free(b);
      throw e;
    }
  }
}

export function isCsvName(file: string): boolean {
  return /\.(csv|tsv|txt)$/i.test(file);
}
