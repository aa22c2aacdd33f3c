// The plain-TypeScript DIP grouper (domain §4) over compiled tables and typed case columns: the oracle the
// Wasm core (assembly/dip-grouper.ts) must equal case by case. Integers only per case; `explainDip` allocates.
import { DIP_CLASSES, DIP_KIND_CORE, DIP_KIND_NONE, DIP_UNGROUPED, NO_CODE } from '../../../assembly/rule-codes.ts';
import { DIP_KIND, type CompiledRuleset, type CompiledTables } from '../../rules/ruleset-compile.ts';
import { dipKeyOfCode, type DipCaseColumns } from '../../rules/dip-encoding.ts';

/** Kinds by name; DIP_UNGROUPED: the group id of a case not grouped (missing or unknown principal diagnosis, or no group defined). */
export { DIP_KIND, DIP_UNGROUPED };

export interface DipOutput {
  /** DIP group id: a core combination (catalog index) or nCore + comprehensive index; DIP_UNGROUPED. */
  group: Int32Array;
  /** DIP_KIND: none, core, comprehensive. */
  kind: Uint8Array;
  /** The group's score (dipGroupScore); NaN when ungrouped or not given. Deviation-case scaling is pricing. */
  score: Float64Array;
}

export function allocDipOutput(n: number): DipOutput {
  return { group: new Int32Array(n), kind: new Uint8Array(n), score: new Float64Array(n) };
}

/** Groups cases [from, to) into `out` (allocated when not given). */
export function groupDip(compiled: CompiledRuleset, cols: DipCaseColumns, out: DipOutput = allocDipOutput(cols.n), from = 0, to = cols.n): DipOutput {
  const t = compiled.tables;
  const pdxCol = cols.principalDx, keyCol = cols.principalDxDipKey, ppCol = cols.principalProc;
  const oth = cols.otherProcs, off = cols.otherProcsOffsets;
  let set = new Int32Array(16);
  for (let i = from; i < to; i++) {
    const oS = off[i]!, oE = off[i + 1]!;
    if (oE - oS + 1 > set.length) set = new Int32Array(2 * (oE - oS + 1)); // grows, never per case
    const g = dipGroupOf(t, pdxCol[i]!, keyCol[i]!, ppCol[i]!, oth, oS, oE, set);
    out.group[i] = g;
    out.kind[i] = g >= 0 ? t.dipGroupKind[g]! : DIP_KIND_NONE;
    out.score[i] = g >= 0 ? t.dipGroupScore[g]! : NaN;
  }
  return out;
}

/**
 * One case (§4): the principal diagnosis's key and its exact procedure set pick a core combination;
 * otherwise its category and the highest procedure class pick a comprehensive group.
 */
function dipGroupOf(t: CompiledTables, pdx: number, key: number, pp: number, oth: Int32Array, oS: number, oE: number, set: Int32Array): number {
  const nDx = t.dxDipCategory.length, nProc = t.procDipProc.length;
  if (pdx < 0 || pdx >= nDx) return DIP_UNGROUPED;
  // A core match needs a catalog key and every procedure standing for a catalog procedure.
  let open = key >= 0 && key < t.dipKeyCoreStart.length;
  let n = 0;
  let cls = 0;
  for (let k = oS - 1; k < oE; k++) {
    const p = k < oS ? pp : oth[k]!;
    if (p === NO_CODE) continue;
    if (p < 0 || p >= nProc) { open = false; continue; } // unknown code: in no catalog entry, class unknown
    const c = t.procDipClass[p]!;
    if (c > cls) cls = c; // a missing class (-1) never raises it
    const d = t.procDipProc[p]!;
    if (d < 0) { open = false; continue; }
    if (!open) continue;
    // Insert into the sorted set, dropping repeats.
    let j = n;
    while (j > 0 && set[j - 1]! > d) j--;
    if (j > 0 && set[j - 1] === d) continue;
    for (let m = n; m > j; m--) set[m] = set[m - 1]!;
    set[j] = d;
    n++;
  }
  if (open) {
    const cs = t.dipKeyCore, ps = t.dipCoreProcs;
    for (let e = t.dipKeyCoreStart[key]!, end = t.dipKeyCoreEnd[key]!; e < end; e++) {
      const c = cs[e]!;
      const s = t.dipCoreProcStart[c]!;
      if (t.dipCoreProcEnd[c]! - s !== n) continue;
      let m = 0;
      while (m < n && ps[s + m] === set[m]) m++;
      if (m === n) return c;
    }
  }
  const cat = t.dxDipCategory[pdx]!;
  return cat >= 0 ? t.dipCategoryGroup[cat * DIP_CLASSES + cls]! : DIP_UNGROUPED;
}

// ----- explain ---------------------------------------------------------------------------------------

export type DipKindName = keyof typeof DIP_KIND;
const KIND_NAMES = Object.keys(DIP_KIND) as DipKindName[];

/** One step of the DIP decision, for the UI to render in zh or en. */
export interface DipTraceRecord {
  step: 'input' | 'procedure' | 'core' | 'comprehensive' | 'result';
  /** What was looked at: the principal diagnosis, a procedure code, the key + set, the category + class. */
  subject: string;
  outcome: 'match' | 'none' | 'fallback' | 'grouped' | 'ungrouped' | 'counted' | 'not_in_catalog' | 'unknown';
  /** Machine-readable why: `missing_principal_dx`, `unknown_principal_dx`, `no_dip_key`, `procedure_not_in_catalog`, `no_core_combination`, `no_comprehensive_group`, … */
  reason: string;
  detail: Record<string, unknown>;
}

