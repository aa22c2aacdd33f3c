// Converts a CHS-DRG grouper rule file in the OpenDRG-derived layout (rules.json: mdc_order, mdcs,
// adrgs, drg_splits, mcc/cc tables, maps) into a casemix-ruleset/1 document. Never guesses: anything
// it cannot read (unknown condition key or field, undefined list or tag) becomes a Problem.
import { RULESET_FORMAT, type Problem, type Ruleset } from './ruleset-format.ts';
import { rulesetWarnings, validateRuleset } from './ruleset-validate.ts';
import { ConditionConverter, isObj, type Json, type Obj, type Report } from './chs-import/conditions.ts';
import { nonIdentityMap, readChsDictionaries, stringMap, type ChsDictionaries } from './chs-import/dictionaries.ts';
import { importAdrgs } from './chs-import/adrg-rules.ts';
import { importMdcs, qyStepCodes } from './chs-import/mdc-rules.ts';

export interface ChsImportResult {
  ruleset: Ruleset | null;
  problems: Problem[];
  /** Dead rows and the like: reported, never refusing (rulesetWarnings). */
  warnings: Problem[];
}

/** Imports a parsed rules.json; the result validates as casemix-ruleset/1 or comes with problems. */
export function importChsRules(json: Json, meta: Partial<Ruleset['meta']> = {}): ChsImportResult {
  const problems: Problem[] = [];
  const report: Report = (code, message, table, row, field) =>
    problems.push({ code, message, where: { table, ...(row !== undefined ? { row } : {}), ...(field !== undefined ? { field } : {}) } });
  if (!isObj(json)) return { ruleset: null, problems: [{ code: 'import.not_object', message: 'rules file must be a JSON object', where: { table: 'rules' } }], warnings: [] };
  for (const t of ['mdc_order', 'mdcs', 'adrgs', 'drg_splits']) if (!isObj(json[t]) && !(t === 'mdc_order' && json[t] !== undefined)) report('import.missing_table', `rules file has no "${t}" object`, t);
  if (problems.length) return { ruleset: null, problems, warnings: [] };

  const dictionaries = readChsDictionaries(json, report);
  const conv = new ConditionConverter(report, {});
  const { adrgs, drgTable, orphanNames } = importAdrgs(json, conv, dictionaries.drgNames, qyStepCodes(json), report);
  const mdcs = importMdcs(json, conv, dictionaries.drgNames, report);
  const failCodes = readFailCodes(json, report);
  if (problems.length) return { ruleset: null, problems, warnings: [] };

  const ruleset: Ruleset = {
    ...rulesetHead(json, meta, dictionaries, listedCodes(conv.lists)),
    lists: conv.lists,
    mdcs,
    adrgs,
    drgs: [...drgTable.values()],
    retry_each_other_procedure: json.retry_each_other_procedure_when_ungroupable === true,
    ...(failCodes ? { fail_drg_codes: failCodes } : {}),
  };
  const after = validateRuleset(ruleset);
  if (after.length) return { ruleset: null, problems: after, warnings: [] };
  const unused: Problem[] = orphanNames.map((drg) => ({
    code: 'names.unused', message: `drg_names has "${drg}" but no ADRG "${drg.slice(0, 3)}" gives it: the name is not used`, where: { table: 'drg_names', row: drg },
  }));
  return { ruleset, problems: [], warnings: [...unused, ...rulesetWarnings(ruleset)] };
}

/** Every code a rule list names, normalised: the rules know these codes as they are. */
function listedCodes(lists: Record<string, string[]>): Set<string> {
  const out = new Set<string>();
  for (const codes of Object.values(lists)) for (const c of codes) out.add(c.trim().toUpperCase());
  return out;
}

/** fail_drg_codes: {ungroupable, mdc_only}, each a DRG code; absent means "0000" for both. */
function readFailCodes(json: Obj, report: Report): Ruleset['fail_drg_codes'] | null {
  const f = json.fail_drg_codes;
  if (f === undefined || f === null) return null;
  if (!isObj(f)) { report('import.bad_table', '"fail_drg_codes" must be {"ungroupable": code, "mdc_only": code}', 'fail_drg_codes'); return null; }
  const out: NonNullable<Ruleset['fail_drg_codes']> = {};
  for (const k of ['ungroupable', 'mdc_only'] as const) {
    const c = f[k];
    if (c === undefined) continue;
    if (typeof c !== 'string' || c.trim() === '') report('import.bad_value', `fail_drg_codes.${k} must be a DRG code`, 'fail_drg_codes', k);
    else out[k] = c.trim();
  }
  return out;
}

/** Format, meta (the caller's wins), the code maps and the dictionaries. */
function rulesetHead(json: Obj, meta: Partial<Ruleset['meta']>, d: ChsDictionaries, listed: Set<string>): Omit<Ruleset, 'lists' | 'mdcs' | 'adrgs' | 'drgs'> {
  // The maps are read after the problem check above; a malformed map counts as empty and its problem
  // is not reported (validateRuleset has the last word).
  const ignored: Report = () => {};
  return {
    format: RULESET_FORMAT,
    meta: {
      name: meta.name ?? `CHS-DRG ${String(json.version_dir ?? '')}`.trim(),
      version: meta.version ?? String(json.version_dir ?? ''),
      region: meta.region ?? 'national',
      code_systems: meta.code_systems ?? { dx: 'ICD-10 医保版 2.0', proc: 'ICD-9-CM-3 医保版 2.0' },
      ...(meta.dip_score_factor !== undefined ? { dip_score_factor: meta.dip_score_factor } : {}),
      ...(meta.teaching_only !== undefined ? { teaching_only: meta.teaching_only } : {}),
      source: meta.source ?? String(json.source ?? ''),
    },
    dx_map: nonIdentityMap(stringMap(json, 'dx_map', ignored), d.dxByCode, listed),
    proc_map: nonIdentityMap(stringMap(json, 'proc_map', ignored), d.procByCode, listed),
    diagnoses: [...d.dxByCode.values()],
    procedures: [...d.procByCode.values()],
  };
}
