// The dictionaries of the rules.json layout: diagnosis and procedure names, the CC/MCC and principal-
// exclusion tables, the OR procedures and the code maps, as casemix-ruleset/1 entries.
import type { DiagnosisEntry, ProcedureEntry } from '../ruleset-format.ts';
import { isObj, type Json, type Obj, type Report } from './conditions.ts';

export interface ChsDictionaries {
  /** Normalised code → entry. */
  dxByCode: Map<string, DiagnosisEntry>;
  procByCode: Map<string, ProcedureEntry>;
  drgNames: Record<string, string>;
}

const norm = (c: string) => c.trim().toUpperCase();

/** A table of code → text (names, CC tables, maps); {} and a problem when it is not an object. */
export function stringMap(json: Obj, name: string, report: Report): Record<string, string> {
  const m = json[name];
  if (m === undefined) return {};
  if (!isObj(m)) { report('import.bad_table', `"${name}" must be an object`, name); return {}; }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) out[k] = String(v);
  return out;
}

/** Entries keyed by normalised code, created on first mention. */
function entryTable<E extends { code: string }>(): { byCode: Map<string, E>; entry: (code: string) => E } {
  const byCode = new Map<string, E>();
  const entry = (code: string): E => {
    const k = norm(code);
    let e = byCode.get(k);
    if (!e) byCode.set(k, (e = { code: code.trim() } as E));
    return e;
  };
  return { byCode, entry };
}

export function readChsDictionaries(json: Obj, report: Report): ChsDictionaries {
  const dxNames = stringMap(json, 'dx_names', report);
  const procNames = stringMap(json, 'proc_names', report);
  const mcc = stringMap(json, 'mcc', report);
  const cc = stringMap(json, 'cc', report);
  const pex = stringMap(json, 'cc_exclusion_of_principal', report);
  const drgNames = stringMap(json, 'drg_names', report);

  const dx = entryTable<DiagnosisEntry>();
  for (const [c, n] of Object.entries(dxNames)) { const e = dx.entry(c); if (n) e.name = n; }
  for (const [c, t] of Object.entries(cc)) Object.assign(dx.entry(c), { cc: 'cc', cc_exclusion: t });
  for (const [c, t] of Object.entries(mcc)) Object.assign(dx.entry(c), { cc: 'mcc', cc_exclusion: t });
  for (const [c, t] of Object.entries(pex)) dx.entry(c).principal_exclusion = t;

  const proc = entryTable<ProcedureEntry>();
  for (const [c, n] of Object.entries(procNames)) { const e = proc.entry(c); if (n) e.name = n; }
  const orProcs: Json = json.or_procedures;
  if (orProcs !== undefined && !Array.isArray(orProcs)) report('import.bad_table', '"or_procedures" must be an array', 'or_procedures');
  for (const c of Array.isArray(orProcs) ? orProcs : []) proc.entry(String(c)).or = true;
  return { dxByCode: dx.byCode, procByCode: proc.byCode, drgNames };
}

/**
 * Identity entries carry nothing; the compiler treats unmapped codes as themselves.
 * The reference grouper maps only codes its dictionaries (names, CC/MCC and exclusion tables) do
 * not hold; a dictionary code is used as it is. Dropping those entries keeps our map unconditional.
 */
export function nonIdentityMap(m: Record<string, string>, dictionary: Map<string, unknown>, listed: Set<string>): Record<string, string> {
  const out: Record<string, string> = {};
  // A code a rule list names is known as it is, too (regional tables list codes their dictionaries lack).
  for (const [k, v] of Object.entries(m)) if (norm(k) !== norm(v) && !dictionary.has(norm(k)) && !listed.has(norm(k))) out[k] = v.trim();
  return out;
}
