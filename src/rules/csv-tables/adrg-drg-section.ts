// adrg.csv, adrg_dx.csv, adrg_proc.csv and drg.csv → the ruleset's ADRG rules and DRG entries: each
// ADRG's entry condition (its lists, tags and formula) and its splits (a named pattern or drg.csv's conditions).
import { OR_PROCEDURES_LIST, adrgKindOf, type AdrgKind, type AdrgRule, type Condition, type DrgEntry, type Split } from '../ruleset-format.ts';
import { ADRG_RULE, KIND, SEVERITY, SPLIT, splitKey, type AdrgEntryRule, type SplitName } from './cell-vocabularies.ts';
import { mapTags, parseTagFormula } from './tag-formula.ts';
import type { CellReader, Row } from './cell-reader.ts';
import type { CodeLists } from './code-lists.ts';

/** An ADRG row of adrg.csv, with its MDC and the order it is tried in within that MDC. */
export interface AdrgIn { code: string; row: Row; index: number; mdc: string; kind: AdrgKind; order: number }

/** ADRG → tag → first line of adrg_proc.csv where the tag appears, in order of appearance. */
export type ProcedureTags = Map<string, Map<string, number>>;

interface DrgIn { entry: DrgEntry; row: Row; when: Condition | undefined }

export interface DrgRows {
  drgs: DrgEntry[];
  /** ADRG → its DRG rows in file order. */
  drgsByAdrg: Map<string, DrgIn[]>;
  /** Ambiguity groups (歧义组, xQY) listed in drg.csv. */
  qyListed: Set<string>;
  /** ADRGs with a DRG whose condition columns are bad (already reported). */
  badSplitRows: Set<string>;
}

export function readAdrgRows(reader: CellReader): Map<string, AdrgIn> {
  const adrgIn = new Map<string, AdrgIn>();
  const seenAdrg = reader.unique('adrg', 'adrg');
  reader.rowsOf('adrg').forEach((r, index) => {
    const raw = reader.required('adrg', r, 'adrg');
    if (raw === null) return;
    const code = raw.toUpperCase();
    if (!/^[A-Z][A-Z][0-9A-Z]$/.test(code)) { reader.problemAt('csv.bad_value', `"${raw}" is not an ADRG code (MDC letter, type letter, digit: HC2)`, 'adrg', r.line, 'adrg'); return; }
    if (!seenAdrg(code, r)) return;
    const mdc = reader.cell(r, 'mdc') ? reader.mdcCode('adrg', r, 'mdc') : `MDC${code[0]}`;
    const kind = reader.word('adrg', r, 'kind', KIND, 'an ADRG type (surgical/non_or/medical, 外科/非手术室操作/内科)');
    const order = reader.number('adrg', r, 'order', true);
    if (mdc === null || kind === null || order === null) return;
    adrgIn.set(code, { code, row: r, index, mdc, kind: kind ?? adrgKindOf({ code, when: true, splits: [] }), order: order ?? Infinity });
  });
  return adrgIn;
}

/** adrg_dx.csv and adrg_proc.csv → lists `ADRG.dx`, `ADRG.proc` and, per tag, `ADRG.proc#tag`. */
export function readAdrgLists(reader: CellReader, adrgIn: ReadonlyMap<string, AdrgIn>, lists: CodeLists): ProcedureTags {
  const adrgRef = (t: 'adrg_dx' | 'adrg_proc', r: Row): string | null => {
    const a = reader.required(t, r, 'adrg');
    if (a === null) return null;
    if (!adrgIn.has(a.toUpperCase())) { reader.problemAt('csv.ref_undefined', `ADRG "${a}" is not in adrg.csv`, t, r.line, 'adrg'); return null; }
    return a.toUpperCase();
  };
  for (const r of reader.rowsOf('adrg_dx')) {
    const a = adrgRef('adrg_dx', r);
    const dx = reader.required('adrg_dx', r, 'dx');
    if (a !== null && dx !== null) lists.add(`${a}.dx`, dx);
  }
  const tagsOf: ProcedureTags = new Map();
  const untagged = new Map<string, number>();
  for (const r of reader.rowsOf('adrg_proc')) {
    const a = adrgRef('adrg_proc', r);
    const p = reader.required('adrg_proc', r, 'proc');
    if (a === null || p === null) continue;
    lists.add(`${a}.proc`, p);
    const tag = reader.cell(r, 'tag');
    if (tag === '') { if (!untagged.has(a)) untagged.set(a, r.line); continue; }
    const tags = tagsOf.get(a) ?? new Map<string, number>();
    tagsOf.set(a, tags);
    if (!tags.has(tag)) tags.set(tag, r.line);
    lists.add(`${a}.proc#${tag}`, p);
  }
  for (const [a, tags] of tagsOf) if (untagged.has(a))
    reader.problemAt('csv.missing_value', `ADRG ${a}: some procedures have a ${reader.fieldOf('adrg_proc', 'tag')} (${[...tags.keys()].join(', ')}) and this one has none`, 'adrg_proc', untagged.get(a), 'tag');
  return tagsOf;
}

