// The engine's public surface, declared once: Engine implements it, the worker serves it as it is, and the
// page's client is typed from it. Synchronous and host-free; every typed array in a result is the caller's own.
import type { QualityRule } from '../data/quality-checks.ts';
import type { ExportFormat } from '../data/table-export.ts';
import type { EngineError, Result } from '../shared/errors.ts';
import type { ReadonlyScenario, ScenarioContext } from '../scenario/scenario.ts';
import type { Recalibration, TrimOptions } from '../scenario/weight-recalibration.ts';
import type { CaseExplanation, CaseFilter, CaseRow } from './case-inspection.ts';
import type { CaseFileInfo } from './case-store.ts';
import type { GroupingSummary } from './drg-grouping.ts';
import type { EvaluationRequest, EvaluationTable } from './engine-evaluation.ts';
import type { PaymentComparison, PaymentMethod } from './engine-pricing.ts';
import type { QualityReport, QualityRow } from './quality-report.ts';
import type { RulesetInfo } from './ruleset-loading.ts';
import type { RulesetComparison, RulesetText } from './ruleset-comparison.ts';
import type { ReviewCase } from './scenario-pricing.ts';
import type { UnitSummary } from './unit-summary.ts';

/** The result tables the page can export. */
export type ResultTable = 'departments' | 'drgs' | 'dip';
/** The payment breakdowns the page can export. */
export type PaymentTable = 'hospitals' | 'departments' | 'mdcs' | 'groups';

/** An evaluation as the page asks for it: the loaded benchmark table by choice, not by value. */
export type EvaluationQuery = Omit<EvaluationRequest, 'benchmark'> & { useBenchmark?: boolean };

/** What a benchmark table that loaded holds. */
export interface BenchmarkInfo {
  file: string;
  drgs: number;
  hasLos: boolean;
  hasCost: boolean;
  warnings: EngineError[];
}

/** A page of rows out of `total`. */
export interface RowPage<T> {
  total: number;
  rows: T[];
}

/**
 * Everything a page may ask of the engine. Loads replace the loaded data only once the new data is grouped:
 * on any error the previous cases, ruleset and grouping stay loaded and usable.
 */
export interface EngineApi {
  // ----- cases (§1) -----
  /** Parses, checks and places a case file (Arrow, or CSV by its extension), then groups it; `onProgress` hears the fraction done. */
  loadCases(bytes: Uint8Array | ArrayBuffer, file: string, onProgress?: (fraction: number) => void): Result<CaseFileInfo>;
  caseFileInfo(): CaseFileInfo | null;
  /** Cases, Σ and mean cost and LOS, deaths per department. */
  departmentSummary(): Result<UnitSummary>;

  // ----- ruleset and grouping (§2, §4) -----
  /** A casemix-ruleset/1 document or CHS-DRG reference rules; one with problems is refused whole, with every problem. */
  loadRulesetText(text: string, file: string): Result<RulesetInfo>;
  rulesetInfo(): RulesetInfo | null;
  /** 入组率, CMI, cases by MDC, the DRG and DIP tables. */
  groupingSummary(): Result<GroupingSummary>;
  /** A page of cases matching a filter, as rows for display. */
  casesPage(filter: CaseFilter, offset: number, limit: number): Result<RowPage<CaseRow>>;
  /** The trace of every grouping decision for one case, by case_id or row number. */
  explainCase(key: { caseId: string } | { row: number }): Result<CaseExplanation>;
  /** Two rulesets' differences and the loaded cases regrouped under both; the loaded ruleset and grouping stay as they are. */
  compareRulesets(a: RulesetText, b: RulesetText): Result<RulesetComparison>;

  // ----- data quality (§11) -----
  /** Findings per rule (codes checked against the loaded ruleset, when there is one). */
  qualityReport(): Result<QualityReport>;
  /** Flagged rows of one rule (or all rules), with the value that raised the flag. */
  qualityRows(rule: QualityRule | null, offset: number, limit: number): Result<RowPage<QualityRow>>;
  /** Every finding as CSV (UTF-8 with BOM). */
  exportQualityCsv(): Result<Uint8Array>;

  // ----- payment (§3, §4, §10) -----
  /** What scenarios are read and checked against: the loaded ruleset's name, version, defaults and codes. */
  scenarioContext(): Result<ScenarioContext>;
  /** Base vs what-if scenarios priced; a scenario with problems is refused, each problem naming its field. */
  compareScenarios(base: ReadonlyScenario, whatIf: ReadonlyScenario): Result<PaymentComparison>;
  /** The §3 special-review list under a scenario, costliest ratio first, a page at a time. */
  specialReviewCases(scenario: ReadonlyScenario, offset: number, limit: number): Result<RowPage<ReviewCase>>;
  /** §3 weights and §4 scores recalibrated from the loaded cases. */
  recalibration(trim?: TrimOptions): Result<{ drg: Recalibration; dip: Recalibration }>;
  /** One breakdown of one method of the base vs what-if comparison, as CSV or Arrow. */
  exportPayment(table: PaymentTable, method: PaymentMethod, base: ReadonlyScenario, whatIf: ReadonlyScenario, format: ExportFormat): Result<Uint8Array>;

  // ----- evaluation (§5) -----
  /** Indicators by unit and period, composite scores (§10 formulas), year-on-year. */
  evaluate(request: EvaluationQuery): Result<EvaluationTable>;
  /** A benchmark CSV (DRG, mean LOS, mean cost); a bad file is refused and the previous one kept. */
  loadBenchmark(bytes: Uint8Array | ArrayBuffer, file: string): Result<BenchmarkInfo>;
  clearBenchmark(): void;

  // ----- exports -----
  /** A result table as CSV (UTF-8 with BOM) or Arrow. */
  exportTable(table: ResultTable, format: ExportFormat): Result<Uint8Array>;
}
