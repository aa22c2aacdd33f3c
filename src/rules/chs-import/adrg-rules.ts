// The ADRGs of the rules.json layout (their lists, tagged procedure lists, entry conditions, DRG splits
// and fallback) as casemix-ruleset/1 ADRG rules, and the DRG table they and drg_names imply.
import type { AdrgRule, DrgEntry, Split } from '../ruleset-format.ts';
import { isObj, isStr, type ConditionConverter, type Json, type Obj, type Owner, type Report } from './conditions.ts';

export interface ChsAdrgs {
  adrgs: AdrgRule[];
  /** DRG code → entry, in order of first mention. */
  drgTable: Map<string, DrgEntry>;
  /** drg_names entries for a DRG of no ADRG: unused, reported as warnings (a published table keeps them). */
  orphanNames: string[];
}

/** The ADRG an entry of the layout defines: `AH1_2` (an alternative entry) defines AH1; `AH1` itself. */
export function adrgOfEntry(key: string): string {
  const cut = key.indexOf(ENTRY_SUFFIX);
  return cut > 0 ? key.slice(0, cut) : key;
}
/** Alternative entries of one ADRG are written `AH1_1`, `AH1_2`, …: the ADRG is the part before this. */
const ENTRY_SUFFIX = '_';

export function importAdrgs(json: Obj, conv: ConditionConverter, drgNames: Record<string, string>, qyCodes: Set<string>, report: Report): ChsAdrgs {
  const adrgsIn = json.adrgs as Obj;
  const splitsIn = json.drg_splits as Obj;
  const baseAdrgs = new Set(Object.keys(adrgsIn).map(adrgOfEntry));
  const drgTable = new Map<string, DrgEntry>();
  const addDrg = (drg: string, adrg: string) => {
    if (!drgTable.has(drg)) drgTable.set(drg, { code: drg, adrg, ...(drgNames[drg] ? { name: drgNames[drg] } : {}) });
  };
  const adrgs: AdrgRule[] = [];
  const orphanNames: string[] = [];
  for (const [code, raw] of Object.entries(adrgsIn)) {
    if (!isObj(raw)) { report('import.bad_row', `ADRG "${code}" must be an object`, 'adrgs', code); continue; }
    const base = adrgOfEntry(code);
    const ownLists = isObj(raw.lists) ? raw.lists : {};
    const tags = isObj(raw.tags) ? tagLists(code, raw.tags, ownLists, conv.lists, report) : null;
    const owner: Owner = { table: 'adrgs', key: code, lists: ownLists, tags };
    const when = conv.cond(raw.when ?? true, owner, 'when');
    const splits: Split[] = [];
    const drgs = Array.isArray(raw.drgs) ? raw.drgs : [];
    if (!Array.isArray(raw.drgs)) report('import.bad_row', `ADRG "${code}" needs "drgs"`, 'adrgs', code, 'drgs');
    drgs.forEach((d, i) => {
      const splitKey = isStr(d) ? d : isObj(d) ? String(d.split) : '';
      const drg = isStr(d) ? d : isObj(d) ? String(d.code) : '';
      const s = splitsIn[splitKey];
      if (!isObj(s)) { report('ref.split_undefined', `ADRG "${code}" lists DRG split "${splitKey}", which drg_splits does not define`, 'adrgs', code, `drgs[${i}]`); return; }
      const w = conv.cond(s.when ?? true, { table: 'drg_splits', key: splitKey, lists: isObj(s.lists) ? s.lists : {}, tags }, 'when');
      if (w === null) return;
      splits.push(w === true ? { drg } : { drg, when: w });
      addDrg(drg, base);
    });
    const rule: AdrgRule = { code, ...(base !== code ? { adrg: base } : {}), when: when ?? false, splits };
    // The layout's fallback is a DRG code; "" (or none) means the ADRG did not match.
    const fb = raw.fallback;
    // Every ADRG of the layout carries a fallback; after a split that always holds it is dead and not a DRG
    // the region lists, so it is left out (a dead split row, by contrast, is kept and reported).
    const someAlways = splits.some((sp) => sp.when === undefined);
    if (isStr(fb) && fb !== '' && !someAlways) {
      rule.fallback = fb;
      addDrg(fb, base);
    }
    adrgs.push(rule);
  }
  for (const [drg, name] of Object.entries(drgNames)) {
    // Named ambiguity groups (BQY) are the qy steps' results; importMdcs gives them their names.
    if (drgTable.has(drg) || qyCodes.has(drg)) continue;
    if (baseAdrgs.has(drg.slice(0, 3))) drgTable.set(drg, { code: drg, adrg: drg.slice(0, 3), name });
    else orphanNames.push(drg);
  }
  return { adrgs, drgTable, orphanNames };
}

/** Tagged procedure list: codes[i] carries tag tags[i]; each tag becomes its own list. Tag → list name. */
function tagLists(code: string, spec: Obj, ownLists: Obj, lists: Record<string, string[]>, report: Report): Map<string, string> | null {
  const codes: Json = ownLists[String(spec.codes)];
  const tagOf: Json = ownLists[String(spec.tags)];
  if (!Array.isArray(codes) || !Array.isArray(tagOf) || codes.length !== tagOf.length) {
    report('import.bad_tags', `ADRG "${code}": tags must name two lists of equal length`, 'adrgs', code, 'tags');
    return null;
  }
  const tags = new Map<string, string>();
  const codesName = String(spec.codes);
  codes.forEach((c, i) => {
    const name = `${code}.${codesName}#${String(tagOf[i])}`;
    tags.set(String(tagOf[i]), name);
    (lists[name] ??= []).push(String(c));
  });
  return tags;
}
