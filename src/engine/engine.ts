// The engine: one synchronous, typed API over the Wasm core (engine-api.ts declares it). A thin front over one
// module per concept; the CLI and tests call it directly, the worker only serves it. Never touches DOM or workers.
import type { CsvImportOptions } from '../data/csv-to-arrow.ts';
import type { QualityRule } from '../data/quality-checks.ts';
import type { ExportFormat } from '../data/table-export.ts';
import { parseBenchmarkCsv, type BenchmarkTable } from '../evaluation/benchmark-table.ts';
import type { CompiledRuleset } from '../rules/ruleset-compile.ts';
import { attempt, fail, type Result } from '../shared/errors.ts';
import type { ReadonlyScenario, ScenarioContext } from '../scenario/scenario.ts';
import type { Recalibration, TrimOptions } from '../scenario/weight-recalibration.ts';
import type { AnalysisColumns, GroupedColumns } from './case-columns.ts';
import { freeGroupers, groupCases, loadGroupers, summaryCopy, type Grouping, type LoadedRuleset } from './case-grouping.ts';
import { casesPage, explainCase, type CaseExplanation, type CaseFilter, type CaseRow } from './case-inspection.ts';
import { loadCaseStore } from './case-loading.ts';
import { CaseSession } from './case-session.ts';
import { caseIdsOf, coreColumnsOf, departmentSummaryOf, releaseCaseStore, type CaseFileInfo, type CaseStore, type CoreColumns } from './case-store.ts';
import type { DrgOutput } from './reference/drg-grouper.ts';
import type { GroupingSummary } from './drg-grouping.ts';
import type { BenchmarkInfo, EngineApi, EvaluationQuery, PaymentTable, ResultTable, RowPage } from './engine-api.ts';
import { evaluate, type EvaluationTable } from './engine-evaluation.ts';
import type { PaymentComparison, PaymentMethod, PricingSide } from './engine-pricing.ts';
import type { PricingRows } from './pricing-layout.ts';
import type { QualityReport, QualityRow } from './quality-report.ts';
import { paymentTableBytes, resultTableBytes } from './result-export.ts';
import { compareRulesets, type RulesetComparison, type RulesetText } from './ruleset-comparison.ts';
import { prepareRuleset, prepareRulesetText, type PreparedRuleset, type RulesetInfo } from './ruleset-loading.ts';
import { comparePayments, compareScenarios, pricedSlices, recalibration, specialReviewCases, type ReviewCase } from './scenario-pricing.ts';
import type { UnitSummary } from './unit-summary.ts';
import { WasmCore } from './wasm-core.ts';

// The types the pages, the CLI and the tests read from the engine.
export type { CaseExplanation, CaseFilter, CaseRow } from './case-inspection.ts';
export type { CaseFileFormat, CaseFileInfo, ColumnInfo, CoreColumns } from './case-store.ts';
export type { QualityReport, QualityRow } from './quality-report.ts';
export type { ReviewCase } from './scenario-pricing.ts';
export type { RulesetInfo };

export class Engine implements EngineApi {
  /** The loaded cases and what is derived from them; grouped whenever a ruleset is loaded. */
  private session: CaseSession | null = null;
  private ruleset: LoadedRuleset | null = null;
  /** A §5 benchmark table (mean LOS and cost per DRG) the evaluation may use instead of the loaded population. */
  private benchmark: BenchmarkTable | null = null;

  constructor(readonly core: WasmCore) {}

  static fromModule(module: WebAssembly.Module): Engine {
    return new Engine(new WasmCore(module));
  }

  // ----- loading: the new data is built and grouped whole before it replaces the old ------------------

