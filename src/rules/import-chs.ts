// Converts a CHS-DRG grouper rule file in the OpenDRG-derived layout (rules.json: mdc_order, mdcs,
// adrgs, drg_splits, mcc/cc tables, maps) into a casemix-ruleset/1 document. Never guesses: anything
// it cannot read (unknown condition key or field, undefined list or tag) becomes a Problem.
import { RULESET_FORMAT, type Problem, type Ruleset } from './ruleset-format.ts';
import { validateRuleset } from './ruleset-validate.ts';
import { ConditionConverter, isObj, type Json, type Obj, type Report } from './chs-import/conditions.ts';
import { nonIdentityMap, readChsDictionaries, stringMap, type ChsDictionaries } from './chs-import/dictionaries.ts';
import { importAdrgs } from './chs-import/adrg-rules.ts';
import { importMdcs } from './chs-import/mdc-rules.ts';

export interface ChsImportResult {
  ruleset: Ruleset | null;
  problems: Problem[];
}

/** Imports a parsed rules.json; the result validates as casemix-ruleset/1 or comes with problems. */
export function importChsRules(json: Json, meta: Partial<Ruleset['meta']> = {}): ChsImportResult {
  const problems: Problem[] = [];
  const report: Report = (code, message, table, row, field) =>
    problems.push({ code, message, where: { table, ...(row !== undefined ? { row } : {}), ...(field !== undefined ? { field } : {}) } });
  if (!isObj(json)) return { ruleset: null, problems: [{ code: 'import.not_object', message: 'rules file must be a JSON object', where: { table: 'rules' } }] };
  for (const t of ['mdc_order', 'mdcs', 'adrgs', 'drg_splits']) if (json[t] === undefined) report('import.missing_table', `rules file has no "${t}"`, t);
  if (problems.length) return { ruleset: null, problems };

  const dictionaries = readChsDictionaries(json, report);
  const conv = new ConditionConverter(report, {});
  const { adrgs, drgTable } = importAdrgs(json, conv, dictionaries.drgNames, report);
  const mdcs = importMdcs(json, conv, report);
  if (problems.length) return { ruleset: null, problems };

  const ruleset: Ruleset = {
    ...rulesetHead(json, meta, dictionaries),
    lists: conv.lists,
    mdcs,
    adrgs,
    drgs: [...drgTable.values()],
    retry_each_other_procedure: json.retry_each_other_procedure_when_ungroupable === true,
  };
  const after = validateRuleset(ruleset);
  return after.length ? { ruleset: null, problems: after } : { ruleset, problems: [] };
}

/** Format, meta (the caller's wins), the code maps and the dictionaries. */
function rulesetHead(json: Obj, meta: Partial<Ruleset['meta']>, d: ChsDictionaries): Omit<Ruleset, 'lists' | 'mdcs' | 'adrgs' | 'drgs'> {
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
    dx_map: nonIdentityMap(stringMap(json, 'dx_map', ignored), d.dxByCode),
    proc_map: nonIdentityMap(stringMap(json, 'proc_map', ignored), d.procByCode),
    diagnoses: [...d.dxByCode.values()],
    procedures: [...d.procByCode.values()],
  };
}
