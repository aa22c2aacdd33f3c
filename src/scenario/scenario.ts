// The scenario document (domain §10, issues #5 and #6): ruleset version + pricing parameters + bulk weight rules
// + formula text; the base scenario of a ruleset, a stable JSON file form, and a reader that names every problem.
// Nothing here prices, groups or evaluates; it never throws on bad input — problems are values.
//
// Storage: a scenario in memory and in a file holds the FULL parameter set (a reader sees every value that
// priced, and a file keeps its meaning even if the defaults it was made against were edited). A link holds
// only the changes from the base (scenarioChanges, scenario-url.ts). The reader accepts both: a parameter
// left out takes the ruleset's default; a per-level value given replaces that level only; a record
// (fundRatio, drgWeightOverrides) given replaces the default record whole.
import type { RulesetMeta } from '../rules/ruleset-format.ts';
import { SEED_COMPOSITE } from './composite-presets.ts';
import {
  DEFAULT_PRICING_PARAMETERS, clonePricingParameters, pricingParametersFromRuleset, validatePricingParameters,
  type ParameterProblem, type PricingParameters,
} from './pricing-parameters.ts';

export const SCENARIO_FORMAT = 'casemix-scenario/1';

/** A bulk weight rule: every DRG of the MDC (`MDCF`) or ADRG (`FM1`) × (1 + percent ÷ 100). */
export interface WeightAdjustment {
  scope: 'mdc' | 'adrg';
  code: string;
  percent: number;
}

export interface Scenario {
  format: typeof SCENARIO_FORMAT;
  /** '' = unnamed (the UI shows its own label, e.g. "Base"). */
  name: string;
  /** The ruleset the scenario was made for; another name or version is refused when read. */
  ruleset: { name: string; version: string };
  /** The full set; single-DRG weight overrides are `parameters.drgWeightOverrides` and win over the rules. */
  parameters: PricingParameters;
  /** Applied in order, compounding, before the single-DRG overrides (weight-adjustments.ts). */
  weightAdjustments: WeightAdjustment[];
  /** Start from the weights recalibrated from the loaded cases instead of the ruleset's (§3). */
  useRecalibratedWeights: boolean;
  /** The evaluation formula text (§5, §10; composite-presets.ts), edited freely. */
  formulas: string;
}

/** A scenario only read (history snapshots are frozen); every function here accepts one. */
export type ReadonlyScenario = Readonly<Omit<Scenario, 'weightAdjustments'>> & { readonly weightAdjustments: readonly Readonly<WeightAdjustment>[] };

/** What a scenario is read and checked against: the loaded ruleset, its defaults and its codes. */
export interface ScenarioContext {
  ruleset: { name: string; version: string };
  /** The ruleset's default parameters (pricingParametersFromRuleset): the base scenario's. */
  defaults: Readonly<PricingParameters>;
  /** The base scenario's formula text. */
  formulas: string;
  drgCodes: readonly string[];
  mdcCodes: readonly string[];
  adrgCodes: readonly string[];
  /** Per ADRG id: its MDC id (−1 none), as weight-adjustments.ts derives it from the MDC steps; for views. */
  adrgMdc?: Int32Array;
}

/** The context of a ruleset: `ruleset` is the document (or its meta and parameters), `codes` the compiled strings. */
export function scenarioContext(
  ruleset: { meta: Pick<RulesetMeta, 'name' | 'version' | 'dip_score_factor'>; parameters?: Record<string, number | string | boolean> },
  codes: { drgCodes: readonly string[]; mdcCodes: readonly string[]; adrgCodes: readonly string[] },
  formulas: string = SEED_COMPOSITE.text,
): ScenarioContext {
  return {
    ruleset: { name: ruleset.meta.name, version: ruleset.meta.version },
    defaults: pricingParametersFromRuleset(ruleset.parameters, ruleset.meta),
    formulas,
    drgCodes: codes.drgCodes, mdcCodes: codes.mdcCodes, adrgCodes: codes.adrgCodes,
  };
}

/** The base scenario (issue #5 "Base"): the ruleset's defaults, no weight edits, the default formulas. */
export function baseScenario(ctx: ScenarioContext, name = ''): Scenario {
  return {
    format: SCENARIO_FORMAT,
    name,
    ruleset: { ...ctx.ruleset },
    parameters: clonePricingParameters(ctx.defaults),
    weightAdjustments: [],
    useRecalibratedWeights: false,
    formulas: ctx.formulas,
  };
}

