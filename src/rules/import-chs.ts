// Converts a CHS-DRG grouper rule file in the OpenDRG-derived layout (rules.json: mdc_order, mdcs,
// adrgs, drg_splits, mcc/cc tables, maps) into a casemix-ruleset/1 document. Never guesses: anything
// it cannot read (unknown condition key or field, undefined list or tag) becomes a Problem.
import {
  OR_PROCEDURES_LIST, RULESET_FORMAT,
  type AdrgRule, type CmpOp, type CodeListField, type Condition, type DiagnosisEntry, type DrgEntry, type ListRef,
  type MdcRule, type NumberField, type Problem, type ProcedureEntry, type Ruleset, type Split, type Step,
} from './ruleset-format.ts';
import { validateRuleset } from './ruleset-validate.ts';

type Json = unknown;
type Obj = Record<string, Json>;
const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: Json): v is string => typeof v === 'string';

// Field names of the reference layout → our case schema (domain §1).
const CODE_FIELD: Record<string, 'principal_dx' | 'principal_proc'> = { 'zdList[0]': 'principal_dx', 'ssList[0]': 'principal_proc' };
const LIST_FIELD: Record<string, CodeListField> = {
  zdList: 'all_dx', 'zdList[1:]': 'secondary_dx', ssList: 'all_procs', 'ssList[1:]': 'other_procs',
};
const NUMBER_FIELD: Record<string, NumberField> = {
  'int(age)': 'age_years', age: 'age_years', ageDay: 'age_days', weight: 'birth_weight_g', gender: 'sex',
  'len(zdList)': 'dx_count', 'len(ssList)': 'proc_count', inHospitalTime: 'los', leavingType: 'discharge_status',
};
const SWAP: Record<CmpOp, CmpOp> = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
/** The layout's name for the valid OR procedures. */
const SS_VALID = 'SS_VALID';
/** In a multi_site_trauma MDC list, an entry ending in this opens a body-site group. */
const SITE_HEADER_SUFFIX = '创伤';

export interface ChsImportResult {
  ruleset: Ruleset | null;
  problems: Problem[];
}

/** Owner of a condition: whose `lists` its list names refer to, and (ADRGs) its procedure tags. */
interface Owner {
  table: string;
  key: string;
  lists: Obj;
  tags: Map<string, string> | null;
}