export interface DipExplanation {
  /** Group code (`K80.1|51.23`, `K80|3`) or '' when ungrouped; the name as the ruleset gives it. */
  group: string;
  name: string;
  kind: DipKindName;
  score: number;
  records: DipTraceRecord[];
}

/** The DIP class names (§4), lowest first. */
export const DIP_CLASS_NAMES = ['conservative', 'diagnostic', 'therapeutic', 'surgery'] as const;

/** The trace of one case: key tried, procedure set, core match or fallback, class. Same flow as groupDip. */
export function explainDip(compiled: CompiledRuleset, i: number, cols: DipCaseColumns): DipExplanation {
  const t = compiled.tables, s = compiled.strings;
  const records: DipTraceRecord[] = [];
  const pdx = cols.principalDx[i]!, key = cols.principalDxDipKey[i]!, pp = cols.principalProc[i]!;
  const oS = cols.otherProcsOffsets[i]!, oE = cols.otherProcsOffsets[i + 1]!;
  const set = new Int32Array(oE - oS + 1);
  const g = dipGroupOf(t, pdx, key, pp, cols.otherProcs, oS, oE, set);
  const result = (): DipExplanation => {
    const kind = g >= 0 ? KIND_NAMES[t.dipGroupKind[g]!]! : 'none';
    const group = g >= 0 ? s.dipGroupCodes[g]! : '';
    records.push({ step: 'result', subject: group, outcome: g >= 0 ? 'grouped' : 'ungrouped', reason: kind, detail: { group: g } });
    return { group, name: g >= 0 ? s.dipGroupNames[g]! : '', kind, score: g >= 0 ? t.dipGroupScore[g]! : NaN, records };
  };

  if (pdx < 0 || pdx >= t.dxDipCategory.length) {
    records.push({ step: 'input', subject: '', outcome: 'ungrouped', reason: pdx === NO_CODE ? 'missing_principal_dx' : 'unknown_principal_dx', detail: {} });
    return result();
  }
  const dxCode = s.dxCodes[pdx]!;
  const cat = t.dxDipCategory[pdx]!;
  const keyCode = key >= 0 ? s.dipKeys[key]! : null;
  records.push({
    step: 'input', subject: keyCode ?? dxCode, outcome: keyCode === null ? 'none' : 'match', reason: keyCode === null ? 'no_dip_key' : 'dip_key',
    // The key was read from the case's own code; the dictionary code may be coarser (I21.100 → I21, key I21.1).
    detail: { dictionary_code: dxCode, key: keyCode, category: cat >= 0 ? s.dipCategories[cat]! : null },
  });

  let open = keyCode !== null;
  let cls = 0;
  const catalogProcs: string[] = [];
  for (let k = oS - 1; k < oE; k++) {
    const p = k < oS ? pp : cols.otherProcs[k]!;
    if (p === NO_CODE) continue;
    if (p < 0 || p >= t.procDipProc.length) {
      open = false;
      records.push({ step: 'procedure', subject: '?', outcome: 'unknown', reason: 'unknown_procedure', detail: { principal: k < oS, class: null } });
      continue;
    }
    const c = t.procDipClass[p]!;
    if (c > cls) cls = c;
    const d = t.procDipProc[p]!;
    if (d < 0) open = false;
    else catalogProcs.push(s.dipProcs[d]!);
    records.push({
      step: 'procedure', subject: s.procCodes[p]!, outcome: d < 0 ? 'not_in_catalog' : 'counted',
      reason: d < 0 ? 'procedure_not_in_catalog' : 'catalog_procedure',
      detail: { principal: k < oS, catalog_code: d >= 0 ? s.dipProcs[d]! : null, class: c >= 0 ? c : null, class_missing: c < 0 },
    });
  }
  const sorted = [...new Set(catalogProcs)].sort();
  const coreSubject = `${keyCode ?? dipKeyOfCode(dxCode) ?? dxCode}|${sorted.join('+')}`;
  if (g >= 0 && t.dipGroupKind[g] === DIP_KIND_CORE) {
    records.push({ step: 'core', subject: coreSubject, outcome: 'match', reason: 'core_combination', detail: { set: sorted, group: s.dipGroupCodes[g]! } });
    return result();
  }
  const why = keyCode === null ? 'no_dip_key' : !open ? 'procedure_not_in_catalog' : 'no_core_combination';
  const tried = key >= 0 ? t.dipKeyCoreEnd[key]! - t.dipKeyCoreStart[key]! : 0;
  records.push({ step: 'core', subject: coreSubject, outcome: 'fallback', reason: why, detail: { set: sorted, combinations_of_key: tried } });
  records.push({
    step: 'comprehensive', subject: `${cat >= 0 ? s.dipCategories[cat]! : ''}|${cls}`, outcome: g >= 0 ? 'match' : 'none',
    reason: g >= 0 ? 'highest_procedure_class' : 'no_comprehensive_group', detail: { category: cat >= 0 ? s.dipCategories[cat]! : null, class: cls, class_name: DIP_CLASS_NAMES[cls] },
  });
  return result();
}

/** A case's group as strings (tests, exports, the UI's page of rows). */
export function dipCodesOf(compiled: CompiledRuleset, out: DipOutput, i: number): { group: string; kind: DipKindName; name: string } {
  const g = out.group[i]!;
  return {
    group: g >= 0 ? compiled.strings.dipGroupCodes[g]! : '',
    kind: KIND_NAMES[out.kind[i]!]!,
    name: g >= 0 ? compiled.strings.dipGroupNames[g]! : '',
  };
}