export function cloneScenario(s: ReadonlyScenario): Scenario {
  return {
    ...s,
    ruleset: { ...s.ruleset },
    parameters: clonePricingParameters(s.parameters),
    weightAdjustments: s.weightAdjustments.map((a) => ({ ...a })),
  };
}

// ----- problems -------------------------------------------------------------------------------------------

/** Every problem code a scenario file or link can give; stable keys the UI translates (`error.<code>`). */
export const SCENARIO_PROBLEM_CODES = [
  'scenario.bad_json',
  'scenario.not_object',
  'scenario.bad_format',
  'scenario.missing_key',
  'scenario.ruleset_mismatch',
  'scenario.unknown_key',
  'scenario.wrong_type',
  'scenario.adjustment_scope',
  'scenario.percent_range',
  'scenario.unknown_mdc',
  'scenario.unknown_adrg',
  'scenario.link_missing',
  'scenario.link_damaged',
  // from validatePricingParameters (pricing-parameters.ts); also used for a non-numeric percent
  'param.not_number',
  'param.negative',
  'param.not_positive',
  'param.share_range',
  'param.order',
  'param.budget_zero',
  'param.unknown_drg',
  'param.mode',
] as const;
export type ScenarioProblemCode = (typeof SCENARIO_PROBLEM_CODES)[number];

export interface ScenarioProblem {
  code: ScenarioProblemCode;
  /** English text (CLI, logs, fallback). */
  message: string;
  params: Record<string, string | number>;
  /** `field` is a path in the Scenario: `parameters.drgBaseRateYuan.2`, `weightAdjustments[0].code`; '' = the whole. */
  where: { file?: string; field: string; line?: number; column?: number };
}

export type ScenarioReadResult = { ok: true; scenario: Scenario } | { ok: false; problems: ScenarioProblem[] };

/** Collects problems; messages start with the file (or nothing) and the field. */
class Problems {
  readonly list: ScenarioProblem[] = [];
  constructor(readonly file: string | undefined) {}
  add(code: ScenarioProblemCode, field: string, text: string, params: Record<string, string | number> = {}, at?: { line: number; column: number }): void {
    const prefix = [this.file, field].filter(Boolean).join(': ');
    this.list.push({
      code,
      message: prefix ? `${prefix}: ${text}` : text,
      params: { ...(this.file !== undefined ? { file: this.file } : {}), field, ...params },
      where: { ...(this.file !== undefined ? { file: this.file } : {}), field, ...at },
    });
  }
}

/** A short description of a JSON value for messages. */
function shown(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function normaliseCode(code: string): string {
  return code.trim().toUpperCase();
}

// ----- validation of a scenario in memory (the editor calls this on every change) ---------------------------

/**
 * Every problem of a scenario against the loaded ruleset: all validatePricingParameters problems (fields
 * prefixed `parameters.`), bulk rules with an unknown scope, MDC or ADRG, or a percent that is not a number
 * > −100 (the weight would not stay positive). The ruleset name/version is checked by the reader, not here.
 */
export function validateScenario(s: ReadonlyScenario, ctx: ScenarioContext, file?: string): ScenarioProblem[] {
  const out = new Problems(file);
  for (const p of validatePricingParameters(s.parameters, ctx.drgCodes)) addParameterProblem(out, p, s.parameters);
  const mdcs = new Set(ctx.mdcCodes.map(normaliseCode));
  const adrgs = new Set(ctx.adrgCodes.map(normaliseCode));
  s.weightAdjustments.forEach((a, i) => {
    const at = `weightAdjustments[${i}]`;
    if (a.scope === 'mdc' || a.scope === 'adrg') {
      const known = a.scope === 'mdc' ? mdcs : adrgs;
      if (typeof a.code === 'string' && !known.has(normaliseCode(a.code))) {
        out.add(a.scope === 'mdc' ? 'scenario.unknown_mdc' : 'scenario.unknown_adrg', `${at}.code`,
          `no ${a.scope === 'mdc' ? 'MDC' : 'ADRG'} ${a.code} in the ruleset`, { code: a.code });
      }
    } else {
      out.add('scenario.adjustment_scope', `${at}.scope`, `must be "mdc" or "adrg" (got ${shown(a.scope)})`, { value: shown(a.scope) });
    }
    const pct: unknown = a.percent;
    if (typeof pct !== 'number' || !Number.isFinite(pct)) {
      out.add('param.not_number', `${at}.percent`, `must be a number (got ${shown(pct)})`, { value: shown(pct) });
    } else if (pct <= -100) {
      out.add('scenario.percent_range', `${at}.percent`, `must be greater than −100 so weights stay positive (got ${pct})`, { value: pct });
    }
  });
  return out.list;
}

function addParameterProblem(out: Problems, p: ParameterProblem, params: Readonly<PricingParameters>): void {
  const field = `parameters.${p.where.field}`;
  const value = p.where.field.split('.').reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), params);
  const extra: Record<string, string | number> = { parameter: p.where.field };
  if (value !== undefined) extra.value = typeof value === 'number' && Number.isFinite(value) ? value : shown(value);
  const code: ScenarioProblemCode = p.code;
  const prefix = [out.file, field].filter(Boolean).join(': ');
  out.list.push({
    code,
    message: `${prefix}: ${p.message}`,
    params: { ...(out.file !== undefined ? { file: out.file } : {}), field, ...extra },
    where: { ...(out.file !== undefined ? { file: out.file } : {}), field },
  });
}