/** Imports a parsed rules.json; the result validates as casemix-ruleset/1 or comes with problems. */
export function importChsRules(json: Json, meta: Partial<Ruleset['meta']> = {}): ChsImportResult {
  const problems: Problem[] = [];
  const add = (code: string, message: string, table: string, row?: string, field?: string) =>
    problems.push({ code, message, where: { table, ...(row !== undefined ? { row } : {}), ...(field !== undefined ? { field } : {}) } });
  if (!isObj(json)) return { ruleset: null, problems: [{ code: 'import.not_object', message: 'rules file must be a JSON object', where: { table: 'rules' } }] };
  for (const t of ['mdc_order', 'mdcs', 'adrgs', 'drg_splits']) if (json[t] === undefined) add('import.missing_table', `rules file has no "${t}"`, t);
  if (problems.length) return { ruleset: null, problems };

  const lists: Record<string, string[]> = {};
  const listRef = (l: Json, owner: Owner, path: string): ListRef | null => {
    if (Array.isArray(l)) return { codes: l.map(String) };
    if (!isStr(l)) { add('import.bad_list', `list operand must be a name or an array, got ${JSON.stringify(l)}`, owner.table, owner.key, path); return null; }
    if (l === SS_VALID) return OR_PROCEDURES_LIST;
    const codes = owner.lists[l];
    if (!Array.isArray(codes)) { add('list.undefined', `list "${l}" is not defined in ${owner.table} "${owner.key}"`, owner.table, owner.key, path); return null; }
    const name = `${owner.key}.${l}`;
    if (!(name in lists)) lists[name] = codes.map(String);
    return name;
  };

  // Returns null after adding a problem; callers keep going so every problem is reported.
  const cond = (c: Json, owner: Owner, path: string): Condition | null => {
    if (c === true || c === false) return c;
    if (!isObj(c) || Object.keys(c).length !== 1) { add('cond.bad_shape', `condition must be true, false or a one-key object: ${JSON.stringify(c)}`, owner.table, owner.key, path); return null; }
    const [key, v] = Object.entries(c)[0]!;
    const at = `${path}.${key}`;
    const arr = Array.isArray(v) ? v : [];
    const unknownField = (f: Json, p: string) => { add('import.unknown_field', `field "${String(f)}" is not known in "${key}"`, owner.table, owner.key, p); return null; };
    switch (key) {
      case 'and': case 'or': {
        if (!Array.isArray(v)) { add('cond.bad_shape', `"${key}" needs an array`, owner.table, owner.key, at); return null; }
        const kids = v.map((k, i) => cond(k, owner, `${at}[${i}]`));
        if (kids.some((k) => k === null)) return null;
        return key === 'and' ? { and: kids as Condition[] } : { or: kids as Condition[] };
      }
      case 'not': {
        const k = cond(v, owner, at);
        return k === null ? null : { not: k };
      }
      case 'in': {
        const f = CODE_FIELD[String(arr[0])];
        const l = listRef(arr[1], owner, `${at}[1]`);
        if (!f) return unknownField(arr[0], `${at}[0]`);
        return l === null ? null : { in: [f, l] };
      }
      case 'any_in': {
        const f = LIST_FIELD[String(arr[0])];
        const l = listRef(arr[1], owner, `${at}[1]`);
        if (!f) return unknownField(arr[0], `${at}[0]`);
        return l === null ? null : { any_in: [f, l] };
      }
      case 'has_code': {
        const f = LIST_FIELD[String(arr[0])] ?? CODE_FIELD[String(arr[0])];
        if (!f) return unknownField(arr[0], `${at}[0]`);
        if (!isStr(arr[1])) { add('cond.bad_shape', 'has_code needs a code', owner.table, owner.key, `${at}[1]`); return null; }
        return { has_code: [f, arr[1]] };
      }
      case 'present': {
        const f = CODE_FIELD[String(v)] ?? LIST_FIELD[String(v)] ?? NUMBER_FIELD[String(v)];
        return f ? { present: f } : unknownField(v, at);
      }
      case 'cmp': return cmp(arr, owner, at);
      case 'proc_tag': {
        const list = owner.tags?.get(String(v));
        if (!owner.tags) { add('import.no_tags', `proc_tag used in ${owner.table} "${owner.key}", which has no tagged procedure list`, owner.table, owner.key, at); return null; }
        if (!list) { add('import.undefined_tag', `procedure tag "${String(v)}" does not occur in ${owner.key}'s tag list`, owner.table, owner.key, at); return null; }
        return { any_in: ['all_procs', list] };
      }
      case 'has_mcc': return { has_mcc: v !== false };
      case 'has_cc': return { has_cc: v !== false };
      default:
        add('cond.unknown_key', `unknown condition key "${key}"`, owner.table, owner.key, at);
        return null;
    }
  };

  const cmp = (arr: Json[], owner: Owner, at: string): Condition | null => {
    if (arr.length !== 3 || !CMP_OPS_SET.has(String(arr[1]))) { add('cond.bad_shape', 'cmp needs [a, op, b]', owner.table, owner.key, at); return null; }
    let [a, op, b] = [arr[0], arr[1] as CmpOp, arr[2]];
    const isConst = (x: Json): x is { const: Json } => isObj(x) && 'const' in x;
    if (isConst(a) && !isConst(b)) { [a, b] = [b, a]; op = SWAP[op]; }
    if (isConst(a) && isConst(b)) return constCompare(a.const, op, b.const);
    const f = NUMBER_FIELD[String(a)];
    if (!f) { add('import.unknown_field', `field "${String(a)}" is not known in "cmp"`, owner.table, owner.key, `${at}[0]`); return null; }
    if (!isConst(b)) {
      const g = NUMBER_FIELD[String(b)];
      if (!g) { add('import.unknown_field', `field "${String(b)}" is not known in "cmp"`, owner.table, owner.key, `${at}[2]`); return null; }
      return { cmp: [f, op, { field: g }] };
    }
    const k = b.const;
    if (k === null) {
      // Python semantics of the layout: only == / != are meaningful against None.
      if (op === '==' || op === '!=') return { cmp: [f, op, null] };
      return false;
    }
    if (typeof k !== 'number') { add('cond.bad_value', `cmp constant must be a number or null, got ${JSON.stringify(k)}`, owner.table, owner.key, `${at}[2]`); return null; }
    if (Number.isInteger(k)) return { cmp: [f, op, k] };
    // Case numbers are integers, so a fractional bound is an integer bound in disguise.
    switch (op) {
      case '<': case '>=': return { cmp: [f, op, Math.ceil(k)] };
      case '<=': case '>': return { cmp: [f, op, Math.floor(k)] };
      case '==': return false;
      case '!=': return { cmp: [f, '!=', null] };
    }
  };

  // ----- dictionaries ----------------------------------------------------------------------------
  const strMap = (name: string): Record<string, string> => {
    const m = json[name];
    if (m === undefined) return {};
    if (!isObj(m)) { add('import.bad_table', `"${name}" must be an object`, name); return {}; }
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(m)) out[k] = String(v);
    return out;
  };
  const dxNames = strMap('dx_names');
  const procNames = strMap('proc_names');
  const mcc = strMap('mcc');
  const cc = strMap('cc');
  const pex = strMap('cc_exclusion_of_principal');
  const drgNames = strMap('drg_names');
  const norm = (c: string) => c.trim().toUpperCase();

  const dxByCode = new Map<string, DiagnosisEntry>();
  const dxEntry = (code: string): DiagnosisEntry => {
    const k = norm(code);
    let e = dxByCode.get(k);
    if (!e) dxByCode.set(k, (e = { code: code.trim() }));
    return e;
  };
  for (const [c, n] of Object.entries(dxNames)) { const e = dxEntry(c); if (n) e.name = n; }
  for (const [c, t] of Object.entries(cc)) Object.assign(dxEntry(c), { cc: 'cc', cc_exclusion: t });
  for (const [c, t] of Object.entries(mcc)) Object.assign(dxEntry(c), { cc: 'mcc', cc_exclusion: t });
  for (const [c, t] of Object.entries(pex)) dxEntry(c).principal_exclusion = t;

  const procByCode = new Map<string, ProcedureEntry>();
  const procEntry = (code: string): ProcedureEntry => {
    const k = norm(code);
    let e = procByCode.get(k);
    if (!e) procByCode.set(k, (e = { code: code.trim() }));
    return e;
  };
  for (const [c, n] of Object.entries(procNames)) { const e = procEntry(c); if (n) e.name = n; }
  const orProcs = json.or_procedures;
  if (orProcs !== undefined && !Array.isArray(orProcs)) add('import.bad_table', '"or_procedures" must be an array', 'or_procedures');
  for (const c of Array.isArray(orProcs) ? orProcs : []) procEntry(String(c)).or = true;

  // Identity entries carry nothing; the compiler treats unmapped codes as themselves.
  // The reference grouper maps only codes its dictionaries (names, CC/MCC and exclusion tables) do
  // not hold; a dictionary code is used as it is. Dropping those entries keeps our map unconditional.
  const nonIdentity = (m: Record<string, string>, dictionary: Map<string, unknown>) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(m)) if (norm(k) !== norm(v) && !dictionary.has(norm(k))) out[k] = v.trim();
    return out;
  };

  // ----- groups ----------------------------------------------------------------------------------
  const mdcsIn = json.mdcs as Obj;
  const adrgsIn = json.adrgs as Obj;
  const splitsIn = json.drg_splits as Obj;
  const drgTable = new Map<string, DrgEntry>();
  const adrgs: AdrgRule[] = [];

  for (const [code, raw] of Object.entries(adrgsIn)) {
    if (!isObj(raw)) { add('import.bad_row', `ADRG "${code}" must be an object`, 'adrgs', code); continue; }
    const ownLists = isObj(raw.lists) ? raw.lists : {};
    let tags: Map<string, string> | null = null;
    if (isObj(raw.tags)) {
      // Tagged procedure list: codes[i] carries tag tags[i]; each tag becomes its own list.
      const codes = ownLists[String(raw.tags.codes)];
      const tagOf = ownLists[String(raw.tags.tags)];
      if (!Array.isArray(codes) || !Array.isArray(tagOf) || codes.length !== tagOf.length) {
        add('import.bad_tags', `ADRG "${code}": tags must name two lists of equal length`, 'adrgs', code, 'tags');
      } else {
        tags = new Map();
        const codesName = String(raw.tags.codes);
        codes.forEach((c, i) => {
          const name = `${code}.${codesName}#${String(tagOf[i])}`;
          tags!.set(String(tagOf[i]), name);
          (lists[name] ??= []).push(String(c));
        });
      }
    }
    const owner: Owner = { table: 'adrgs', key: code, lists: ownLists, tags };
    const when = cond(raw.when ?? true, owner, 'when');
    const splits: Split[] = [];
    const drgs = Array.isArray(raw.drgs) ? raw.drgs : [];
    if (!Array.isArray(raw.drgs)) add('import.bad_row', `ADRG "${code}" needs "drgs"`, 'adrgs', code, 'drgs');
    drgs.forEach((d, i) => {
      const splitKey = isStr(d) ? d : isObj(d) ? String(d.split) : '';
      const drg = isStr(d) ? d : isObj(d) ? String(d.code) : '';
      const s = splitsIn[splitKey];
      if (!isObj(s)) { add('ref.split_undefined', `ADRG "${code}" lists DRG split "${splitKey}", which drg_splits does not define`, 'adrgs', code, `drgs[${i}]`); return; }
      const w = cond(s.when ?? true, { table: 'drg_splits', key: splitKey, lists: isObj(s.lists) ? s.lists : {}, tags }, 'when');
      if (w === null) return;
      splits.push(w === true ? { drg } : { drg, when: w });
      if (!drgTable.has(drg)) drgTable.set(drg, { code: drg, adrg: code, ...(drgNames[drg] ? { name: drgNames[drg] } : {}) });
    });
    const rule: AdrgRule = { code, when: when ?? false, splits };
    // The layout's fallback is a DRG code; "" (or none) means the ADRG did not match.
    const fb = raw.fallback;
    const lastAlways = splits.length > 0 && splits[splits.length - 1]!.when === undefined;
    if (isStr(fb) && fb !== '' && !lastAlways) {
      rule.fallback = fb;
      if (!drgTable.has(fb)) drgTable.set(fb, { code: fb, adrg: code, ...(drgNames[fb] ? { name: drgNames[fb] } : {}) });
    }
    adrgs.push(rule);
  }
  for (const [drg, name] of Object.entries(drgNames)) {
    if (drgTable.has(drg)) continue;
    if (adrgsIn[drg.slice(0, 3)] !== undefined) drgTable.set(drg, { code: drg, adrg: drg.slice(0, 3), name });
    else add('ref.adrg_undefined', `drg_names has "${drg}" but no ADRG "${drg.slice(0, 3)}" exists`, 'drg_names', drg);
  }

  const mdcs: MdcRule[] = [];
  const order = Array.isArray(json.mdc_order) ? json.mdc_order.map(String) : [];
  if (!Array.isArray(json.mdc_order)) add('import.bad_table', '"mdc_order" must be an array', 'mdc_order');
  for (const code of order) {
    const raw = mdcsIn[code];
    if (!isObj(raw)) { add('ref.mdc_undefined', `mdc_order names "${code}", which mdcs does not define`, 'mdc_order', code); continue; }
    const ownLists: Obj = isObj(raw.lists) ? { ...raw.lists } : {};
    let siteGuard: Condition | null = null;
    if (raw.special === 'multi_site_trauma') {
      // Site headers (…创伤) open groups within mdc_zd; headers themselves are not codes.
      const zd = Array.isArray(ownLists.mdc_zd) ? ownLists.mdc_zd.map(String) : [];
      const sites: string[] = [];
      let current: string | null = null;
      for (const c of zd) {
        if (c.endsWith(SITE_HEADER_SUFFIX)) {
          current = `${code}.site:${c}`;
          sites.push(current);
          lists[current] = [];
        } else if (current) lists[current]!.push(c);
      }
      ownLists.mdc_zd = zd.filter((c) => !c.endsWith(SITE_HEADER_SUFFIX));
      if (sites.length < 2) add('import.bad_sites', `multi_site_trauma MDC "${code}" has fewer than two site headers in mdc_zd`, 'mdcs', code, 'lists.mdc_zd');
      siteGuard = { hits_at_least: ['all_dx', sites, 2] };
    } else if (raw.special !== null && raw.special !== undefined) {
      add('import.unknown_special', `unknown special "${String(raw.special)}"`, 'mdcs', code, 'special');
    }
    const owner: Owner = { table: 'mdcs', key: code, lists: ownLists, tags: null };
    let guard = cond(raw.guard ?? true, owner, 'guard') ?? false;
    if (siteGuard) guard = { and: [guard, siteGuard] };
    const steps: Step[] = [];
    (Array.isArray(raw.steps) ? raw.steps : []).forEach((s, i) => {
      if (isObj(s) && isStr(s.adrg)) {
        const step: Step = { adrg: s.adrg };
        if (s.when !== undefined) { const w = cond(s.when, owner, `steps[${i}].when`); if (w !== null && w !== true) step.when = w; }
        steps.push(step);
      } else if (isObj(s) && isStr(s.qy)) {
        steps.push({ ambiguity: s.qy, when: cond(s.when ?? true, owner, `steps[${i}].when`) ?? false });
      } else add('import.bad_step', `step ${i} must be {"adrg"} or {"qy","when"}`, 'mdcs', code, `steps[${i}]`);
    });
    mdcs.push({ code, guard, steps });
  }
  if (problems.length) return { ruleset: null, problems };

  const ruleset: Ruleset = {
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
    dx_map: nonIdentity(strMap('dx_map'), dxByCode),
    proc_map: nonIdentity(strMap('proc_map'), procByCode),
    diagnoses: [...dxByCode.values()],
    procedures: [...procByCode.values()],
    lists,
    mdcs,
    adrgs,
    drgs: [...drgTable.values()],
    retry_each_other_procedure: json.retry_each_other_procedure_when_ungroupable === true,
  };
  const after = validateRuleset(ruleset);
  return after.length ? { ruleset: null, problems: after } : { ruleset, problems: [] };
}

const CMP_OPS_SET = new Set(['==', '!=', '<', '<=', '>', '>=']);

function constCompare(a: Json, op: CmpOp, b: Json): boolean {
  switch (op) {
    case '==': return a === b;
    case '!=': return a !== b;
    default:
      if (typeof a !== 'number' || typeof b !== 'number') return false;
      return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
  }
}
