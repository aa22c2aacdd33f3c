// The engine worker: owns the case data and the Wasm core, and exposes one typed API through comlink.
// Results cross back as transferred typed arrays; the main thread never sees a per-case array.
import * as Comlink from 'comlink';
import wasmUrl from '../build/wasm/core.wasm?url';
import {
  Engine, type CaseExplanation, type CaseFileInfo, type CaseFilter, type CaseRow, type QualityReport, type QualityRow, type RulesetInfo,
} from '../src/engine/engine.ts';
import type { QualityRule } from '../src/data/quality-checks.ts';
import { dipTableColumns, drgTableColumns, type GroupingSummary } from '../src/engine/drg-grouping.ts';
import { importCsvTables } from '../src/rules/import-csv-tables.ts';
import { problemError } from '../src/engine/ruleset-loading.ts';
import {
  deleteRuleset, isRulesetStoreAvailable, listRulesets, rulesetText, saveRuleset, type StoredRuleset,
} from './ruleset-store.ts';
import type { Result } from '../src/shared/errors.ts';
import { summaryBuffers, summaryColumns, type UnitSummary } from '../src/engine/unit-summary.ts';
import { exportColumns, type ExportFormat } from '../src/data/table-export.ts';
import { paymentTableColumns, type PaymentComparison, type PaymentMethod } from '../src/engine/engine-pricing.ts';
import type { Scenario, ScenarioContext } from '../src/scenario/scenario.ts';
import type { EvaluationRequest, EvaluationTable } from '../src/engine/engine-evaluation.ts';
import type { TrimOptions } from '../src/scenario/weight-recalibration.ts';
import type { PaymentTable, ResultTable } from '../src/engine/engine-api.ts';

// One engine per worker: calls that arrive while the core compiles share the same promise, so none
// of them can end up holding (and filling) an engine that another replaces.
let engine: Promise<Engine> | null = null;


/** The buffers of every typed array in a fresh result, to transfer instead of copying. */
function buffersOf(x: unknown, out: ArrayBuffer[] = []): ArrayBuffer[] {
  if (ArrayBuffer.isView(x)) {
    if (!out.includes(x.buffer as ArrayBuffer)) out.push(x.buffer as ArrayBuffer);
  } else if (x && typeof x === 'object') {
    for (const v of Object.values(x)) buffersOf(v, out);
  }
  return out;
}

function mapResult<A, B>(r: Result<A>, f: (a: A) => B): Result<B> {
  return r.ok ? { ok: true, value: f(r.value) } : r;
}

function ready(): Promise<Engine> {
  engine ??= WebAssembly.compileStreaming(fetch(wasmUrl)).then((module) => Engine.fromModule(module));
  return engine;
}

function readFailure(file: string, e: unknown): Result<never> {
  const detail = e instanceof Error ? e.message : String(e);
  return { ok: false, errors: [{ code: 'file.read', message: `${file}: ${detail}`, params: { file, detail }, where: { file } }] };
}