// ----- the file form --------------------------------------------------------------------------------------

const PARAMETER_KEYS = Object.keys(DEFAULT_PRICING_PARAMETERS) as (keyof PricingParameters)[];
const LEVEL_KEYS = ['1', '2', '3'] as const;
type ParameterKind = 'number' | 'string' | 'boolean' | 'level' | 'record';

function kindOf(v: unknown): ParameterKind {
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  return isObject(v) && Object.keys(v).join() === LEVEL_KEYS.join() ? 'level' : 'record';
}
const PARAMETER_KIND: ReadonlyMap<string, ParameterKind> = new Map(PARAMETER_KEYS.map((k) => [k, kindOf(DEFAULT_PRICING_PARAMETERS[k])]));

function sortedRecord<T>(r: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k]!]));
}

/** The parameters in the one fixed key order, records sorted by key. */
function orderedParameters(p: Readonly<PricingParameters>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of PARAMETER_KEYS) {
    const kind = PARAMETER_KIND.get(k);
    const v = p[k];
    out[k] = kind === 'level' ? { ...(v as object) } : kind === 'record' ? sortedRecord(v as Record<string, number>) : v;
  }
  return out;
}

/** The file form: pretty (2 spaces), one fixed key order, records sorted; the same scenario gives the same text. */
export function scenarioToJson(s: ReadonlyScenario): string {
  const doc = {
    format: SCENARIO_FORMAT,
    name: s.name,
    ruleset: { name: s.ruleset.name, version: s.ruleset.version },
    parameters: orderedParameters(s.parameters),
    weightAdjustments: s.weightAdjustments.map((a) => ({ scope: a.scope, code: a.code, percent: a.percent })),
    useRecalibratedWeights: s.useRecalibratedWeights,
    formulas: s.formulas,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameValue(a[k], b[k]));
  }
  return Object.is(a, b);
}

/**
 * The scenario as changes from `base` (same document shape, everything equal to the base left out; per-level
 * values by level, records whole). `format` and `ruleset` are always kept so a reader can refuse a foreign one.
 */
export function scenarioChanges(s: ReadonlyScenario, base: ReadonlyScenario): Record<string, unknown> {
  const doc: Record<string, unknown> = { format: SCENARIO_FORMAT, ruleset: { name: s.ruleset.name, version: s.ruleset.version } };
  if (s.name !== base.name) doc.name = s.name;
  const params: Record<string, unknown> = {};
  for (const k of PARAMETER_KEYS) {
    const v = s.parameters[k], b = base.parameters[k];
    const kind = PARAMETER_KIND.get(k);
    if (kind === 'level') {
      const levels: Record<string, number> = {};
      for (const lv of LEVEL_KEYS) {
        const x = (v as Record<string, number>)[lv]!;
        if (!Object.is(x, (b as Record<string, number>)[lv])) levels[lv] = x;
      }
      if (Object.keys(levels).length > 0) params[k] = levels;
    } else if (!sameValue(v, b)) {
      params[k] = kind === 'record' ? sortedRecord(v as Record<string, number>) : v;
    }
  }
  if (Object.keys(params).length > 0) doc.parameters = params;
  const adjustments = (list: readonly Readonly<WeightAdjustment>[]) => list.map((a) => ({ scope: a.scope, code: a.code, percent: a.percent }));
  if (JSON.stringify(adjustments(s.weightAdjustments)) !== JSON.stringify(adjustments(base.weightAdjustments))) {
    doc.weightAdjustments = adjustments(s.weightAdjustments);
  }
  if (s.useRecalibratedWeights !== base.useRecalibratedWeights) doc.useRecalibratedWeights = s.useRecalibratedWeights;
  if (s.formulas !== base.formulas) doc.formulas = s.formulas;
  return doc;
}

