// Turns a ruleset file's text into a compiled ruleset and its description, or the list of its problems.
// Accepts casemix-ruleset/1 and the CHS-DRG reference layout (imported first); never half-loads.
import type { EngineError, Result } from '../shared/errors.ts';
import { importChsRules } from '../rules/import-chs.ts';
import { compiledTableBytes, tryCompileRuleset, type CompiledRuleset } from '../rules/ruleset-compile.ts';
import type { Problem } from '../rules/ruleset-format.ts';
import { rulesetWarnings } from '../rules/ruleset-validate.ts';

export interface RulesetInfo {
  name: string;
  version: string;
  region?: string;
  teachingOnly: boolean;
  source?: string;
  mdcs: number;
  adrgs: number;
  drgs: number;
  dxCodes: number;
  procCodes: number;
  tableBytes: number;
  compileMs: number;
  /** Dead rows and unused names: kept and grouped as written, shown beside the ruleset, never refusing it. */
  warnings: EngineError[];
}

export interface PreparedRuleset {
  compiled: CompiledRuleset;
  info: RulesetInfo;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A ruleset problem (table, row, field) as an engine error the UI and CLI show. */
export function problemError(file: string, p: Problem): EngineError {
  const at = `${p.where.table}${p.where.row !== undefined ? `[${p.where.row}]` : ''}${p.where.field ? ` ${p.where.field}` : ''}`;
  return {
    code: 'ruleset.problem',
    message: `${file}: ${at}: ${p.message}`,
    params: { file, at, detail: p.message },
    where: { file, row: typeof p.where.row === 'number' ? p.where.row : undefined, column: p.where.field, token: String(p.where.row ?? '') },
  };
}

/** A ruleset warning (a dead row, an unused name) as a message the UI and CLI show. */
export function warningError(file: string, p: Problem): EngineError {
  const e = problemError(file, p);
  return { ...e, code: 'ruleset.warning', params: { ...e.params, code: p.code } };
}

/** Validates and compiles a parsed ruleset document; `warnings`, when an importer gives them, replace rulesetWarnings. */
export function prepareRuleset(json: unknown, file: string, warnings?: readonly Problem[]): Result<PreparedRuleset> {
  const t0 = performance.now();
  const result = tryCompileRuleset(json);
  if (!result.compiled) return { ok: false, errors: result.problems.map((p) => problemError(file, p)) };
  const compiled = result.compiled;
  const s = compiled.strings;
  const info: RulesetInfo = {
    name: compiled.meta.name, version: compiled.meta.version, region: compiled.meta.region,
    teachingOnly: !!compiled.meta.teaching_only, source: compiled.meta.source,
    mdcs: s.mdcCodes.length, adrgs: s.adrgCodes.length, drgs: s.drgCodes.length,
    dxCodes: s.dxCodes.length, procCodes: s.procCodes.length, tableBytes: compiledTableBytes(compiled),
    compileMs: performance.now() - t0,
    warnings: (warnings ?? rulesetWarnings(json)).map((p) => warningError(file, p)),
  };
  return { ok: true, value: { compiled, info } };
}

/** Parses a ruleset file's text, importing the CHS-DRG layout when that is what it holds. */
export function prepareRulesetText(text: string, file: string): Result<PreparedRuleset> {
  const doc = rulesetDocument(text, file);
  return doc.ok ? prepareRuleset(doc.value.json, file, doc.value.warnings) : doc;
}

/**
 * The document a ruleset file's text holds (not yet validated): casemix-ruleset/1 as written, or the CHS-DRG
 * reference layout imported, with the importer's warnings. Bad JSON or a refused import is an error.
 */
export function rulesetDocument(text: string, file: string): Result<{ json: unknown; warnings?: readonly Problem[] }> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return { ok: false, errors: [{ code: 'ruleset.bad_json', message: `${file}: not valid JSON (${detail})`, params: { file, detail }, where: { file } }] };
  }
  if (isObject(json) && json.format === undefined && 'mdc_order' in json && 'adrgs' in json) {
    const imported = importChsRules(json as never, { name: file.replace(/\.json$/i, '') });
    if (!imported.ruleset) return { ok: false, errors: imported.problems.map((p) => problemError(file, p)) };
    return { ok: true, value: { json: imported.ruleset, warnings: imported.warnings } };
  }
  return { ok: true, value: { json } };
}
