// What the page holds: the loaded file's description, small aggregates, errors and the running step.
// Never per-case data: that stays in the engine worker.
import type { CaseFileInfo, QualityReport, RulesetInfo } from '../engine/engine.ts';
import { EngineClient } from './engine-client.ts';
import type { EngineError, Result } from '../shared/errors.ts';
import type { UnitSummary } from '../engine/unit-summary.ts';
import type { ExportFormat } from '../data/table-export.ts';
import type { ResultTable } from '../engine/engine-api.ts';
import type { GroupingSummary } from '../engine/drg-grouping.ts';
import type { StoredRuleset } from '../../workers/ruleset-store.ts';
import type { WeightReport } from '../rules/weight-table.ts';
import type { MessageKey } from '../i18n/zh-CN.ts';
import { readSetting, writeSetting } from '../shared/stored-setting.ts';
import { download } from './download.ts';
import { PagedList, type FetchPage } from './paged-list.ts';
import { reactiveCell } from './reactive-cell.svelte.ts';

/** A step shows its progress indicator only when it runs longer than this. */
export const PROGRESS_DELAY_MS = 200;
export const DEMO_URL = `${import.meta.env.BASE_URL}demo/cases.arrow`;
export const DEMO_RULESET_URL = `${import.meta.env.BASE_URL}demo/ruleset.json`;

export interface Step {
  key: MessageKey;
  params: Record<string, string | number>;
  startedAt: number;
  /** Fraction done, when the step can tell. */
  fraction?: number;
}

export const app = $state({
  caseInfo: null as CaseFileInfo | null,
  rulesetInfo: null as RulesetInfo | null,
  rulesetIsDemo: false,
  /** IndexedDB id of the ruleset in use, when it is one the user imported. */
  rulesetStoredId: null as number | null,
  library: [] as StoredRuleset[],
  /** What the weight table dropped with the ruleset in use did (null when none was). */
  weightReport: null as WeightReport | null,
  /** Counts changes of the loaded cases or ruleset: views of rows and traces are stale after one. */
  generation: 0,
  isDemo: false,
  errors: [] as EngineError[],
  step: null as Step | null,
  showProgress: false,
});

/** Aggregates are replaced whole, never mutated: raw state avoids proxying their typed arrays. */
class Results {
  departments = $state.raw<UnitSummary | null>(null);
  grouping = $state.raw<GroupingSummary | null>(null);
  quality = $state.raw<QualityReport | null>(null);
}
export const results = new Results();

let client: EngineClient | null = null;
const engine = () => (client ??= new EngineClient());

async function runStep<T>(key: MessageKey, params: Step['params'], fn: () => Promise<Result<T>>): Promise<T | null> {
  app.step = { key, params, startedAt: performance.now() };
  const timer = setTimeout(() => (app.showProgress = true), PROGRESS_DELAY_MS);
  try {
    const result = await fn();
    if (!result.ok) {
      app.errors = result.errors;
      return null;
    }
    return result.value;
  } finally {
    clearTimeout(timer);
    app.step = null;
    app.showProgress = false;
  }
}

async function refreshAggregates(): Promise<void> {
  const summary = await runStep('progress.summary', {}, () => engine().call((r) => r.departmentSummary()));
  if (summary) results.departments = summary;
  await refreshGrouping();
}

async function refreshGrouping(): Promise<void> {
  if (app.caseInfo && app.rulesetInfo) {
    const grouping = await runStep('progress.grouping', {}, () => engine().call((r) => r.groupingSummary()));
    if (grouping) results.grouping = grouping;
  }
  // Codes are checked against the ruleset's dictionaries, so the report follows the ruleset too.
  if (app.caseInfo) {
    const quality = await runStep('progress.quality', {}, () => engine().call((r) => r.qualityReport()));
    if (quality) results.quality = quality;
  }
}

export async function exportQualityFindings(): Promise<void> {
  const bytes = await runStep('progress.export', {}, () => engine().call((r) => r.exportQualityCsv()));
  if (bytes) download(bytes, 'quality-findings.csv', 'text/csv;charset=utf-8');
}

const LAST_RULESET_KEY = 'casemix.ruleset';

async function afterRuleset(info: (RulesetInfo & { storedId?: number; weights?: WeightReport }) | null, isDemo: boolean): Promise<void> {
  if (!info) return;
  app.errors = [];
  app.weightReport = info.weights ?? null;
  app.rulesetInfo = info;
  app.rulesetIsDemo = isDemo;
  app.rulesetStoredId = info.storedId ?? null;
  app.generation++;
  writeSetting(LAST_RULESET_KEY, isDemo ? 'demo' : String(info.storedId ?? 'demo'));
  await refreshLibrary();
  await refreshGrouping();
}

