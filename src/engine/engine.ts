// The engine: one synchronous, typed API over the Wasm core (load cases, summarise; later group, price…).
// The CLI and tests call it directly; the worker only exposes it. It never touches the DOM or workers.
import type { Table } from 'apache-arrow';
import { readCaseTable, schemaProblems } from '../data/arrow-case-file.ts';
import { REQUIRED_COLUMNS } from '../data/case-schema.ts';
import { csvToArrow, type CsvImportOptions } from '../data/csv-to-arrow.ts';
import { attempt, EngineFailure, fail, type EngineError, type Result } from '../shared/errors.ts';
import {
  placeCodeIds, placeCodeList, placeDayColumn, placeFloat64Column, placeInt32Column, placeInt32OrMissing, placeSex,
  placeUtf8Ids, nullRows, type IdListColumn,
} from './column-placement.ts';
import { encodeCases, encodeDipKeys, encodeSex, summariseGrouping, type CodeColumns, type GrouperNumbers, type GroupingSummary } from './drg-grouping.ts';
import { explainDrg, type DrgExplanation, type DrgOutput } from './reference/drg-grouper.ts';
import { WasmDrgGrouper } from './wasm-drg-grouper.ts';
import { WasmDipGrouper } from './wasm-dip-grouper.ts';
import { explainDip, type DipExplanation, type DipOutput } from './reference/dip-grouper.ts';
import type { DipCaseColumns } from '../rules/dip-encoding.ts';
import { exportColumns } from '../data/table-export.ts';
import { runQualityChecks, type QualityFinding, type QualityInput, type QualityRule } from '../data/quality-checks.ts';

/** Wasm32 linear memory can grow to 4 GiB; keep headroom for the allocator and temporaries. */
const WASM_MEMORY_LIMIT = 3.5 * 2 ** 30;
/** Upper bound of what placing one case takes in Wasm memory while loading (columns + temporaries). */
const BYTES_PER_CASE_PLACED = 96;

/** Cost components of §1 whose sum §11 compares with total_cost. */
const COST_COMPONENTS = ['drug_cost', 'consumable_cost', 'exam_cost', 'lab_cost', 'treatment_cost', 'surgery_cost', 'nursing_cost', 'bed_cost', 'other_cost'];
import type { CompiledRuleset } from '../rules/ruleset-compile.ts';
import { prepareRuleset, prepareRulesetText, type PreparedRuleset, type RulesetInfo } from './ruleset-loading.ts';
import { createCodeEncoder, type CaseColumns } from '../rules/case-encoding.ts';
import { REASON_NAMES } from '../rules/ruleset-format.ts';
import { summaryFromSums, type UnitSummary } from './unit-summary.ts';
import { WasmCore, type Block } from './wasm-core.ts';
import type { AnalysisColumns, GroupedColumns, UnitColumn } from './case-columns.ts';
import { comparisonProblems, PricingSession, type PaymentComparison, type PricingSide } from './engine-pricing.ts';
import type { PricingRows } from './pricing-layout.ts';
import type { Recalibration, TrimOptions } from '../scenario/weight-recalibration.ts';
import { adrgMdcIds } from '../scenario/weight-adjustments.ts';
import { evaluate, type EvaluationRequest, type EvaluationTable } from './engine-evaluation.ts';
import { parseBenchmarkCsv, type BenchmarkTable } from '../evaluation/benchmark-table.ts';
import { scenarioContext, validateScenario, type ReadonlyScenario, type ScenarioContext } from '../scenario/scenario.ts';

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
interface CaseStore {
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


/** The grouped result of the loaded cases under the loaded ruleset. */
interface Grouped {
  compiled: CompiledRuleset;
  cases: DipCaseColumns;
  out: DrgOutput;
  dipOut: DipOutput;
  summary: GroupingSummary;
  /** out.drg and dipOut.group again, resident in Wasm for the pricing and evaluation kernels. */
  resident: GroupedColumns;
}

/** A case on the §3 special-review list. */
export interface ReviewCase {
  row: number;
  caseId: string;
  hospital: string;
  department: string;
  drg: string;
  costYuan: number;
  standardYuan: number;
  /** cost ÷ payment standard. */
  ratio: number;
}

/** Cases priced per call when the engine walks every case (bounded temporaries in the core). */
const PRICING_SLICE = 262_144;

/** One row of a page of cases, for the tables a person reads. */
export interface CaseRow {
  row: number;
  caseId: string;
  department: string;
  principalDx: string;
  mdc: string;
  drg: string;
  drgName: string;
  severity: number;
  reason: string;
  totalCost: number;
  los: number;
}

export type CaseFilter = { kind: 'all' } | { kind: 'ungrouped' } | { kind: 'drg'; drg: string };

export interface CaseExplanation extends DrgExplanation {
  /** The DIP side of the same case (§4). */
  dip: DipExplanation;
  row: number;
  caseId: string;
  facts: {
    principalDx: { code: string; name: string } | null;
    secondaryDx: { code: string; name: string; known: boolean }[];
    principalProc: { code: string; name: string } | null;
    otherProcs: { code: string; name: string; known: boolean }[];
    ageYears: number;
    ageDays: number;
    sex: number;
    birthWeightG: number;
    los: number;
    dischargeStatus: number;
  };
}

/** Plain copies of the core columns, for the reference kernels in tests and benchmarks. */
export interface CoreColumns {
  department: Int32Array;
  departmentLabels: string[];
  totalCost: Float64Array;
  los: Int32Array;
  dischargeStatus: Int32Array;
}

export type { RulesetInfo };

export class Engine {
  private cases: CaseStore | null = null;
  private ruleset: (PreparedRuleset & { grouper: WasmDrgGrouper; dip: WasmDipGrouper; scenario: ScenarioContext }) | null = null;
  private grouped: Grouped | null = null;
  private quality: QualityFinding[] | null = null;
  private pricing: PricingSession | null = null;
  /** A §5 benchmark table (mean LOS and cost per DRG) the evaluation may use instead of the loaded population. */
  private benchmark: BenchmarkTable | null = null;