  /** Parses, checks, places and groups a case file (Arrow, or CSV by its extension). On any error the
   * previously loaded cases, and their grouping, stay loaded. */
  loadCases(bytes: Uint8Array | ArrayBuffer, file: string, onProgress?: (fraction: number) => void, csv: Omit<CsvImportOptions, 'onProgress'> = {}): Result<CaseFileInfo> {
    return attempt(() => {
      const store = loadCaseStore(this.core, bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), file, { ...csv, onProgress });
      const grouping = this.groupOrRelease(this.ruleset, store, () => releaseCaseStore(this.core, store));
      this.session?.free();
      this.session = new CaseSession(this.core, store, grouping);
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
      const ruleset = loadGroupers(this.core, prepared.value);
      const grouping = this.groupOrRelease(ruleset, this.session?.store ?? null, () => freeGroupers(ruleset));
      if (grouping) this.session!.regrouped(grouping);
      if (this.ruleset) freeGroupers(this.ruleset);
      this.ruleset = ruleset;
      return ruleset.info;
    }, { file });
  }

  /** Groups `store` under `ruleset` when both are there; if that fails, `release` frees what was built for it. */
  private groupOrRelease(ruleset: LoadedRuleset | null, store: CaseStore | null, release: () => void): Grouping | null {
    try {
      return ruleset && store ? groupCases(this.core, ruleset, store) : null;
    } catch (e) {
      release();
      throw e;
    }
  }

  /** Frees the loaded cases and their grouping (the ruleset stays). */
  releaseCases(): void {
    this.session?.free();
    this.session = null;
  }

  // ----- cases and grouping --------------------------------------------------------------------------

  caseFileInfo(): CaseFileInfo | null {
    return this.session?.store.info ?? null;
  }

  rulesetInfo(): RulesetInfo | null {
    return this.ruleset?.info ?? null;
  }

  departmentSummary(): Result<UnitSummary> {
    return attempt(() => departmentSummaryOf(this.core, this.cases().store));
  }

  groupingSummary(): Result<GroupingSummary> {
    return attempt(() => summaryCopy(this.cases().grouped().summary));
  }

  casesPage(filter: CaseFilter, offset: number, limit: number): Result<RowPage<CaseRow>> {
    return attempt(() => {
      const session = this.cases();
      return casesPage(this.core, session.store, session.grouped(), filter, offset, limit);
    });
  }

  explainCase(key: { caseId: string } | { row: number }): Result<CaseExplanation> {
    return attempt(() => {
      const session = this.cases();
      return explainCase(session.store, session.grouped(), key);
    });
  }

  compareRulesets(a: RulesetText, b: RulesetText): Result<RulesetComparison> {
    const compared = attempt(() => compareRulesets(this.core, a, b, this.session?.store ?? null));
    return compared.ok ? compared.value : compared;
  }

  /** case_id of every row (CLI exports; the page asks for pages of rows instead). */
  caseIds(): string[] {
    return caseIdsOf(this.cases().store);
  }

  /** The output columns of the grouping (for the CLI's export and the tests). */
  groupingOutput(): { compiled: CompiledRuleset; out: DrgOutput } {
    const g = this.cases().grouped();
    return { compiled: g.compiled, out: g.out };
  }

  coreColumns(): CoreColumns {
    return coreColumnsOf(this.core, this.cases().store);
  }

  /** The loaded cases and their grouping as resident columns (valid until the next load or ruleset). */
  analysisColumns(): { columns: AnalysisColumns; grouped: GroupedColumns; compiled: CompiledRuleset } {
    const session = this.cases();
    const g = session.grouped();
    return { columns: session.store.analysis, grouped: g.resident, compiled: g.compiled };
  }

  // ----- §11 data quality ----------------------------------------------------------------------------

  qualityReport(): Result<QualityReport> {
    return attempt(() => this.cases().quality().report());
  }

  qualityRows(rule: QualityRule | null, offset: number, limit: number): Result<RowPage<QualityRow>> {
    return attempt(() => this.cases().quality().rows(rule, offset, limit));
  }

  exportQualityCsv(): Result<Uint8Array> {
    return attempt(() => this.cases().quality().csv());
  }

  // ----- §3/§4 payment -------------------------------------------------------------------------------

  scenarioContext(): Result<ScenarioContext> {
    return attempt(() => {
      const ctx = this.loadedRuleset().scenario;
      return { ...ctx, adrgMdc: ctx.adrgMdc?.slice() };
    });
  }

  /**
   * §3/§4 payment of the grouped cases under a base and a what-if parameter set. Parameters with problems are
   * refused with every problem, each naming its field (`whatIf.budgetYuan`); nothing is priced then.
   */
  comparePayments(base: PricingSide, whatIf: PricingSide): Result<PaymentComparison> {
    return attempt(() => comparePayments(this.cases(), base, whatIf));
  }

  compareScenarios(base: ReadonlyScenario, whatIf: ReadonlyScenario): Result<PaymentComparison> {
    return attempt(() => compareScenarios(this.cases(), this.loadedRuleset().scenario, base, whatIf));
  }

  specialReviewCases(scenario: ReadonlyScenario, offset: number, limit: number): Result<RowPage<ReviewCase>> {
    return attempt(() => specialReviewCases(this.cases(), this.loadedRuleset().scenario, scenario, offset, limit));
  }

  recalibration(trim?: TrimOptions): Result<{ drg: Recalibration; dip: Recalibration }> {
    return attempt(() => recalibration(this.cases(), trim));
  }

  /**
   * Per-case payment columns of every case under one scenario (checked first), handed to `visit` a slice at a
   * time (rows [first, first + rows length)) so the core's temporaries stay small; priced with one resolve.
   */
  pricedSlices(scenario: ReadonlyScenario, visit: (first: number, rows: PricingRows) => void): Result<void> {
    return attempt(() => pricedSlices(this.cases(), this.loadedRuleset().scenario, scenario, visit));
  }

  /** Prices through the session, which reuses the comparison on screen: an export prices nothing again. */
  exportPayment(table: PaymentTable, method: PaymentMethod, base: ReadonlyScenario, whatIf: ReadonlyScenario, format: ExportFormat): Result<Uint8Array> {
    return attempt(() => paymentTableBytes(compareScenarios(this.cases(), this.loadedRuleset().scenario, base, whatIf), table, method, format));
  }

  // ----- §5 evaluation -------------------------------------------------------------------------------

  evaluate(request: EvaluationQuery): Result<EvaluationTable> {
    return attempt(() => {
      const { useBenchmark, ...rest } = request;
      if (useBenchmark && !this.benchmark) fail('evaluation.no_benchmark', 'No benchmark table is loaded');
      return evaluate(this.core, this.analysisColumns(), { ...rest, benchmark: useBenchmark ? this.benchmark : null });
    });
  }

  loadBenchmark(bytes: Uint8Array | ArrayBuffer, file: string): Result<BenchmarkInfo> {
    return attempt(() => {
      const table = parseBenchmarkCsv(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), file);
      this.benchmark = table;
      return { file: table.file, drgs: table.codes.length, hasLos: table.hasLos, hasCost: table.hasCost, warnings: table.warnings };
    }, { file });
  }

  clearBenchmark(): void {
    this.benchmark = null;
  }

  // ----- exports -------------------------------------------------------------------------------------

  exportTable(table: ResultTable, format: ExportFormat): Result<Uint8Array> {
    return attempt(() => {
      const session = this.cases();
      return resultTableBytes(table, format, {
        departments: () => departmentSummaryOf(this.core, session.store),
        grouping: () => session.grouped().summary,
      });
    });
  }

  private cases(): CaseSession {
    if (!this.session) fail('engine.no_cases', 'No case file is loaded');
    return this.session;
  }

  private loadedRuleset(): LoadedRuleset {
    if (!this.ruleset) fail('engine.no_ruleset', 'No ruleset is loaded');
    return this.ruleset;
  }
}
