// The Payment page's state (issue #5, domain §3, §4, §10): the scenario context, the base and what-if
// scenarios with undo/redo, the last valid comparison, and the request loop that keeps at most one
// compareScenarios call in flight. Holds parameters and aggregates only, never a per-case array.
import { app, engineRemote } from './app-state.svelte.ts';
import { replaceRouteQuery, route, routeParam } from './router.svelte.ts';
import type { EngineError } from '../shared/errors.ts';
import type { PaymentComparison, PaymentMethod } from '../engine/engine-pricing.ts';
import type { GroupingSummary } from '../engine/drg-grouping.ts';
import type { ExportFormat } from '../data/table-export.ts';
import type { PaymentTable } from '../engine/engine-api.ts';
import { STEP_ADRG } from '../rules/ruleset-compile.ts';
import {
  baseScenario, cloneScenario, parseScenario, scenarioChanges, scenarioToJson, validateScenario,
  type ReadonlyScenario, type Scenario, type ScenarioContext, type ScenarioProblem,
} from '../scenario/scenario.ts';
import type { PricingParameters } from '../scenario/pricing-parameters.ts';
import { decodeScenarioPayload, encodeScenarioPayload, scenarioToLink } from '../scenario/scenario-url.ts';
import { ScenarioHistory, type PushOptions } from '../scenario/scenario-history.ts';
import { trimOf } from '../scenario/weight-recalibration.ts';
import type { WeightRuleset } from '../scenario/weight-adjustments.ts';
import type { MessageKey } from '../i18n/zh-CN.ts';
import { download } from './download.ts';
import { errorText } from './error-text.ts';
import { formulaStore, setFormulaText } from './formula-store.svelte.ts';
import { LatestRequest } from './latest-request.ts';

/** A message above the page: a refused file or link, or a what-if reset after the ruleset changed. */
export interface PaymentNote {
  tone: 'info' | 'error';
  key: MessageKey;
  params?: Record<string, string | number>;
  /** Each problem of a refused file or link, shown as a list. */
  problems?: ScenarioProblem[];
}

/** Which comparison a request is for; the results of an older generation (other cases or ruleset) are dropped. */
interface Job {
  base: ReadonlyScenario;
  whatIf: ReadonlyScenario;
  generation: number;
}

class PaymentState {
  ctx = $state.raw<ScenarioContext | null>(null);
  base = $state.raw<Scenario | null>(null);
  /** The what-if being edited: a frozen history snapshot, replaced whole on every edit. */
  whatIf = $state.raw<ReadonlyScenario | null>(null);
  /** The last valid comparison, and the what-if it was computed for (stays while the what-if is invalid). */
  comparison = $state.raw<PaymentComparison | null>(null);
  shownWhatIf = $state.raw<ReadonlyScenario | null>(null);
  /** The comparison for breakdowns and charts: follows `comparison` at most every DETAIL_INTERVAL_MS, in a task of
   * its own, so a stream of results during a drag updates the headline at once and the heavier views less often. */
  detail = $state.raw<PaymentComparison | null>(null);
  detailWhatIf = $state.raw<ReadonlyScenario | null>(null);
  method = $state<PaymentMethod>('drg');
  /** Local problems of the what-if (validateScenario on every change); while any, nothing is sent. */
  problems = $derived(this.ctx && this.whatIf ? validateScenario(this.whatIf, this.ctx) : []);
  /** Errors the engine returned for the last request (shown at their field when they name one). */
  engineErrors = $state.raw<EngineError[]>([]);
  notes = $state.raw<PaymentNote[]>([]);
  busy = $state(false);
  /** Page-side time of the last compareScenarios round trip (worker pricing + transfer), ms. */
  roundTripMs = $state(0);
  /** A slider is being dragged: the headline follows every result, breakdowns and charts wait for the release. */
  dragging = $state(false);
  canUndo = $state(false);
  canRedo = $state(false);
  shareLink = $state('');
  /** Per DRG id: weights recalibrated from the loaded cases (§3), derived once per generation on request. */
  recalibrated = $state.raw<Float64Array | null>(null);
  /** The app.generation the context was read for (-1: none yet). */
  generation = -1;
}

export const payment = new PaymentState();

let history: ScenarioHistory<ReadonlyScenario> | null = null;
/** The `s` value this page last wrote to (or read from) the address bar. */
let lastPayload: string | null = null;
let linkTimer: ReturnType<typeof setTimeout> | undefined;
let gestureCounter = 0;
/** The generation a recalibration is running for (-1: none). */
let recalibratingFor = -1;
let detailTimer: ReturnType<typeof setTimeout> | undefined;
let detailAt = 0;
/** The shortest time between two updates of the breakdowns and charts. */
const DETAIL_INTERVAL_MS = 250;

// ----- context and generations --------------------------------------------------------------------------------

