// Puts the sections read from the CSV tables together into one casemix-ruleset/1 document (meta given
// by the caller wins over meta.csv), and points the compiler's problems back at the file and line.
import { RULESET_FORMAT, type AdrgRule, type CheckRule, type DipCatalogEntry, type DrgEntry, type MdcRule, type Problem, type Ruleset, type RulesetMeta } from '../ruleset-format.ts';
import { placeAt } from './problem-log.ts';
import type { CellReader } from './cell-reader.ts';
import type { CodeLists } from './code-lists.ts';
import type { Dictionaries } from './dictionary-section.ts';
import type { MetaSection } from './meta-section.ts';

export interface Sections {
  meta: MetaSection;
  parameters: Record<string, number | string | boolean>;
  dictionaries: Dictionaries;
  lists: CodeLists;
  checks: CheckRule[];
  mdcs: MdcRule[];
  adrgs: AdrgRule[];
  drgs: DrgEntry[];
  dipCatalog: DipCatalogEntry[];
}

export function assembleRuleset(s: Sections, meta: Partial<RulesetMeta>, reader: CellReader): Ruleset {
  const m = s.meta;
  const name = meta.name ?? m.text('name');
  const version = meta.version ?? m.text('version');
  if (name === undefined || version === undefined)
    reader.warnAt('csv.meta_default', `meta.csv gives no ${name === undefined ? 'name' : 'version'}; a default is used`, 'meta');
  const codeSystems = meta.code_systems ?? (m.dxSystem || m.procSystem ? { ...(m.dxSystem ? { dx: m.dxSystem } : {}), ...(m.procSystem ? { proc: m.procSystem } : {}) } : undefined);
  const region = meta.region ?? m.text('region');
  const source = meta.source ?? m.text('source');
  const factor = meta.dip_score_factor ?? m.dipFactor;
  const teachingOnly = meta.teaching_only ?? m.teaching;
  const { dxByCode, procedures, dxMap, procMap } = s.dictionaries;
  return {
    format: RULESET_FORMAT,
    meta: {
      name: name ?? 'CSV tables',
      version: version ?? '',
      ...(region !== undefined ? { region } : {}),
      ...(codeSystems ? { code_systems: codeSystems } : {}),
      ...(factor !== undefined ? { dip_score_factor: factor } : {}),
      ...(teachingOnly !== undefined ? { teaching_only: teachingOnly } : {}),
      ...(source !== undefined ? { source } : {}),
    },
    ...(m.dxLengths || m.procLengths ? {
      code_matching: { ...(m.dxLengths ? { dx: { fallback_lengths: m.dxLengths } } : {}), ...(m.procLengths ? { proc: { fallback_lengths: m.procLengths } } : {}) },
    } : {}),
    ...(dxMap ? { dx_map: dxMap } : {}),
    ...(procMap ? { proc_map: procMap } : {}),
    ...(dxByCode.size ? { diagnoses: [...dxByCode.values()] } : {}),
    ...(procedures.length ? { procedures } : {}),
    lists: s.lists.lists,
    ...(s.checks.length ? { checks: s.checks } : {}),
    mdcs: s.mdcs,
    adrgs: s.adrgs,
    drgs: s.drgs,
    ...(s.dipCatalog.length ? { dip_catalog: s.dipCatalog } : {}),
    ...(Object.keys(s.parameters).length ? { parameters: s.parameters } : {}),
    ...(m.retry !== undefined ? { retry_each_other_procedure: m.retry } : {}),
  };
}

/** Compiler problems about an entry that came from a table row, restated at that file and line. */
export function pointBack(problems: readonly Problem[], reader: CellReader): Problem[] {
  return problems.map((p): Problem => {
    const src = p.where.row !== undefined ? reader.sourceOf(p.where.table, p.where.row) : undefined;
    return src ? { ...p, message: `${p.message} (ruleset ${p.where.table}${p.where.field ? `.${p.where.field}` : ''})`, where: placeAt(src.file, src.line, p.where.field) } : p;
  });
}