export function readDrgRows(reader: CellReader, adrgIn: ReadonlyMap<string, AdrgIn>): DrgRows {
  const out: DrgRows = { drgs: [], drgsByAdrg: new Map(), qyListed: new Set(), badSplitRows: new Set() };
  const seenDrg = reader.unique('drg', 'drg');
  for (const r of reader.rowsOf('drg')) {
    const raw = reader.required('drg', r, 'drg');
    if (raw === null) continue;
    const code = raw.toUpperCase();
    if (!seenDrg(code, r)) continue;
    const adrgField = reader.cell(r, 'adrg') ? 'adrg' : 'drg';
    const adrg = (reader.cell(r, 'adrg') || code.slice(0, 3)).toUpperCase();
    const weight = reader.number('drg', r, 'weight');
    const los = reader.number('drg', r, 'mean_los');
    const cost = reader.number('drg', r, 'mean_cost');
    const when = drgCondition(reader, r);
    if (/^[A-Z]QY$/.test(code) && !adrgIn.has(code)) {
      // An ambiguity group (歧义组) has no ADRG of its own; listing it switches it on for its MDC.
      out.qyListed.add(code);
      if (weight !== undefined) reader.warnAt('csv.ambiguity_weight', `${code} is an ambiguity group; casemix-ruleset/1 keeps no weight for it`, 'drg', r.line, 'weight');
      continue;
    }
    if (!adrgIn.has(adrg)) {
      reader.problemAt('csv.ref_undefined', `DRG ${code} belongs to ADRG ${adrg}, which is not in adrg.csv`, 'drg', r.line, adrgField);
      continue;
    }
    // A bad number or condition is already a problem; the DRG stays so its ADRG is not also reported.
    if (when === null) out.badSplitRows.add(adrg);
    const entry: DrgEntry = { code, adrg };
    if (reader.cell(r, 'name')) entry.name = reader.cell(r, 'name');
    if (typeof weight === 'number') entry.weight = weight;
    if (typeof los === 'number') entry.mean_los = los;
    if (typeof cost === 'number') entry.mean_cost = cost;
    out.drgs.push(entry);
    reader.from('drgs', code, 'drg', r);
    const list = out.drgsByAdrg.get(adrg) ?? [];
    out.drgsByAdrg.set(adrg, list);
    list.push({ entry, row: r, when: when ?? undefined });
  }
  return out;
}

/** The condition columns of a DRG row (used by split "custom"); undefined when it has none. */
function drgCondition(reader: CellReader, r: Row): Condition | undefined | null {
  const parts: Condition[] = [];
  let bad = false;
  const sev = reader.word('drg', r, 'severity', SEVERITY, 'a severity (MCC, CC, none / 严重, 一般, 无)');
  if (sev === null) bad = true;
  else if (sev === 'mcc') parts.push({ has_mcc: true });
  else if (sev === 'cc') parts.push({ or: [{ has_mcc: true }, { has_cc: true }] });
  else if (sev === 'none') parts.push({ has_mcc: false }, { has_cc: false });
  const bound = (key: string, field: 'age_years' | 'los', op: '>=' | '<=') => {
    const n = reader.number('drg', r, key, true);
    if (n === null) bad = true;
    else if (n !== undefined) parts.push({ cmp: [field, op, n] });
  };
  bound('min_age_years', 'age_years', '>=');
  bound('max_age_years', 'age_years', '<=');
  bound('min_los', 'los', '>=');
  bound('max_los', 'los', '<=');
  const ds = reader.cell(r, 'discharge_status');
  if (ds !== '') {
    const n = ds === '死亡' || ds.toLowerCase() === 'death' ? 5 : /^[1-9]$/.test(ds) ? Number(ds) : null;
    if (n === null) { reader.problemAt('csv.bad_value', `"${ds}" is not a discharge status (1–9, 5 = 死亡)`, 'drg', r.line, 'discharge_status'); bad = true; }
    else parts.push({ cmp: ['discharge_status', '==', n] });
  }
  if (bad) return null;
  return parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : { and: parts };
}

/** The conjunction of parts: true when none, the part itself when one. */
export const allOf = (parts: Condition[]): Condition => (parts.length === 0 ? true : parts.length === 1 ? parts[0]! : { and: parts });