  constructor(readonly core: WasmCore) {}

  static fromModule(module: WebAssembly.Module): Engine {
    return new Engine(new WasmCore(module));
  }

  /** Parses, checks and places a case file (Arrow, or CSV by its extension). On any error the
   * previously loaded cases stay loaded. */
  loadCases(bytes: Uint8Array, file: string, options: CsvImportOptions = {}): Result<CaseFileInfo> {
    return attempt(() => {
      const store = isCsvName(file) ? this.buildStoreFromCsv(bytes, file, options) : this.buildStoreFromArrow(bytes, file, options.onProgress);
      this.releaseCases();
      this.cases = store;
      this.regroup();
      return store.info;
    }, { file });
  }

  /**
   * Loads a ruleset file's text: a casemix-ruleset/1 document, or rules in the CHS-DRG reference layout
   * (imported first). One with problems is refused whole, with every problem; the loaded one stays.
   */
  loadRulesetText(text: string, file: string): Result<RulesetInfo> {
    return this.adopt(prepareRulesetText(text, file), file);
  }

  /** Validates and compiles a parsed ruleset document; refused whole on any problem. */
  loadRuleset(json: unknown, file: string): Result<RulesetInfo> {
    return this.adopt(prepareRuleset(json, file), file);
  }

  private adopt(prepared: Result<PreparedRuleset>, file: string): Result<RulesetInfo> {
    if (!prepared.ok) return prepared;
    return attempt(() => {
      const grouper = new WasmDrgGrouper(this.core, prepared.value.compiled);
      const dip = new WasmDipGrouper(this.core, prepared.value.compiled);
      this.ruleset?.grouper.free();
      this.ruleset?.dip.free();
      const c = prepared.value.compiled;
      const scenario = { ...scenarioContext({ meta: c.meta, parameters: c.parameters }, c.strings), adrgMdc: adrgMdcIds(c) };
      this.ruleset = { ...prepared.value, grouper, dip, scenario };
      this.regroup();
      return prepared.value.info;
    }, { file });
  }

  /** case_id of every row (CLI exports; the page asks for pages of rows instead). */
  caseIds(): string[] {
    const { ids, labels } = this.requireCases().quality.caseIds;
    return Array.from(ids, (id) => (id >= 0 ? labels[id] : ''));
  }

  rulesetInfo(): RulesetInfo | null {
    return this.ruleset?.info ?? null;
  }

  groupingSummary(): Result<GroupingSummary> {
    return attempt(() => this.requireGrouped().summary);
  }