// ----- the reader ---------------------------------------------------------------------------------------------

const TOP_KEYS = ['format', 'name', 'ruleset', 'parameters', 'weightAdjustments', 'useRecalibratedWeights', 'formulas'];
const ADJUSTMENT_KEYS = ['scope', 'code', 'percent'];

/**
 * Reads a scenario file's (or a link's) text against the loaded ruleset. Refused whole on: text that is not
 * JSON (with line and column), no object, a wrong format tag, a missing or foreign ruleset name/version
 * (`scenario.ruleset_mismatch` names both) — each of these alone, as nothing else can be judged then.
 * Otherwise every problem at once: unknown keys, wrong types, validateScenario's problems.
 */
export function parseScenario(text: string, file: string | undefined, ctx: ScenarioContext): ScenarioReadResult {
  const out = new Problems(file);
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let json: unknown;
  try {
    json = JSON.parse(src);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    const at = lineColumn(src, jsonErrorOffset(src));
    out.add('scenario.bad_json', '', `not valid JSON (line ${at.line}, column ${at.column}): ${detail}`, { ...at, detail }, at);
    return { ok: false, problems: out.list };
  }
  if (!isObject(json)) {
    out.add('scenario.not_object', '', `a scenario is one JSON object (got ${Array.isArray(json) ? 'an array' : shown(json)})`);
    return { ok: false, problems: out.list };
  }
  if (json.format !== SCENARIO_FORMAT) {
    out.add('scenario.bad_format', 'format', `not a scenario: format is ${shown(json.format)}, expected "${SCENARIO_FORMAT}"`,
      { expected: SCENARIO_FORMAT, got: shown(json.format) });
    return { ok: false, problems: out.list };
  }
  const rs = json.ruleset;
  if (rs === undefined) out.add('scenario.missing_key', 'ruleset', 'missing: the ruleset name and version the scenario was made for');
  else if (!isObject(rs) || typeof rs.name !== 'string' || typeof rs.version !== 'string') {
    out.add('scenario.wrong_type', 'ruleset', `must be {"name": text, "version": text} (got ${shown(rs)})`, { expected: 'ruleset', got: shown(rs) });
  } else if (rs.name !== ctx.ruleset.name || rs.version !== ctx.ruleset.version) {
    out.add('scenario.ruleset_mismatch', 'ruleset',
      `made for ruleset "${rs.name}" version ${rs.version}, but "${ctx.ruleset.name}" version ${ctx.ruleset.version} is loaded`,
      { scenarioRuleset: rs.name, scenarioVersion: rs.version, loadedRuleset: ctx.ruleset.name, loadedVersion: ctx.ruleset.version });
  }
  if (out.list.length > 0) return { ok: false, problems: out.list };

  const s = baseScenario(ctx);
  for (const [k, v] of Object.entries(json)) {
    if (!TOP_KEYS.includes(k)) { out.add('scenario.unknown_key', k, 'unknown key', { key: k }); continue; }
    switch (k) {
      case 'name':
      case 'formulas':
        if (typeof v === 'string') s[k] = v;
        else out.add('scenario.wrong_type', k, `must be text (got ${shown(v)})`, { expected: 'text', got: shown(v) });
        break;
      case 'useRecalibratedWeights':
        if (typeof v === 'boolean') s.useRecalibratedWeights = v;
        else out.add('scenario.wrong_type', k, `must be true or false (got ${shown(v)})`, { expected: 'boolean', got: shown(v) });
        break;
      case 'ruleset':
        for (const rk of Object.keys(v as object)) if (rk !== 'name' && rk !== 'version') out.add('scenario.unknown_key', `ruleset.${rk}`, 'unknown key', { key: rk });
        break;
      case 'parameters':
        readParameters(v, s.parameters, out);
        break;
      case 'weightAdjustments':
        s.weightAdjustments = readAdjustments(v, out);
        break;
    }
  }
  out.list.push(...validateScenario(s, ctx, file));
  return out.list.length > 0 ? { ok: false, problems: out.list } : { ok: true, scenario: s };
}