/** One rule per ADRG of adrg.csv that has no problem, in adrg.csv's order. */
export function buildAdrgs(reader: CellReader, adrgIn: ReadonlyMap<string, AdrgIn>, lists: CodeLists, tagsOf: ProcedureTags, drgRows: DrgRows): AdrgRule[] {
  const adrgs: AdrgRule[] = [];
  const usedDrgs = new Set<string>();
  for (const a of adrgIn.values()) {
    const r = a.row;
    const rule = reader.word('adrg', r, 'rule', ADRG_RULE, 'an entry rule (principal_dx, principal_proc, any_proc, dx_and_proc, …; 主要诊断, 主要手术, 任一手术 …)');
    const split = reader.word('adrg', r, 'split', SPLIT, 'a split (9, 1/3/5, 1/5, 3/5, custom/自定义)', splitKey);
    const maxAgeDays = reader.number('adrg', r, 'max_age_days', true);
    const minBw = reader.number('adrg', r, 'min_birth_weight_g', true);
    const maxBw = reader.number('adrg', r, 'max_birth_weight_g', true);
    if (rule === null || split === null || maxAgeDays === null || minBw === null || maxBw === null || drgRows.badSplitRows.has(a.code)) continue;
    const entry = entryParts(reader, a, lists, tagsOf.get(a.code), rule);
    if (entry === null) continue;
    if (maxAgeDays !== undefined) entry.push({ cmp: ['age_days', '<=', maxAgeDays] });
    if (minBw !== undefined) entry.push({ cmp: ['birth_weight_g', '>=', minBw] });
    if (maxBw !== undefined) entry.push({ cmp: ['birth_weight_g', '<=', maxBw] });
    const splits = adrgSplits(reader, a, drgRows.drgsByAdrg.get(a.code) ?? [], split, usedDrgs);
    if (splits === null) continue;
    adrgs.push({ code: a.code, ...(reader.cell(r, 'name') ? { name: reader.cell(r, 'name') } : {}), ...(reader.cell(r, 'kind') ? { kind: a.kind } : {}), when: allOf(entry), splits });
    reader.from('adrgs', a.code, 'adrg', r);
  }
  for (const [adrg, own] of drgRows.drgsByAdrg) for (const d of own)
    if (!usedDrgs.has(d.entry.code) && adrgs.some((a) => a.code === adrg))
      reader.warnAt('csv.drg_unused', `DRG ${d.entry.code} is not given by any split of ADRG ${adrg}`, 'drg', d.row.line, 'drg');
  return adrgs;
}

const NEEDS_DX: readonly AdrgEntryRule[] = ['principal_dx', 'any_dx', 'secondary_dx', 'dx_and_proc', 'dx_and_any_proc'];
const NEEDS_PROC: readonly AdrgEntryRule[] = ['principal_proc', 'any_proc', 'dx_and_proc', 'dx_and_any_proc'];

/** The entry rule's conditions (before the age and birth-weight bounds), or null after a problem. */
function entryParts(reader: CellReader, a: AdrgIn, lists: CodeLists, tags: Map<string, number> | undefined, rule: AdrgEntryRule | undefined): Condition[] | null {
  const r = a.row;
  const dxList = lists.get(`${a.code}.dx`) ? `${a.code}.dx` : null;
  const procList = lists.get(`${a.code}.proc`) ? `${a.code}.proc` : null;
  let procCond: Condition | null = null;
  const formula = reader.cell(r, 'formula');
  if (tags) {
    const parsed = parseTagFormula(formula || [...tags.keys()].join(' and '), new Set(tags.keys()));
    if ('error' in parsed) { reader.problemAt('csv.bad_formula', parsed.error, 'adrg', r.line, 'formula'); return null; }
    procCond = mapTags(parsed.tree, (t) => ({ any_in: ['all_procs', `${a.code}.proc#${t}`] }));
  } else if (formula) {
    reader.problemAt('csv.bad_formula', `a ${reader.fieldOf('adrg', 'formula')} needs tagged procedures (${reader.fieldOf('adrg_proc', 'tag')} in adrg_proc.csv)`, 'adrg', r.line, 'formula');
    return null;
  }
  const how: AdrgEntryRule | undefined = rule ?? (dxList && procList ? 'dx_and_proc' : procList ? (tags ? 'any_proc' : 'principal_proc') : dxList ? 'principal_dx' : undefined);
  if (!how) { reader.problemAt('csv.missing_value', `ADRG ${a.code} has no codes in adrg_dx.csv or adrg_proc.csv; give its ${reader.fieldOf('adrg', 'rule')} (e.g. or_proc / 手术室手术)`, 'adrg', r.line, 'rule'); return null; }
  if (NEEDS_DX.includes(how) && !dxList) { reader.problemAt('csv.list_empty', `ADRG ${a.code} enters by ${how} but adrg_dx.csv has no codes for it`, 'adrg', r.line, 'rule'); return null; }
  if (NEEDS_PROC.includes(how) && !procList) { reader.problemAt('csv.list_empty', `ADRG ${a.code} enters by ${how} but adrg_proc.csv has no codes for it`, 'adrg', r.line, 'rule'); return null; }
  const pproc: Condition = procCond ?? { in: ['principal_proc', procList ?? ''] };
  const anyProc: Condition = procCond ?? { any_in: ['all_procs', procList ?? ''] };
  switch (how) {
    case 'principal_dx': return [{ in: ['principal_dx', dxList!] }];
    case 'any_dx': return [{ any_in: ['all_dx', dxList!] }];
    case 'secondary_dx': return [{ any_in: ['secondary_dx', dxList!] }];
    case 'principal_proc': return [pproc];
    case 'any_proc': return [anyProc];
    case 'dx_and_proc': return [{ in: ['principal_dx', dxList!] }, pproc];
    case 'dx_and_any_proc': return [{ in: ['principal_dx', dxList!] }, anyProc];
    case 'or_proc': return [{ in: ['principal_proc', OR_PROCEDURES_LIST] }];
    case 'no_or_proc': return [{ not: { any_in: ['all_procs', OR_PROCEDURES_LIST] } }];
    case 'always': return [];
  }
}

