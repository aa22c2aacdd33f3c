// What the page holds: the loaded file's description, small aggregates, errors and the running step.
// Never per-case data: that stays in the engine worker.
import type { CaseFileInfo, RulesetInfo } from '../engine/engine.ts';
import { EngineClient } from '../engine/engine-client.ts';
import type { EngineError, Result } from '../engine/engine-errors.ts';
import type { UnitSummary } from '../engine/unit-summary.ts';
import type { ExportFormat } from '../data/table-export.ts';
import type { GroupingSummary } from '../engine/drg-grouping.ts';
import type { MessageKey } from '../i18n/zh-CN.ts';

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
  isDemo: false,
  errors: [] as EngineError[],
  step: null as Step | null,
  showProgress: false,
});

/** Aggregates are replaced whole, never mutated: raw state avoids proxying their typed arrays. */
class Results {
  departments = $state.raw<UnitSummary | null>(null);
  grouping = $state.raw<GroupingSummary | null>(null);
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
  if (!app.caseInfo || !app.rulesetInfo) return;
  const grouping = await runStep('progress.grouping', {}, () => engine().call((r) => r.groupingSummary()));
  if (grouping) results.grouping = grouping;
}

async function afterRuleset(info: RulesetInfo | null, isDemo: boolean): Promise<void> {
  if (!info) return;
  app.errors = [];
  app.rulesetInfo = info;
  app.rulesetIsDemo = isDemo;
  await refreshGrouping();
}

export async function loadRulesetFile(file: File): Promise<void> {
  const info = await runStep('progress.loadRuleset', { file: file.name }, () => engine().loadRulesetFile(file));
  await afterRuleset(info, false);
}

/** The page's handle for paging cases and explaining one: results are small and come back as values. */
export function engineRemote() {
  return engine();
}

async function afterLoad(info: CaseFileInfo | null, isDemo: boolean): Promise<void> {
  if (!info) return;
  app.errors = [];
  app.caseInfo = info;
  app.isDemo = isDemo;
  await refreshAggregates();
}

export async function loadCaseFile(file: File): Promise<void> {
  const info = await runStep('progress.loadFile', { file: file.name }, () =>
    engine().loadFile(file, (fraction) => { if (app.step) app.step.fraction = fraction; }));
  await afterLoad(info, false);
}

/** First visit: the demo ruleset and cases, unless the user has loaded their own meanwhile. */
export async function loadDemo(): Promise<void> {
  const ruleset = await runStep('progress.loadDemo', {}, () =>
    engine().call((r) => r.loadRulesetFromUrl(new URL(DEMO_RULESET_URL, location.href).href, 'demo/ruleset.json', true)));
  if (ruleset) {
    app.rulesetInfo = ruleset;
    app.rulesetIsDemo = true;
  }
  const info = await runStep('progress.loadDemo', {}, () =>
    engine().call((r) => r.loadCasesFromUrl(new URL(DEMO_URL, location.href).href, 'demo/cases.arrow', true)));
  if (info) await afterLoad(info, true);
  else await refreshGrouping();
}

/** Saves bytes as a file through a blob: URL (same origin; nothing is sent anywhere). */
function download(bytes: Uint8Array, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function exportDepartments(format: ExportFormat): Promise<void> {
  const bytes = await runStep('progress.export', {}, () => engine().call((r) => r.exportDepartmentSummary(format)));
  if (bytes) download(bytes, `departments.${format}`, format === 'csv' ? 'text/csv;charset=utf-8' : 'application/vnd.apache.arrow.file');
}

export function dismissErrors(): void {
  app.errors = [];
}