/** Lays the file's parameters over `p` (the defaults). Numbers and modes pass through as given, so
 * validatePricingParameters names a non-numeric value at its field; containers are checked here. */
function readParameters(raw: unknown, p: PricingParameters, out: Problems): void {
  if (!isObject(raw)) { out.add('scenario.wrong_type', 'parameters', `must be an object (got ${shown(raw)})`, { expected: 'object', got: shown(raw) }); return; }
  const target = p as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(raw)) {
    const field = `parameters.${k}`;
    const kind = PARAMETER_KIND.get(k);
    if (kind === undefined) { out.add('scenario.unknown_key', field, 'unknown parameter', { key: k }); continue; }
    if (kind === 'number' || kind === 'string') { target[k] = v; continue; }
    if (kind === 'boolean') {
      if (typeof v === 'boolean') target[k] = v;
      else out.add('scenario.wrong_type', field, `must be true or false (got ${shown(v)})`, { expected: 'boolean', got: shown(v) });
      continue;
    }
    if (!isObject(v)) { out.add('scenario.wrong_type', field, `must be an object (got ${shown(v)})`, { expected: 'object', got: shown(v) }); continue; }
    if (kind === 'level') {
      const levels = target[k] as Record<string, unknown>;
      for (const [lv, x] of Object.entries(v)) {
        if ((LEVEL_KEYS as readonly string[]).includes(lv)) levels[lv] = x;
        else out.add('scenario.unknown_key', `${field}.${lv}`, 'unknown hospital level (1, 2 or 3)', { key: lv });
      }
    } else {
      const normalise = k === 'drgWeightOverrides';
      target[k] = Object.fromEntries(Object.entries(v).map(([code, x]) => [normalise ? normaliseCode(code) : code, x]));
    }
  }
}

function readAdjustments(raw: unknown, out: Problems): WeightAdjustment[] {
  if (!Array.isArray(raw)) { out.add('scenario.wrong_type', 'weightAdjustments', `must be a list (got ${shown(raw)})`, { expected: 'list', got: shown(raw) }); return []; }
  const list: WeightAdjustment[] = [];
  raw.forEach((item, i) => {
    const at = `weightAdjustments[${i}]`;
    if (!isObject(item)) { out.add('scenario.wrong_type', at, `must be {"scope", "code", "percent"} (got ${shown(item)})`, { expected: 'adjustment', got: shown(item) }); return; }
    for (const k of Object.keys(item)) if (!ADJUSTMENT_KEYS.includes(k)) out.add('scenario.unknown_key', `${at}.${k}`, 'unknown key', { key: k });
    if (typeof item.code !== 'string') { out.add('scenario.wrong_type', `${at}.code`, `must be text (got ${shown(item.code)})`, { expected: 'text', got: shown(item.code) }); return; }
    // scope and percent pass through: validateScenario names them as it does for an edit in the page.
    list.push({ scope: item.scope as WeightAdjustment['scope'], code: normaliseCode(item.code), percent: item.percent as number });
  });
  return list;
}

// ----- where JSON.parse failed (its messages differ between engines and often omit the position) -------------

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1, start = 0;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) { line++; start = i + 1; }
  return { line, column: Math.max(0, Math.min(offset, text.length) - start) + 1 };
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Offset of the first JSON syntax error in `text` (text.length when it ends too early). */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => { throw new SyntaxError(); };
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++; };
  const expect = (ch: string) => { ws(); if (text[i] !== ch) fail(); i++; };
  const string = () => {
    i++;
    for (;;) {
      if (i >= text.length) fail();
      const c = text.charCodeAt(i);
      if (c === 34) { i++; return; }
      if (c < 32) fail();
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') { if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) { i++; fail(); } i += 6; continue; }
        i++;
        if (e === undefined || !'"\\/bfnrt'.includes(e)) fail();
      }
      i++;
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++; ws();
      if (text[i] === close) { i++; return; }
      for (;;) {
        if (c === '{') { ws(); if (text[i] !== '"') fail(); string(); expect(':'); }
        value(); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === close) { i++; return; }
        fail();
      }
    }
    if (c === '"') return string();
    for (const lit of ['true', 'false', 'null']) if (text.startsWith(lit, i)) { i += lit.length; return; }
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) { i = NUMBER.lastIndex; return; }
    fail();
  };
  try {
    value(); ws();
    return i < text.length ? i : -1;
  } catch {
    return i;
  }
}