const CC_OR_MCC: Condition = { or: [{ has_mcc: true }, { has_cc: true }] };
/** The standard splits: DRG code suffix and its condition, tried in this order. */
const STANDARD: Record<Exclude<SplitName, 'custom'>, [string, Condition | undefined][]> = {
  '9': [['9', undefined]],
  '1/3/5': [['1', { has_mcc: true }], ['3', CC_OR_MCC], ['5', undefined]],
  '1/5': [['1', { has_mcc: true }], ['5', undefined]],
  '3/5': [['3', CC_OR_MCC], ['5', undefined]],
};

/** Splits: named pattern, or derived from the DRG codes listed for the ADRG. Null when the ADRG is dropped. */
function adrgSplits(reader: CellReader, a: AdrgIn, own: DrgIn[], named: SplitName | undefined, usedDrgs: Set<string>): Split[] | null {
  const r = a.row;
  const withConditions = own.filter((d) => d.when !== undefined);
  let split = named;
  if (split === undefined) {
    const suffixes = own.map((d) => d.entry.code.slice(3)).sort().join('/');
    split = withConditions.length ? 'custom' : (['9', '1/3/5', '1/5', '3/5'] as const).find((s) => s === suffixes);
    if (split === undefined) {
      reader.problemAt('csv.split_unknown', `ADRG ${a.code}: no ${reader.fieldOf('adrg', 'split')} given and its DRGs in drg.csv (${own.map((d) => d.entry.code).join(', ') || 'none'}) are not a standard split`, 'adrg', r.line, 'split');
      return null;
    }
  }
  const splits: Split[] = [];
  if (split === 'custom') {
    if (own.length === 0) { reader.problemAt('csv.split_drg_missing', `ADRG ${a.code} splits "custom" but drg.csv lists no DRG for it`, 'adrg', r.line, 'split'); return null; }
    own.forEach((d, i) => {
      if (d.when === undefined && i < own.length - 1)
        reader.problemAt('csv.split_unreachable', `DRG ${d.entry.code} has no condition, so the DRGs after it can never be reached; put it last`, 'drg', d.row.line, 'drg');
      splits.push(d.when === undefined ? { drg: d.entry.code } : { drg: d.entry.code, when: d.when });
      usedDrgs.add(d.entry.code);
    });
    return splits;
  }
  for (const d of withConditions)
    reader.problemAt('csv.split_conditions', `DRG ${d.entry.code} has split conditions, but ADRG ${a.code} splits "${split}"; set its ${reader.fieldOf('adrg', 'split')} to custom (自定义)`, 'drg', d.row.line, 'drg');
  for (const [suffix, c] of STANDARD[split]) {
    const drg = a.code + suffix;
    // Each missing DRG is reported; the ADRG keeps the splits it has.
    if (!own.some((d) => d.entry.code === drg)) { reader.problemAt('csv.split_drg_missing', `split ${split} of ADRG ${a.code} needs DRG ${drg}, which drg.csv does not list`, 'adrg', r.line, 'split'); continue; }
    splits.push(c === undefined ? { drg } : { drg, when: c });
    usedDrgs.add(drg);
  }
  return splits;
}