/**
 * Reads the scenario context for the current cases and ruleset (after every app.generation change). The first
 * time, a shared link in the address bar is read; later, the what-if is kept if it still validates against the
 * new ruleset (same name and version), else reset to the base with a note.
 */
export async function syncContext(): Promise<void> {
  const gen = app.generation;
  if (payment.generation === gen || !app.rulesetInfo) return;
  payment.generation = gen;
  const r = await engineRemote().call((remote) => remote.scenarioContext());
  if (gen !== app.generation) return; // a newer generation reads its own context
  if (!r.ok) {
    payment.engineErrors = r.errors;
    return;
  }
  const ctx = r.value;
  const first = payment.ctx === null;
  const previous = payment.whatIf;
  const previousBase = payment.base;
  payment.ctx = ctx;
  payment.base = baseScenario(ctx);
  payment.recalibrated = null;
  payment.comparison = null;
  payment.detail = null;
  payment.detailWhatIf = null;
  payment.shownWhatIf = null;
  payment.engineErrors = [];
  if (first) {
    const link = routeParam('s');
    lastPayload = link;
    start(baseScenario(ctx));
    if (link) await applyLink(link, ctx);
  } else if (previous) {
    const same = previous.ruleset.name === ctx.ruleset.name && previous.ruleset.version === ctx.ruleset.version;
    if (same && validateScenario(previous, ctx).length === 0) {
      setWhatIf(previous, false); // undo and redo stay: the same ruleset's codes and defaults
    } else {
      start(baseScenario(ctx));
      if (previousBase && !isBase(previous, previousBase)) {
        payment.notes = [{ tone: 'info', key: 'payment.note.reset', params: { ruleset: ctx.ruleset.name, version: ctx.ruleset.version } }];
      }
      scheduleLinkUpdate();
    }
  }
  requestCompare();
}

function start(s: ReadonlyScenario): void {
  history = new ScenarioHistory<ReadonlyScenario>(s);
  setWhatIf(history.current as ReadonlyScenario, false);
}

/** Reads a link's `s` value: a good one becomes the what-if (an undoable step); a bad one leaves the what-if. */
async function applyLink(payload: string, ctx: ScenarioContext): Promise<void> {
  const read = await decodeScenarioPayload(payload, ctx);
  if (payment.ctx !== ctx) return;
  if (!read.ok) {
    payment.notes = [{ tone: 'error', key: 'payment.note.linkRefused', problems: read.problems }];
    return;
  }
  payment.notes = [];
  adoptFormulas(read.scenario);
  history?.push(read.scenario);
  history?.seal();
  if (history) setWhatIf(history.current as ReadonlyScenario, false);
}

/** The address bar changed under the page (a pasted link): read it; no link at all re-writes the current one. */
export function followRoute(): void {
  if (route.page !== 'payment' || !payment.ctx) return;
  const s = routeParam('s');
  if (s === lastPayload) return;
  if (s) {
    lastPayload = s;
    void applyLink(s, payment.ctx).then(() => requestCompare());
  } else {
    scheduleLinkUpdate(0);
  }
}

// ----- editing ------------------------------------------------------------------------------------------------

function setWhatIf(s: ReadonlyScenario, writeLink = true): void {
  payment.whatIf = s;
  payment.canUndo = history?.canUndo ?? false;
  payment.canRedo = history?.canRedo ?? false;
  if (writeLink) scheduleLinkUpdate();
}

/** One edit of the what-if: a copy is changed and pushed (same gesture or same field soon after: one step). */
export function edit(change: (s: Scenario) => void, options: PushOptions = {}): void {
  if (!history || !payment.whatIf) return;
  const next = cloneScenario(payment.whatIf);
  change(next);
  if (!history.push(next, options)) return;
  setWhatIf(history.current as ReadonlyScenario);
  requestCompare();
}

/** A slider drag begins: its edits are one undo step (the id returned), and the heavier views pause. */
export function startDrag(): string {
  payment.dragging = true;
  return `drag-${++gestureCounter}`;
}

/** The drag ended: the next edit is a new step, and breakdowns and charts catch up. */
export function endDrag(): void {
  history?.seal();
  payment.dragging = false;
  scheduleDetail();
}

/** Ends the current drag or typing run: the next edit is a step of its own. */
export function sealHistory(): void {
  history?.seal();
}

export function undo(): void {
  const s = history?.undo();
  if (s) { setWhatIf(s as ReadonlyScenario); requestCompare(); }
}

export function redo(): void {
  const s = history?.redo();
  if (s) { setWhatIf(s as ReadonlyScenario); requestCompare(); }
}

export function resetToBase(): void {
  if (!payment.ctx || !history) return;
  history.seal();
  if (history.push(baseScenario(payment.ctx, payment.whatIf?.name ?? ''))) {
    history.seal();
    setWhatIf(history.current as ReadonlyScenario);
    requestCompare();
  }
}