  /** The output columns of the grouping (for the CLI's export and the tests). */
  groupingOutput(): { compiled: CompiledRuleset; out: DrgOutput } {
    const g = this.requireGrouped();
    return { compiled: g.compiled, out: g.out };
  }

  /** A page of cases matching a filter, as rows for display (a few dozen at a time). */
  casesPage(filter: CaseFilter, offset: number, limit: number): Result<{ total: number; rows: CaseRow[] }> {
    return attempt(() => {
      const g = this.requireGrouped();
      const s = this.requireCases();
      const drgId = filter.kind === 'drg' ? g.compiled.strings.drgCodes.indexOf(filter.drg) : -1;
      const matches = (i: number) => filter.kind === 'all' || (filter.kind === 'ungrouped' ? g.out.drg[i] < 0 : g.out.drg[i] === drgId);
      const rows: CaseRow[] = [];
      let total = 0;
      for (let i = 0; i < s.rows; i++) {
        if (!matches(i)) continue;
        if (total >= offset && rows.length < limit) rows.push(this.caseRow(i));
        total++;
      }
      return { total, rows };
    });
  }

  /** The trace of every grouping decision for one case, by case_id or row number. */
  explainCase(key: { caseId: string } | { row: number }): Result<CaseExplanation> {
    return attempt(() => {
      const g = this.requireGrouped();
      const s = this.requireCases();
      const row = 'row' in key ? key.row : this.findRow(key.caseId);
      if (row < 0 || row >= s.rows) {
        const id = 'caseId' in key ? key.caseId : String(key.row);
        fail('case.not_found', `No case ${id} in ${s.info.file}`, { id, file: s.info.file }, { file: s.info.file });
      }
      const single: DipCaseColumns = { ...sliceCase(g.cases, row), principalDxDipKey: g.cases.principalDxDipKey.slice(row, row + 1) };
      const explanation = explainDrg(g.compiled, 0, single);
      const dip = explainDip(g.compiled, 0, single);
      const str = g.compiled.strings;
      const code = (labels: string[], ids: Int32Array, i: number) => (ids[i] >= 0 ? labels[ids[i]] : '');
      const dxName = (c: string, id: number) => ({ code: c, name: id >= 0 ? str.dxNames[id] ?? '' : '', known: id >= 0 });
      const procName = (c: string, id: number) => ({ code: c, name: id >= 0 ? str.procNames[id] ?? '' : '', known: id >= 0 });
      const list = (l: IdListColumn) => Array.from(l.ids.subarray(l.offsets[row], l.offsets[row + 1]), (id) => l.labels[id]).filter((c) => c !== '');
      const pdx = code(s.codes.principalDx.labels, s.codes.principalDx.ids, row);
      const pproc = code(s.codes.principalProc.labels, s.codes.principalProc.ids, row);
      const dxEnc = createCodeEncoder(g.compiled, 'dx');
      const procEnc = createCodeEncoder(g.compiled, 'proc');
      return {
        ...explanation, dip, row, caseId: this.caseIdAt(row),
        facts: {
          principalDx: pdx ? dxName(pdx, single.principalDx[0]) : null,
          secondaryDx: list(s.codes.secondaryDx).map((c) => dxName(c, dxEnc(c))),
          principalProc: pproc ? procName(pproc, single.principalProc[0]) : null,
          otherProcs: list(s.codes.otherProcs).map((c) => procName(c, procEnc(c))),
          ageYears: single.ageYears[0], ageDays: single.ageDays[0], sex: single.sex[0],
          birthWeightG: single.birthWeightG[0], los: single.los[0], dischargeStatus: single.dischargeStatus[0],
        },
      };
    });
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

  /** The loaded cases and their grouping as resident columns (valid until the next load or ruleset). */
  analysisColumns(): { columns: AnalysisColumns; grouped: GroupedColumns; compiled: CompiledRuleset } {
    const g = this.requireGrouped();
    return { columns: this.requireCases().analysis, grouped: g.resident, compiled: g.compiled };
  }

  /**
   * §3/§4 payment of the grouped cases under a base and a what-if parameter set. Parameters with problems are
   * refused with every problem, each naming its field (`whatIf.budgetYuan`); nothing is priced then.
   */
  comparePayments(base: PricingSide, whatIf: PricingSide): Result<PaymentComparison> {
    return attempt(() => {
      const g = this.requireGrouped();
      const problems = comparisonProblems(base, whatIf, g.compiled.strings.drgCodes);
      if (problems.length) {
        throw new EngineFailure(problems.map((p) => ({ code: p.code, message: p.message, params: { field: p.where.field }, where: { field: p.where.field } })));
      }
      return this.pricingSession().compare(base, whatIf);
    });
  }

  /**
   * §5 evaluation indicators by unit and period, with composite scores (§10 formulas) and year-on-year.
   * With `useBenchmark`, the loaded benchmark table is the reference for the consumption indices.
   */
  evaluate(request: Omit<EvaluationRequest, 'benchmark'> & { useBenchmark?: boolean }): Result<EvaluationTable> {
    return attempt(() => {
      const { useBenchmark, ...rest } = request;
      if (useBenchmark && !this.benchmark) fail('evaluation.no_benchmark', 'No benchmark table is loaded');
      return evaluate(this.core, this.analysisColumns(), { ...rest, benchmark: useBenchmark ? this.benchmark : null });
    });
  }

  /** Reads a benchmark CSV (DRG, mean LOS, mean cost); a bad file is refused and the previous one kept. */
  loadBenchmark(bytes: Uint8Array, file: string): Result<{ file: string; drgs: number; hasLos: boolean; hasCost: boolean; warnings: EngineError[] }> {
    return attempt(() => {
      const table = parseBenchmarkCsv(bytes, file);
      this.benchmark = table;
      return { file: table.file, drgs: table.codes.length, hasLos: table.hasLos, hasCost: table.hasCost, warnings: table.warnings };
    }, { file });
  }

  clearBenchmark(): void {
    this.benchmark = null;
  }

  /** What scenarios are read and checked against: the loaded ruleset's name, version, defaults and codes. */
  scenarioContext(): Result<ScenarioContext> {
    return attempt(() => {
      if (!this.ruleset) fail('engine.no_ruleset', 'No ruleset is loaded');
      return this.ruleset.scenario;
    });
  }

  /** Refuses scenarios with problems, every problem named with its field (prefixed by the side, when given). */
  private checkScenarios(sides: readonly { scenario: ReadonlyScenario; side?: 'base' | 'whatIf' }[]): void {
    if (!this.ruleset) fail('engine.no_ruleset', 'No ruleset is loaded');
    const ctx = this.ruleset.scenario;
    const problems = sides.flatMap(({ scenario, side }) => validateScenario(scenario, ctx).map((p) => (side
      ? { code: p.code, message: p.message, params: { ...p.params, side }, where: { field: `${side}.${p.where.field}` } }
      : { code: p.code, message: p.message, params: p.params, where: { field: p.where.field } })));
    if (problems.length) throw new EngineFailure(problems);
  }

  /**
   * §10 base vs what-if scenarios priced (§3, §4). A scenario with problems is refused with every problem,
   * its field prefixed by the side (`whatIf.parameters.budgetYuan`); nothing is priced then.
   */
  compareScenarios(base: ReadonlyScenario, whatIf: ReadonlyScenario): Result<PaymentComparison> {
    return attempt(() => {
      this.requireGrouped();
      this.checkScenarios([{ scenario: base, side: 'base' }, { scenario: whatIf, side: 'whatIf' }]);
      const session = this.pricingSession();
      return session.compare(session.sideOf(base), session.sideOf(whatIf));
    });
  }

  /**
   * §3 special-review list (Yantai practice): cases at or above special_review_multiple × their payment
   * standard under a scenario, costliest ratio first; priced in slices so temporaries stay small.
   */
  specialReviewCases(scenario: ReadonlyScenario, offset: number, limit: number): Result<{ total: number; rows: ReviewCase[] }> {
    return attempt(() => {
      const g = this.requireGrouped();
      const s = this.requireCases();
      const hits: { row: number; ratio: number; standard: number }[] = [];
      const cost = this.core.f64(s.totalCost, s.rows).slice();
      const priced = this.pricedSlices(scenario, (first, { specialReview, drgStandardYuan }) => {
        for (let k = 0; k < specialReview.length; k++) {
          if (specialReview[k]) hits.push({ row: first + k, ratio: cost[first + k]! / drgStandardYuan[k]!, standard: drgStandardYuan[k]! });
        }
      });
      if (!priced.ok) throw new EngineFailure(priced.errors);
      hits.sort((a, b) => b.ratio - a.ratio || a.row - b.row);
      const a = s.analysis;
      const label = (c: UnitColumn, row: number) => {
        const id = this.core.i32(c.ids, s.rows)[row]!;
        return id >= 0 ? c.labels[id]! : '';
      };
      const rows = hits.slice(offset, offset + limit).map((h): ReviewCase => ({
        row: h.row, caseId: this.caseIdAt(h.row), hospital: label(a.hospital, h.row), department: label(a.department, h.row),
        drg: g.compiled.strings.drgCodes[g.out.drg[h.row]!] ?? '0000', costYuan: cost[h.row]!, standardYuan: h.standard, ratio: h.ratio,
      }));
      return { total: hits.length, rows };
    });
  }

  /** §3 weights (and §4 scores) recalibrated from the loaded cases, with each group's source and case counts. */
  recalibration(trim?: TrimOptions): Result<{ drg: Recalibration; dip: Recalibration }> {
    return attempt(() => {
      this.requireGrouped();
      const r = this.pricingSession().recalibrated(trim);
      const copy = (x: Recalibration): Recalibration => ({
        ...x, value: x.value.slice(), meanCostYuan: x.meanCostYuan.slice(), cases: x.cases.slice(), keptCases: x.keptCases.slice(), source: x.source.slice(),
      });
      return { drg: copy(r.drg), dip: copy(r.dip) };
    });
  }

  /**
   * Per-case payment columns of every case under one scenario (checked first), handed to `visit` a slice at a
   * time (rows [first, first + rows length)) so the core's temporaries stay small; priced with one resolve.
   */
  pricedSlices(scenario: ReadonlyScenario, visit: (first: number, rows: PricingRows) => void): Result<void> {
    return attempt(() => {
      this.requireGrouped();
      this.checkScenarios([{ scenario }]);
      const session = this.pricingSession();
      session.priceSlices(session.sideOf(scenario), PRICING_SLICE, visit);
    });
  }

  private pricingSession(): PricingSession {
    if (!this.pricing) {
      const g = this.requireGrouped();
      const s = this.requireCases();
      this.pricing = new PricingSession(this.core, s.analysis, g.resident, g.compiled, () => ({
        drg: g.out.drg, dipGroup: g.dipOut.group, costYuan: this.core.f64(s.totalCost, s.rows).slice(),
      }));
    }
    return this.pricing;
  }

  releaseCases(): void {
    const s = this.cases;
    if (!s) return;
    const a = s.analysis;
    for (const b of [s.department, s.totalCost, s.los, s.dischargeStatus, a.hospital.ids, a.ward.ids, a.physician.ids,
      a.insuranceType.ids, a.hospitalLevel, a.dischargeDay]) this.core.free(b);
    this.cases = null;
    this.releaseGrouped();
    this.quality = null;
  }

  private releaseGrouped(): void {
    this.pricing?.free();
    this.pricing = null;
    if (this.grouped) {
      this.core.free(this.grouped.resident.drg);
      this.core.free(this.grouped.resident.dipGroup);
    }
    this.grouped = null;
  }

  private requireCases(): CaseStore {
    if (!this.cases) fail('engine.no_cases', 'No case file is loaded');
    return this.cases;
  }

  /** §11 data-quality findings of the loaded cases (codes against the loaded ruleset, when there is one). */
  qualityReport(): Result<QualityReport> {
    return attempt(() => {
      const s = this.requireCases();
      const findings = this.qualityFindings();
      return {
        rows: s.rows, codesChecked: this.grouped !== null,
        findings: findings.map((f) => ({ rule: f.rule, column: f.column, count: f.rows.length })),
      };
    });
  }

  /** Flagged rows of one rule (or all rules), with the value that raised the flag. */
  qualityRows(rule: QualityRule | null, offset: number, limit: number): Result<{ total: number; rows: QualityRow[] }> {
    return attempt(() => {
      const findings = this.qualityFindings().filter((f) => rule === null || f.rule === rule);
      const total = findings.reduce((n, f) => n + f.rows.length, 0);
      const rows: QualityRow[] = [];
      let skip = offset;
      for (const f of findings) {
        if (skip >= f.rows.length) { skip -= f.rows.length; continue; }
        for (let k = skip; k < f.rows.length && rows.length < limit; k++) rows.push(this.qualityRow(f, f.rows[k]));
        skip = 0;
        if (rows.length >= limit) break;
      }
      return { total, rows };
    });
  }

  /** Every finding as CSV (UTF-8 with BOM): row, case_id, rule, column, value. */
  qualityCsv(): Result<Uint8Array> {
    return attempt(() => {
      const all = this.qualityRows(null, 0, Number.MAX_SAFE_INTEGER);
      if (!all.ok) throw new EngineFailure(all.errors);
      const rows = all.value.rows;
      return exportColumns([
        { name: 'row', kind: 'int', values: Int32Array.from(rows, (r) => r.row + 1) },
        { name: 'case_id', kind: 'text', values: rows.map((r) => r.caseId) },
        { name: 'rule', kind: 'text', values: rows.map((r) => r.rule) },
        { name: 'column', kind: 'text', values: rows.map((r) => r.column) },
        { name: 'value', kind: 'text', values: rows.map((r) => r.value) },
      ], 'csv');
    });
  }

  private qualityFindings(): QualityFinding[] {
    if (this.quality) return this.quality;
    const s = this.requireCases();
    const enc = this.grouped?.cases ?? null;
    this.quality = runQualityChecks({
      rows: s.rows, principalDx: s.codes.principalDx, sex: s.numbers.sex, ageYears: s.numbers.ageYears,
      ageDays: s.numbers.ageDays, birthWeightG: s.numbers.birthWeightG, totalCost: this.core.f64(s.totalCost, s.rows).slice(),
      encoded: enc, ...s.quality,
    });
    return this.quality;
  }

  private qualityRow(f: QualityFinding, row: number): QualityRow {
    const s = this.requireCases();
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
    return { row, caseId: this.caseIdAt(row), rule: f.rule, column: f.column, value: value[f.rule]() };
  }

  private requireGrouped(): Grouped {
    this.requireCases();
    if (!this.ruleset) fail('engine.no_ruleset', 'No ruleset is loaded');
    return this.grouped!;
  }

  /** Groups the loaded cases under the loaded ruleset, when both are there. */
  private regroup(): void {
    this.releaseGrouped();
    this.quality = null;
    const s = this.cases;
    const r = this.ruleset;
    if (!s || !r) return;
    const t0 = performance.now();
    const cases = encodeCases(this.core, r.compiled, s.codes, s.numbers);
    const out = r.grouper.group(cases);
    const dipCases: DipCaseColumns = { ...cases, principalDxDipKey: encodeDipKeys(this.core, r.compiled, s.codes.principalDx) };
    const dipOut = r.dip.group(dipCases);
    const groupMs = performance.now() - t0;
    const summary = summariseGrouping(this.core, r.compiled, out, dipOut, { cost: s.totalCost, los: s.los, status: s.dischargeStatus }, groupMs);
    const resident = { drg: this.core.placeI32(out.drg), dipGroup: this.core.placeI32(dipOut.group) };
    this.grouped = { compiled: r.compiled, cases: dipCases, out, dipOut, summary, resident };
  }

  private caseIdAt(row: number): string {
    const { ids, labels } = this.requireCases().quality.caseIds;
    return ids[row] >= 0 ? labels[ids[row]] : '';
  }

  /** First row with this case_id: one label lookup, then one scan of an int column. */
  private findRow(caseId: string): number {
    const { ids, labels } = this.requireCases().quality.caseIds;
    const id = labels.indexOf(caseId);
    return id < 0 ? -1 : ids.indexOf(id);
  }

  private caseRow(i: number): CaseRow {
    const s = this.requireCases();
    const g = this.grouped!;
    const str = g.compiled.strings;
    const drg = g.out.drg[i];
    const pdx = s.codes.principalDx;
    return {
      row: i,
      caseId: this.caseIdAt(i),
      department: s.departmentLabels[this.core.i32(s.department, s.rows)[i]] ?? '',
      principalDx: pdx.ids[i] >= 0 ? pdx.labels[pdx.ids[i]] : '',
      mdc: g.out.mdc[i] >= 0 ? str.mdcCodes[g.out.mdc[i]] : '',
      drg: drg >= 0 ? str.drgCodes[drg] : '0000',
      drgName: drg >= 0 ? str.drgNames[drg] ?? '' : '',
      severity: g.out.severity[i],
      reason: REASON_NAMES[g.out.reason[i]] ?? '',
      totalCost: this.core.f64(s.totalCost, s.rows)[i],
      los: this.core.i32(s.los, s.rows)[i],
    };
  }

  private buildStoreFromArrow(bytes: Uint8Array, file: string, onProgress?: (fraction: number) => void): CaseStore {
    const { table, format } = readCaseTable(bytes, file);
    onProgress?.(0.2);
    return this.buildStore(table, { file, format, bytes: bytes.byteLength }, (f) => onProgress?.(0.2 + 0.8 * f));
  }

  private buildStoreFromCsv(bytes: Uint8Array, file: string, options: CsvImportOptions): CaseStore {
    const { table, encoding, unusedColumns } = csvToArrow(bytes, file, options);
    const problems = schemaProblems(table.schema.fields, file);
    if (problems.length) throw new EngineFailure(problems);
    return this.buildStore(table, { file, format: 'csv', bytes: bytes.byteLength, encoding, unusedColumns });
  }

  /** Places a checked table's columns in the core; `onProgress` hears the fraction of columns done. */
  private buildStore(table: Table, origin: Pick<CaseFileInfo, 'file' | 'format' | 'bytes' | 'encoding' | 'unusedColumns'>,
    onProgress?: (fraction: number) => void): CaseStore {
    const file = origin.file;
    const core = this.core;
    const need = table.numRows * BYTES_PER_CASE_PLACED;
    const have = WASM_MEMORY_LIMIT - core.exports.memory.buffer.byteLength;
    if (need > have) {
      fail('engine.out_of_memory', `${file}: ${table.numRows} cases need about ${Math.ceil(need / 2 ** 20)} MiB of engine memory; ${Math.floor(have / 2 ** 20)} MiB are left`,
        { file, rows: table.numRows, needMiB: Math.ceil(need / 2 ** 20), haveMiB: Math.floor(have / 2 ** 20) }, { file });
    }
    const placed: Block[] = [];
    const keep = (b: Block) => (placed.push(b), b);
    const column = (name: string) => table.getChild(name)!;
    try {
      const dept = placeUtf8Ids(core, column('department'), 'department', file);
      keep(dept.ids);
      const totalCost = keep(placeFloat64Column(core, column('total_cost'), 'total_cost', file));
      onProgress?.(0.2);
      const dischargeStatus = keep(placeInt32Column(core, column('discharge_status'), 'discharge_status', file));
      const admit = keep(placeDayColumn(core, column('admit_date'), 'admit_date', file));
      const discharge = keep(placeDayColumn(core, column('discharge_date'), 'discharge_date', file));
      // A missing date borrows the other one (a stay of 0 days, LOS 1); the row is reported, not dropped.
      const admitDays = core.i32(admit, table.numRows), dischargeDays = core.i32(discharge, table.numRows);
      for (const r of nullRows(column('admit_date'))) admitDays[r] = dischargeDays[r];
      for (const r of nullRows(column('discharge_date'))) dischargeDays[r] = admitDays[r];
      const stayDays = dischargeDays.slice();
      for (let i = 0; i < stayDays.length; i++) stayDays[i] -= admitDays[i];
      let los: Block;
      if (table.getChild('los')) {
        los = keep(placeInt32Column(core, column('los'), 'los', file));
        const losDays = core.i32(los, table.numRows);
        for (const r of nullRows(column('los'))) losDays[r] = Math.max(1, stayDays[r]);
      } else {
        los = keep(core.alloc(table.numRows * 4));
        core.exports.deriveLos(table.numRows, admit.ptr, discharge.ptr, los.ptr);
      }
      core.free(placed.splice(placed.indexOf(admit), 1)[0]);
      const rows = table.numRows;
      const optional = (name: string) => table.getChild(name);
      const jsInts = (name: string) => {
        const b = placeInt32OrMissing(core, optional(name), rows, -1);
        const copy = core.i32(b, rows).slice();
        core.free(b);
        return copy;
      };
      const idsOf = (name: string) => {
        const v = optional(name);
        if (!v) return { ids: new Int32Array(rows).fill(-1), labels: [] as string[] };
        const placed = placeCodeIds(core, v, name, file);
        const ids = core.i32(placed.ids, rows).slice();
        core.free(placed.ids);
        return { ids, labels: placed.labels };
      };
      const listOf = (name: string): IdListColumn => {
        const v = optional(name);
        return v ? placeCodeList(core, v, name, file) : { ids: new Int32Array(0), offsets: new Int32Array(rows + 1), labels: [] };
      };
      onProgress?.(0.4);
      const sexBlock = placeSex(core, column('sex'), 'sex', file, encodeSex);
      const sex = Uint8Array.from(core.i32(sexBlock, rows));
      core.free(sexBlock);
      const codes: CodeColumns = {
        principalDx: idsOf('principal_dx'), principalProc: idsOf('principal_proc'),
        secondaryDx: listOf('secondary_dx'), otherProcs: listOf('other_procs'),
      };
      const numbers: GrouperNumbers = {
        ageYears: jsInts('age_years'), ageDays: jsInts('age_days'), sex, birthWeightG: jsInts('birth_weight_g'),
        los: core.i32(los, rows).slice(), dischargeStatus: core.i32(dischargeStatus, rows).slice(),
      };
      onProgress?.(0.7);
      const caseIdColumn = placeCodeIds(core, column('case_id'), 'case_id', file);
      const caseIds = { ids: core.i32(caseIdColumn.ids, rows).slice(), labels: caseIdColumn.labels };
      core.free(caseIdColumn.ids);
      const components = COST_COMPONENTS.map((name) => optional(name)).filter((v): v is NonNullable<typeof v> => v !== null)
        .map((v) => Float64Array.from(v.toArray() as ArrayLike<number>));
      const missing = REQUIRED_COLUMNS.map((name) => ({ column: name, rows: nullRows(optional(name)) })).filter((m) => m.rows.length > 0);
      const quality = { caseIds, stayDays, losGiven: table.getChild('los') ? numbers.los : null, components, missing };
      const unit = (name: string): UnitColumn => {
        const v = optional(name);
        if (!v) return { ids: keep(placeInt32OrMissing(core, null, rows, -1)), labels: [] };
        const c = placeCodeIds(core, v, name, file);
        keep(c.ids);
        return c;
      };
      const analysis: AnalysisColumns = {
        n: rows, hospital: unit('hospital_id'), department: { ids: dept.ids, labels: dept.labels },
        ward: unit('ward'), physician: unit('physician'), insuranceType: unit('insurance_type'),
        // Levels other than 1–3 are read as 3 by the kernels (§1 default).
        hospitalLevel: keep(placeInt32OrMissing(core, optional('hospital_level'), rows, 3)),
        dischargeDay: discharge, los, totalCost, dischargeStatus,
      };
      const info: CaseFileInfo = {
        ...origin, rows, batches: table.batches.length,
        columns: table.schema.fields.map((f) => ({ name: f.name, type: String(f.type) })),
        departments: dept.labels.length,
      };
      return {
        info, rows, department: dept.ids, departmentLabels: dept.labels,
        totalCost, los, dischargeStatus, codes, numbers, quality, analysis,
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

/** One case of a column set, as a one-row column set (for the per-case trace). */
function sliceCase(c: CaseColumns, i: number): CaseColumns {
  const a = c.secondaryDxOffsets[i], b = c.secondaryDxOffsets[i + 1];
  const p = c.otherProcsOffsets[i], q = c.otherProcsOffsets[i + 1];
  return {
    n: 1,
    principalDx: c.principalDx.slice(i, i + 1),
    secondaryDx: c.secondaryDx.slice(a, b), secondaryDxOffsets: Int32Array.of(0, b - a),
    principalProc: c.principalProc.slice(i, i + 1),
    otherProcs: c.otherProcs.slice(p, q), otherProcsOffsets: Int32Array.of(0, q - p),
    ageYears: c.ageYears.slice(i, i + 1), ageDays: c.ageDays.slice(i, i + 1), sex: c.sex.slice(i, i + 1),
    birthWeightG: c.birthWeightG.slice(i, i + 1), los: c.los.slice(i, i + 1), dischargeStatus: c.dischargeStatus.slice(i, i + 1),
  };
}