export async function refreshLibrary(): Promise<void> {
  try {
    app.library = await engine().remote.storedRulesets();
  } catch {
    app.library = [];
  }
}

/** A ruleset JSON file, the CSV tables of one ruleset (several files at once), or a rules JSON with its weight table. */
export async function loadRulesetFiles(files: File[]): Promise<void> {
  const csv = files.filter((f) => /\.(csv|tsv|txt)$/i.test(f.name));
  const json = files.filter((f) => /\.json$/i.test(f.name));
  const label = files.map((f) => f.name).join(', ');
  const withWeights = files.length === 2 && json.length === 1 && csv.length === 1;
  const info = await runStep('progress.loadRuleset', { file: label }, () =>
    withWeights ? engine().loadRulesetWithWeights(json[0]!, csv[0]!)
    : csv.length === files.length ? engine().loadRulesetCsvFiles(files) : engine().loadRulesetFile(files[0]));
  await afterRuleset(info, false);
}

export async function useStoredRuleset(id: number): Promise<void> {
  const info = await runStep('progress.loadRuleset', { file: String(app.library.find((r) => r.id === id)?.name ?? id) }, () =>
    engine().call((r) => r.useStoredRuleset(id)));
  await afterRuleset(info, false);
}

export async function useDemoRuleset(): Promise<void> {
  const info = await runStep('progress.loadDemo', {}, () =>
    engine().call((r) => r.loadRulesetFromUrl(new URL(DEMO_RULESET_URL, location.href).href, 'demo/ruleset.json')));
  await afterRuleset(info, true);
}

export async function deleteStoredRuleset(id: number): Promise<void> {
  app.library = await engine().remote.deleteStoredRuleset(id);
  if (app.rulesetStoredId === id) app.rulesetStoredId = null; // still loaded, no longer kept
}

/** The ruleset last used in this browser, if it is one the user imported and it is still kept. */
function lastStoredRulesetId(): number | null {
  const v = readSetting(LAST_RULESET_KEY);
  return v && v !== 'demo' && Number.isInteger(Number(v)) ? Number(v) : null;
}

/** The page's handle for paging cases and explaining one: results are small and come back as values. */
export function engineRemote() {
  return engine();
}

/** A list the worker pages, `limit` rows at a time; its page hides itself once other cases or another ruleset load. */
export function workerPages<K, R>(fetchPage: FetchPage<K, R>, limit: number): PagedList<K, R> {
  return new PagedList(fetchPage, limit, () => app.generation, reactiveCell);
}

async function afterLoad(info: CaseFileInfo | null, isDemo: boolean): Promise<void> {
  if (!info) return;
  app.errors = [];
  app.caseInfo = info;
  app.isDemo = isDemo;
  app.generation++;
  await refreshAggregates();
}

export async function loadCaseFile(file: File): Promise<void> {
  const info = await runStep('progress.loadFile', { file: file.name }, () =>
    engine().loadFile(file, (fraction) => { if (app.step) app.step.fraction = fraction; }));
  await afterLoad(info, false);
}

/** First visit: the demo ruleset and cases, unless the user has loaded their own meanwhile. */
export async function loadDemo(): Promise<void> {
  await refreshLibrary();
  const lastId = lastStoredRulesetId();
  if (lastId !== null && app.library.some((r) => r.id === lastId)) {
    const stored = await runStep('progress.loadDemo', {}, () => engine().call((r) => r.useStoredRuleset(lastId)));
    if (stored && !app.rulesetInfo) {
      app.rulesetInfo = stored;
      app.rulesetStoredId = lastId;
      app.generation++;
    }
  }
  const ruleset = app.rulesetInfo ? null : await runStep('progress.loadDemo', {}, () =>
    engine().call((r) => r.loadRulesetFromUrl(new URL(DEMO_RULESET_URL, location.href).href, 'demo/ruleset.json', true)));
  if (ruleset) {
    app.rulesetInfo = ruleset;
    app.rulesetIsDemo = true;
  }
  if (ruleset) app.generation++;
  const info = await runStep('progress.loadDemo', {}, () =>
    engine().call((r) => r.loadCasesFromUrl(new URL(DEMO_URL, location.href).href, 'demo/cases.arrow', true)));
  if (info) await afterLoad(info, true);
  else if (ruleset) await refreshGrouping(); // the user's cases, now grouped under the demo ruleset
}


export async function exportTable(table: ResultTable, format: ExportFormat): Promise<void> {
  const bytes = await runStep('progress.export', {}, () => engine().call((r) => r.exportTable(table, format)));
  if (bytes) download(bytes, `${table}.${format}`, format === 'csv' ? 'text/csv;charset=utf-8' : 'application/vnd.apache.arrow.file');
}

export function dismissErrors(): void {
  app.errors = [];
}