export function dismissNotes(): void {
  payment.notes = [];
}

// ----- the request loop: one call in flight, only the latest waiting -------------------------------------------

const comparisons = new LatestRequest<Job>(compare, { onBusy: (busy) => (payment.busy = busy) });

/** Asks for a comparison of the current scenarios; nothing is sent while the what-if has problems. */
export function requestCompare(): void {
  const { base, whatIf } = payment;
  if (!base || !whatIf || !app.caseInfo || !app.rulesetInfo || payment.problems.length > 0) return;
  void comparisons.request({ base, whatIf, generation: app.generation });
}

async function compare(job: Job): Promise<void> {
  const t0 = performance.now();
  const r = await engineRemote().call((remote) => remote.compareScenarios(job.base as Scenario, job.whatIf as Scenario));
  const ms = performance.now() - t0;
  if (job.generation !== app.generation) return;
  if (r.ok) {
    payment.comparison = r.value;
    payment.shownWhatIf = job.whatIf;
    payment.roundTripMs = ms;
    payment.engineErrors = [];
    scheduleDetail();
  } else {
    payment.engineErrors = r.errors;
  }
}

function scheduleDetail(): void {
  // While dragging, only the headline moves (no main-thread task long enough to stutter the drag).
  if (payment.dragging || detailTimer !== undefined || payment.detail === payment.comparison) return;
  const wait = Math.max(0, detailAt + DETAIL_INTERVAL_MS - performance.now());
  detailTimer = setTimeout(() => {
    detailTimer = undefined;
    if (payment.dragging) return;
    detailAt = performance.now();
    payment.detail = payment.comparison;
    payment.detailWhatIf = payment.shownWhatIf;
  }, wait);
}

// ----- the link in the address bar, the share link, files ---------------------------------------------------------

function isBase(s: ReadonlyScenario, base: ReadonlyScenario): boolean {
  return Object.keys(scenarioChanges(s, base)).length <= 2; // format and ruleset are always there
}

/** Keeps `#/payment?s=…` in step with the what-if (after a pause, so a drag does not flood the history API). */
function scheduleLinkUpdate(delayMs = 300): void {
  clearTimeout(linkTimer);
  linkTimer = setTimeout(() => void writeLink(), delayMs);
}

/** The what-if as saved and shared: with the evaluation formulas (§10: a scenario holds the formula texts). */
function sharedScenario(whatIf: ReadonlyScenario): ReadonlyScenario {
  return { ...whatIf, formulas: formulaStore.text };
}

/** A scenario read from a file or link brings its formulas to the Evaluation page. */
function adoptFormulas(s: ReadonlyScenario): void {
  if (s.formulas && s.formulas !== formulaStore.text) setFormulaText(s.formulas);
}

async function writeLink(): Promise<void> {
  const { ctx, base, whatIf } = payment;
  if (!ctx || !base || !whatIf || payment.problems.length > 0) return;
  const shared = sharedScenario(whatIf);
  const payload = isBase(shared, base) ? '' : await encodeScenarioPayload(shared, ctx);
  if (route.page !== 'payment' || payment.whatIf !== whatIf) return;
  lastPayload = payload || null;
  if ((routeParam('s') ?? '') !== payload) replaceRouteQuery(payload ? `s=${payload}` : '');
}

/** The whole share link (this page's address up to `#`, then the scenario); copied when the browser allows. */
export async function copyShareLink(): Promise<void> {
  const { ctx, whatIf } = payment;
  if (!ctx || !whatIf || payment.problems.length > 0) return;
  const link = `${location.href.split('#')[0]}${await scenarioToLink(sharedScenario(whatIf), ctx)}`;
  payment.shareLink = link;
  await writeLink();
  try {
    await navigator.clipboard.writeText(link);
    payment.notes = [{ tone: 'info', key: 'payment.note.copied' }];
  } catch {
    payment.notes = [{ tone: 'info', key: 'payment.note.copyManually' }];
  }
}