const api = {
  /** Loads a case file whose bytes the page transferred (not copied) to this worker. */
  async loadCases(buffer: ArrayBuffer, file: string, onProgress?: (fraction: number) => void): Promise<Result<CaseFileInfo>> {
    return (await ready()).loadCases(new Uint8Array(buffer), file, { onProgress });
  },

  /**
   * Fetches and loads a file served by this site (the demo data) without passing through the page.
   * With ifNoneLoaded, a file the user loaded meanwhile wins: the fetched one is dropped (value null).
   */
  async loadCasesFromUrl(url: string, file: string, ifNoneLoaded = false): Promise<Result<CaseFileInfo | null>> {
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      const engine = await ready();
      if (ifNoneLoaded && engine.caseFileInfo()) return { ok: true, value: null };
      return engine.loadCases(bytes, file);
    } catch (e) {
      return readFailure(file, e);
    }
  },

  /**
   * Loads a ruleset file (casemix-ruleset/1, or the CHS-DRG reference layout) whose bytes were transferred,
   * and keeps it in this browser's IndexedDB so it can be used again without importing it again.
   */
  async loadRuleset(buffer: ArrayBuffer, file: string): Promise<Result<RulesetInfo & { storedId?: number }>> {
    const text = new TextDecoder().decode(buffer);
    const result = (await ready()).loadRulesetText(text, file);
    if (!result.ok || !isRulesetStoreAvailable()) return result;
    try {
      const stored = await saveRuleset(result.value, file, text);
      return { ok: true, value: { ...result.value, storedId: stored.id } };
    } catch {
      return result; // private mode or quota: the ruleset is loaded, just not kept
    }
  },

  /** Builds a ruleset from official tables saved as CSV (drg.csv, adrg.csv, …), loads and keeps it. */
  async loadRulesetCsv(files: { name: string; buffer: ArrayBuffer }[]): Promise<Result<RulesetInfo & { storedId?: number }>> {
    const imported = importCsvTables(files.map((f) => ({ name: f.name, bytes: new Uint8Array(f.buffer) })));
    const label = files.map((f) => f.name).join(', ');
    if (!imported.ruleset) return { ok: false, errors: imported.problems.map((p) => problemError(p.where.table, p)) };
    const text = JSON.stringify(imported.ruleset);
    const result = (await ready()).loadRulesetText(text, label);
    if (!result.ok || !isRulesetStoreAvailable()) return result;
    try {
      const stored = await saveRuleset(result.value, `${result.value.name}.json`, text);
      return { ok: true, value: { ...result.value, storedId: stored.id } };
    } catch {
      return result;
    }
  },

  async storedRulesets(): Promise<StoredRuleset[]> {
    return isRulesetStoreAvailable() ? listRulesets() : [];
  },

  /** Loads a ruleset kept in IndexedDB. */
  async useStoredRuleset(id: number): Promise<Result<RulesetInfo & { storedId?: number }>> {
    const text = await rulesetText(id);
    if (text === null) return { ok: false, errors: [{ code: 'ruleset.not_stored', message: `No stored ruleset ${id}`, params: { id } }] };
    const stored = (await listRulesets()).find((r) => r.id === id);
    const result = (await ready()).loadRulesetText(text, stored?.file ?? `ruleset-${id}.json`);
    return result.ok ? { ok: true, value: { ...result.value, storedId: id } } : result;
  },

  async deleteStoredRuleset(id: number): Promise<StoredRuleset[]> {
    await deleteRuleset(id);
    return listRulesets();
  },

  async loadRulesetFromUrl(url: string, file: string, ifNoneLoaded = false): Promise<Result<RulesetInfo | null>> {
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const text = await response.text();
      const engine = await ready();
      if (ifNoneLoaded && engine.rulesetInfo()) return { ok: true, value: null };
      return engine.loadRulesetText(text, file);
    } catch (e) {
      return readFailure(file, e);
    }
  },

  async rulesetInfo(): Promise<RulesetInfo | null> {
    return (await ready()).rulesetInfo();
  },

  async groupingSummary(): Promise<Result<GroupingSummary>> {
    const result = (await ready()).groupingSummary();
    if (!result.ok) return result;
    const d = result.value.drgs;
    const p = result.value.dip.groups;
    // The summary stays in the engine for later calls: transfer copies of its arrays, not the arrays.
    const drgs = { ...d, cases: d.cases.slice(), weight: d.weight.slice(), meanLos: d.meanLos.slice(), meanCost: d.meanCost.slice(), deaths: d.deaths.slice(), totalWeight: d.totalWeight.slice() };
    const groups = { ...p, kind: p.kind.slice(), cases: p.cases.slice(), score: p.score.slice(), meanCost: p.meanCost.slice(), rulesetMeanCost: p.rulesetMeanCost.slice() };
    const value = { ...result.value, drgs, dip: { ...result.value.dip, groups } };
    const arrays = [drgs.cases, drgs.weight, drgs.meanLos, drgs.meanCost, drgs.deaths, drgs.totalWeight, groups.kind, groups.cases, groups.score, groups.meanCost, groups.rulesetMeanCost];
    return Comlink.transfer({ ok: true, value }, arrays.map((a) => a.buffer as ArrayBuffer));
  },

  async casesPage(filter: CaseFilter, offset: number, limit: number): Promise<Result<{ total: number; rows: CaseRow[] }>> {
    return (await ready()).casesPage(filter, offset, limit);
  },

  async explainCase(key: { caseId: string } | { row: number }): Promise<Result<CaseExplanation>> {
    return (await ready()).explainCase(key);
  },

  async qualityReport(): Promise<Result<QualityReport>> {
    return (await ready()).qualityReport();
  },

  async qualityRows(rule: QualityRule | null, offset: number, limit: number): Promise<Result<{ total: number; rows: QualityRow[] }>> {
    return (await ready()).qualityRows(rule, offset, limit);
  },

  async exportQualityCsv(): Promise<Result<Uint8Array>> {
    const result = (await ready()).qualityCsv();
    return result.ok ? Comlink.transfer(result, [result.value.buffer as ArrayBuffer]) : result;
  },

  async caseFileInfo(): Promise<CaseFileInfo | null> {
    return (await ready()).caseFileInfo();
  },

  async departmentSummary(): Promise<Result<UnitSummary>> {
    const result = (await ready()).departmentSummary();
    return result.ok ? Comlink.transfer(result, summaryBuffers(result.value)) : result;
  },

  /** §5 indicators by unit and period, composite scores, year-on-year; arrays are fresh, so transferred. */
  async evaluate(request: Omit<EvaluationRequest, 'benchmark'> & { useBenchmark?: boolean }): Promise<Result<EvaluationTable>> {
    const result = (await ready()).evaluate(request);
    return result.ok ? Comlink.transfer(result, buffersOf(result.value)) : result;
  },

  async loadBenchmark(buffer: ArrayBuffer, file: string) {
    return (await ready()).loadBenchmark(new Uint8Array(buffer), file);
  },

  async clearBenchmark(): Promise<void> {
    (await ready()).clearBenchmark();
  },

  /** What scenarios are read and checked against (the loaded ruleset's name, version, defaults, codes). */
  async scenarioContext(): Promise<Result<ScenarioContext>> {
    return (await ready()).scenarioContext();
  },

  /** §3/§4 payment under the base and what-if scenarios; every result array is fresh, so all are transferred. */
  async compareScenarios(base: Scenario, whatIf: Scenario): Promise<Result<PaymentComparison>> {
    const result = (await ready()).compareScenarios(base, whatIf);
    return result.ok ? Comlink.transfer(result, buffersOf(result.value)) : result;
  },

  /** The §3 special-review list (cases ≥ the multiple × standard) under a scenario, a page at a time. */
  async specialReviewCases(scenario: Scenario, offset: number, limit: number) {
    return (await ready()).specialReviewCases(scenario, offset, limit);
  },

  /** §3 weights and §4 scores recalibrated from the loaded cases (copies, transferred). */
  async recalibration(trim?: TrimOptions) {
    const result = (await ready()).recalibration(trim);
    return result.ok ? Comlink.transfer(result, buffersOf(result.value)) : result;
  },

  async exportPayment(table: PaymentTable, method: PaymentMethod, base: Scenario, whatIf: Scenario, format: ExportFormat): Promise<Result<Uint8Array>> {
    const result = (await ready()).compareScenarios(base, whatIf);
    if (!result.ok) return result;
    const m = result.value[method];
    const breakdown = table === 'hospitals' ? m.hospitals : table === 'departments' ? m.departments : table === 'mdcs' ? m.mdcs : m.groups;
    if (!breakdown) return { ok: false, errors: [{ code: 'payment.no_table', message: `No ${table} table for ${method}`, params: { table } }] };
    const bytes = exportColumns(paymentTableColumns(breakdown, method), format);
    return Comlink.transfer({ ok: true, value: bytes }, [bytes.buffer as ArrayBuffer]);
  },

  /** A result table as a CSV (UTF-8 with BOM) or Arrow file, bytes transferred to the page. */
  async exportTable(table: ResultTable, format: ExportFormat): Promise<Result<Uint8Array>> {
    const engine = await ready();
    const columns = table === 'departments' ? mapResult(engine.departmentSummary(), summaryColumns)
      : mapResult(engine.groupingSummary(), table === 'drgs' ? drgTableColumns : dipTableColumns);
    if (!columns.ok) return columns;
    const bytes = exportColumns(columns.value, format);
    return Comlink.transfer({ ok: true, value: bytes }, [bytes.buffer as ArrayBuffer]);
  },
};

export type EngineWorkerApi = typeof api;

Comlink.expose(api);