export function saveScenarioFile(): void {
  const s = payment.whatIf;
  if (!s) return;
  const name = (s.name.trim() || 'scenario').replace(/[\\/:*?"<>|\s]+/g, '_');
  download(new TextEncoder().encode(scenarioToJson(sharedScenario(s))), `${name}.json`, 'application/json');
}

/** Reads a scenario file: every problem is listed and the what-if stays; a good one becomes an undoable step. */
export async function loadScenarioFile(file: File): Promise<void> {
  const { ctx } = payment;
  if (!ctx || !history) return;
  const read = parseScenario(await file.text(), file.name, ctx);
  if (!read.ok) {
    payment.notes = [{ tone: 'error', key: 'payment.note.fileRefused', params: { file: file.name }, problems: read.problems }];
    return;
  }
  payment.notes = [{ tone: 'info', key: 'payment.note.fileLoaded', params: { file: file.name } }];
  adoptFormulas(read.scenario);
  history.seal();
  history.push(read.scenario);
  history.seal();
  setWhatIf(history.current as ReadonlyScenario);
  requestCompare();
}

/** A breakdown of the comparison on screen as CSV or Arrow, built in the worker. */
export async function exportBreakdown(table: PaymentTable, format: ExportFormat): Promise<void> {
  const { base } = payment;
  const whatIf = payment.shownWhatIf;
  if (!base || !whatIf) return;
  const r = await engineRemote().call((remote) => remote.exportPayment(table, payment.method, base, whatIf as Scenario, format));
  if (!r.ok) { payment.engineErrors = r.errors; return; }
  const type = format === 'csv' ? 'text/csv;charset=utf-8' : 'application/vnd.apache.arrow.file';
  download(r.value, `payment-${payment.method}-${table}.${format}`, type);
}

// ----- weights ------------------------------------------------------------------------------------------------------

/**
 * The weight rules' view of the ruleset, from the grouping summary (DRG → ADRG) and the context's ADRG → MDC map
 * (the engine's, from the MDC steps), so a bulk rule reaches here exactly the DRGs it reaches in the engine.
 */
export function weightRulesetOf(g: GroupingSummary, ctx: ScenarioContext): WeightRuleset {
  const adrgId = new Map(ctx.adrgCodes.map((c, i) => [c, i]));
  const byMdc: number[][] = ctx.mdcCodes.map(() => []);
  ctx.adrgMdc?.forEach((m, i) => { if (m >= 0) byMdc[m]!.push(i); });
  const start: number[] = [], end: number[] = [], target: number[] = [];
  for (const list of byMdc) {
    start.push(target.length);
    target.push(...list);
    end.push(target.length);
  }
  return {
    strings: { drgCodes: g.drgs.codes, mdcCodes: ctx.mdcCodes as string[], adrgCodes: ctx.adrgCodes as string[] },
    tables: {
      drgWeight: g.drgs.weight,
      drgAdrg: Int32Array.from(g.drgs.adrgs, (a) => adrgId.get(a) ?? -1),
      mdcStepStart: Int32Array.from(start), mdcStepEnd: Int32Array.from(end),
      stepKind: new Uint8Array(target.length).fill(STEP_ADRG), stepTarget: Int32Array.from(target),
    },
  };
}

/** §3 weights recalibrated from the loaded cases under the what-if's trimming, for the weight table (per DRG id). */
export async function loadRecalibratedWeights(g: GroupingSummary): Promise<void> {
  const { whatIf } = payment;
  const gen = app.generation;
  if (!whatIf || payment.recalibrated || recalibratingFor === gen) return;
  recalibratingFor = gen;
  try {
    const r = await engineRemote().call((remote) => remote.recalibration(trimOf(whatIf.parameters)));
    if (!r.ok || gen !== app.generation) return;
    // The engine's ids are the ruleset's DRG order; the grouping summary lists DRGs by code.
    const ids = new Map((payment.ctx?.drgCodes ?? []).map((c, i) => [c, i]));
    payment.recalibrated = Float64Array.from(g.drgs.codes, (code) => {
      const id = ids.get(code);
      return id === undefined ? NaN : r.value.drg.value[id]!;
    });
  } finally {
    if (recalibratingFor === gen) recalibratingFor = -1;
  }
}

// ----- parameter paths and problems ---------------------------------------------------------------------------------

/** A parameter by path (`drgBaseRateYuan.3`, `fundRatio.职工`, `budgetYuan`). */
export function parameterAt(p: Readonly<PricingParameters>, path: string): unknown {
  const dot = path.indexOf('.');
  const v = (p as unknown as Record<string, unknown>)[dot < 0 ? path : path.slice(0, dot)];
  return dot < 0 ? v : (v as Record<string, unknown> | undefined)?.[path.slice(dot + 1)];
}

export function setParameterAt(p: PricingParameters, path: string, value: unknown): void {
  const dot = path.indexOf('.');
  const target = p as unknown as Record<string, unknown>;
  if (dot < 0) target[path] = value;
  else (target[path.slice(0, dot)] as Record<string, unknown>)[path.slice(dot + 1)] = value;
}

/** Problems by what-if field (`parameters.drgBaseRateYuan.3`): local ones, then the engine's for `whatIf.…`. */
export function fieldProblems(): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of payment.problems) if (!out.has(p.where.field)) out.set(p.where.field, errorText(p));
  for (const e of payment.engineErrors) {
    const f = e.where?.field;
    if (f?.startsWith('whatIf.') && !out.has(f.slice(7))) out.set(f.slice(7), errorText(e));
  }
  return out;
}
