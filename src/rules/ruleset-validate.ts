// Checks a casemix-ruleset/1 document and lists every problem with where it is (table, row, field).
// It never repairs or guesses: a ruleset with any problem is refused whole by the compiler.
import {
  CHECK_REASONS, CMP_OPS, CODE_FIELDS, CODE_LIST_FIELDS, CONDITION_KEYS, DIP_CATEGORY_LENGTH, DIP_DX_KEY_LENGTH,
  DIP_PROCEDURE_CLASSES, NUMBER_FIELDS, OR_PROCEDURES_LIST, RULESET_FORMAT, TEXT_VALUE_FIELD,
  type Problem,
} from './ruleset-format.ts';

type Json = unknown;
type Row = Record<string, Json>;
const isObj = (v: Json): v is Row => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: Json): v is string => typeof v === 'string';
const isStrArray = (v: Json): v is string[] => Array.isArray(v) && v.every(isStr);
const norm = (c: string) => c.trim().toUpperCase();

/**
 * How deep conditions may nest (and/or/not levels); the reference tables nest at most 3. Validation stops
 * descending here, so a hostile document is refused with its path instead of overflowing the stack.
 */
export const MAX_CONDITION_DEPTH = 64;

/** A value as a message shows it; a hostile nesting (String and JSON.stringify recurse) shows as a placeholder. */
export function shown(x: Json, json = false): string {
  try {
    const t = json ? JSON.stringify(x) ?? String(x) : String(x);
    return t.length > 80 ? `${t.slice(0, 80)}…` : t;
  } catch {
    return '(a value nested too deep to show)';
  }
}

/** The problem of a condition nested deeper than MAX_CONDITION_DEPTH (shared with the CHS importer). */
export function tooDeepMessage(path: string): string {
  return `condition nested deeper than ${MAX_CONDITION_DEPTH} levels at path ${path}`;
}

/** Every problem of a ruleset document; empty when it can be compiled. Each step adds its problems in document order. */
export function validateRuleset(json: Json): Problem[] {
  const v = new Checker();
  if (!isObj(json)) {
    v.add('format.not_object', 'a ruleset is a JSON object', 'ruleset');
    return v.problems;
  }
  checkHeader(v, json);
  const diagnoses = v.table(json, 'diagnoses', false);
  const procedures = v.table(json, 'procedures', false);
  const mdcs = v.table(json, 'mdcs', true);
  const adrgs = v.table(json, 'adrgs', true);
  const drgs = v.table(json, 'drgs', true);
  checkDictionaries(v, diagnoses, procedures);
  checkMatching(v, json);
  checkLists(v, json.lists);

  const adrgByCode = new Map<string, Row>();
  for (const a of adrgs) adrgByCode.set(a.code as string, a);
  // The ADRGs: every row's own code, or the ADRG an alternative entry (`adrg`) defines.
  const adrgCodes = new Set<string>();
  for (const a of adrgs) adrgCodes.add(isStr(a.adrg) ? a.adrg : (a.code as string));
  const drgByCode = new Map<string, Row>();
  for (const d of drgs) drgByCode.set(d.code as string, d);
  checkDrgs(v, drgs, adrgCodes);
  for (const a of adrgs) checkAdrg(v, a, drgByCode, adrgByCode);
  for (const m of mdcs) checkMdc(v, m, adrgByCode, adrgCodes);
  checkChecks(v, json.checks);

  const reach = dipReach(json, diagnoses, procedures);
  checkDipCatalog(v, json.dip_catalog, reach);
  checkDipComprehensive(v, json.dip_comprehensive, reach);
  checkSettings(v, json);
  return v.problems;
}

/** The problems found so far, the list names conditions may use, and the checks every table shares. */
class Checker {
  readonly problems: Problem[] = [];
  readonly listNames = new Set<string>([OR_PROCEDURES_LIST]);

  add(code: string, message: string, table: string, row?: string | number, field?: string): void {
    this.problems.push({ code, message, where: { table, ...(row !== undefined ? { row } : {}), ...(field !== undefined ? { field } : {}) } });
  }

  /** The rows of a table of entries with a unique `code` (dictionary codes compared normalised). */
  table(json: Row, name: string, required: boolean): Row[] {
    const t = json[name];
    if (t === undefined && !required) return [];
    if (!Array.isArray(t)) { this.add('table.bad', `"${name}" must be an array`, name); return []; }
    const seen = new Set<string>();
    const rows: Row[] = [];
    t.forEach((row, i) => {
      if (!isObj(row) || !isStr(row.code) || row.code.trim() === '') { this.add('row.bad', `row ${i} of ${name} needs a non-empty "code"`, name, i, 'code'); return; }
      const key = name === 'diagnoses' || name === 'procedures' ? norm(row.code) : row.code;
      if (seen.has(key)) this.add('code.duplicate', `${name}: code "${row.code}" appears twice`, name, row.code, 'code');
      seen.add(key);
      rows.push(row);
    });
    return rows;
  }

  /** A condition tree: reports the path of every bad node; never descends below MAX_CONDITION_DEPTH. */
  condition(c: Json, table: string, row: string | number, path: string, depth = 0): void {
    if (typeof c === 'boolean') return;
    if (depth >= MAX_CONDITION_DEPTH) { this.add('cond.too_deep', tooDeepMessage(path), table, row, path); return; }
    if (!isObj(c) || Object.keys(c).length !== 1) { this.add('cond.bad_shape', 'a condition is true, false or an object with exactly one key', table, row, path); return; }
    const [key, v] = Object.entries(c)[0]!;
    const at = `${path}.${key}`;
    const badShape = (expect: string): void => { this.add('cond.bad_shape', `"${key}" expects ${expect}`, table, row, at); };
    const field = (f: Json, allowed: readonly string[], what: string, p: string) => this.field(f, allowed, what, table, row, p);
    switch (key as (typeof CONDITION_KEYS)[number]) {
      case 'and': case 'or':
        if (!Array.isArray(v)) return badShape('an array of conditions');
        v.forEach((k, i) => this.condition(k, table, row, `${at}[${i}]`, depth + 1));
        return;
      case 'not': return this.condition(v, table, row, at, depth + 1);
      case 'in':
        if (!Array.isArray(v) || v.length !== 2) return badShape('[code field, list]');
        field(v[0], CODE_FIELDS, 'single-code field', `${at}[0]`);
        return this.listRef(v[1], table, row, `${at}[1]`);
      case 'any_in':
        if (!Array.isArray(v) || v.length !== 2) return badShape('[list field, list]');
        field(v[0], CODE_LIST_FIELDS, 'code-list field', `${at}[0]`);
        return this.listRef(v[1], table, row, `${at}[1]`);
      case 'has_code':
        if (!Array.isArray(v) || v.length !== 2 || !isStr(v[1])) return badShape('[field, code]');
        field(v[0], [...CODE_FIELDS, ...CODE_LIST_FIELDS], 'code field', `${at}[0]`);
        return;
      case 'cmp':
        if (!Array.isArray(v) || v.length !== 3) return badShape('[number field, op, value]');
        return this.comparison(v, table, row, at);
      case 'one_of':
        if (!Array.isArray(v) || v.length !== 2 || !Array.isArray(v[1])) return badShape('[field, [values]]');
        if (field(v[0], NUMBER_FIELDS, 'number field', `${at}[0]`)) (v[1] as Json[]).forEach((x, i) => this.value(v[0] as string, x, table, row, `${at}[1][${i}]`));
        return;
      case 'present':
        field(v, [...CODE_FIELDS, ...CODE_LIST_FIELDS, ...NUMBER_FIELDS], 'field', at);
        return;
      case 'hits_at_least':
        if (!Array.isArray(v) || v.length !== 3 || !Array.isArray(v[1]) || !Number.isInteger(v[2])) return badShape('[list field, [lists], n]');
        field(v[0], CODE_LIST_FIELDS, 'code-list field', `${at}[0]`);
        (v[1] as Json[]).forEach((l, i) => this.listRef(l, table, row, `${at}[1][${i}]`));
        return;
      case 'has_mcc': case 'has_cc':
        if (typeof v !== 'boolean') badShape('true or false');
        return;
      default:
        this.add('cond.unknown_key', `unknown condition key "${key}" (known: ${CONDITION_KEYS.join(', ')})`, table, row, at);
    }
  }

  /** The operands of `cmp`: [number field, op, integer ≥ 0 | null | {field}]; department only with null. */
  private comparison(v: Json[], table: string, row: string | number, at: string): void {
    const known = this.field(v[0], NUMBER_FIELDS, 'number field', table, row, `${at}[0]`);
    if (!CMP_OPS.includes(v[1] as never)) this.add('cond.bad_op', `"${shown(v[1])}" is not one of ${CMP_OPS.join(' ')}`, table, row, `${at}[1]`);
    const b = v[2];
    if (b === null) { if (v[1] !== '==' && v[1] !== '!=') this.add('cond.bad_op', 'only == and != compare with null', table, row, `${at}[1]`); }
    else if (v[0] === TEXT_VALUE_FIELD || (isObj(b) && b.field === TEXT_VALUE_FIELD)) this.add('cond.bad_value', `${TEXT_VALUE_FIELD} is a text: test it with {"one_of": ["${TEXT_VALUE_FIELD}", ["ICU"]]}`, table, row, `${at}[2]`);
    else if (isObj(b)) this.field(b.field, NUMBER_FIELDS, 'number field', table, row, `${at}[2].field`);
    else if (known) this.value(v[0] as string, b, table, row, `${at}[2]`);
  }

  /** A constant a field is compared with: a text for department, else an integer ≥ 0. */
  private value(f: string, x: Json, table: string, row: string | number, p: string): void {
    if (f === TEXT_VALUE_FIELD) { if (!isStr(x) || x.trim() === '') this.add('cond.bad_value', `${TEXT_VALUE_FIELD} compares with a non-empty text, got ${shown(x, true)}`, table, row, p); }
    else if (!Number.isInteger(x) || (x as number) < 0 || (x as number) > 2 ** 31 - 1) this.add('cond.bad_value', `compare ${f} with an integer ≥ 0, null or {"field": …}, got ${shown(x, true)}`, table, row, p);
  }

  private field(f: Json, allowed: readonly string[], what: string, table: string, row: string | number, p: string): boolean {
    if (!isStr(f) || !allowed.includes(f)) { this.add('cond.unknown_field', `"${shown(f)}" is not a ${what} (${allowed.join(', ')})`, table, row, p); return false; }
    return true;
  }

  private listRef(ref: Json, table: string, row: string | number, path: string): void {
    if (isStr(ref)) { if (!this.listNames.has(ref)) this.add('list.undefined', `list "${ref}" is not defined`, table, row, path); return; }
    if (isObj(ref) && isStrArray(ref.codes) && Object.keys(ref).length === 1) return;
    this.add('cond.bad_shape', 'a list is a list name or {"codes": [...]}', table, row, path);
  }
}

function checkHeader(v: Checker, json: Row): void {
  if (json.format !== RULESET_FORMAT) v.add('format.bad', `"format" must be "${RULESET_FORMAT}"`, 'ruleset', undefined, 'format');
  const meta = json.meta;
  if (!isObj(meta) || !isStr(meta.name) || !isStr(meta.version)) v.add('meta.bad', 'meta needs a name and a version (strings)', 'meta');
  else if (meta.dip_score_factor !== undefined && typeof meta.dip_score_factor !== 'number') v.add('meta.bad', 'dip_score_factor must be a number', 'meta', undefined, 'dip_score_factor');
}

function checkDictionaries(v: Checker, diagnoses: Row[], procedures: Row[]): void {
  for (const d of diagnoses) {
    const code = d.code as string;
    if (d.name !== undefined && !isStr(d.name)) v.add('field.type', 'name must be a string', 'diagnoses', code, 'name');
    if (d.cc !== undefined && d.cc !== 'cc' && d.cc !== 'mcc') v.add('field.type', 'cc must be "cc" or "mcc"', 'diagnoses', code, 'cc');
    for (const f of ['cc_exclusion', 'principal_exclusion']) if (d[f] !== undefined && !isStr(d[f])) v.add('field.type', `${f} must be a string (an exclusion-table number)`, 'diagnoses', code, f);
    if (d.cc !== undefined && d.cc_exclusion === undefined) v.add('cc.no_exclusion', `CC/MCC code "${code}" has no exclusion-table number`, 'diagnoses', code, 'cc_exclusion');
  }
  for (const p of procedures) {
    if (p.or !== undefined && typeof p.or !== 'boolean') v.add('field.type', 'or must be true or false', 'procedures', p.code as string, 'or');
    if (p.dip_class !== undefined && !(DIP_PROCEDURE_CLASSES as readonly Json[]).includes(p.dip_class)) v.add('field.type', 'dip_class must be 0, 1, 2 or 3', 'procedures', p.code as string, 'dip_class');
  }
}

/** dx_map / proc_map, then code_matching. */
function checkMatching(v: Checker, json: Row): void {
  for (const m of ['dx_map', 'proc_map']) {
    const map = json[m];
    if (map === undefined) continue;
    if (!isObj(map)) { v.add('map.bad', `${m} must be an object of code → code`, m); continue; }
    for (const [k, to] of Object.entries(map)) if (!isStr(to) || to.trim() === '') v.add('map.bad', `${m}["${k}"] must map to a non-empty code`, m, k);
  }
  const cm = json.code_matching;
  if (cm === undefined) return;
  if (!isObj(cm)) { v.add('field.type', 'code_matching must be an object', 'code_matching'); return; }
  for (const [k, space] of Object.entries(cm)) {
    if (k !== 'dx' && k !== 'proc') { v.add('field.unknown', `code_matching.${k} is not a code space (dx, proc)`, 'code_matching', undefined, k); continue; }
    const fl = isObj(space) ? space.fallback_lengths : undefined;
    if (!isObj(space) || (fl !== undefined && !(Array.isArray(fl) && fl.every((n) => Number.isInteger(n) && (n as number) > 0))))
      v.add('field.type', 'fallback_lengths must be positive integers', 'code_matching', k, 'fallback_lengths');
  }
}

/** Named lists; every name is known to conditions afterwards, even a bad list's. */
function checkLists(v: Checker, lists: Json): void {
  if (lists === undefined) return;
  if (!isObj(lists)) { v.add('table.bad', '"lists" must be an object of name → codes', 'lists'); return; }
  for (const [name, codes] of Object.entries(lists)) {
    if (name.startsWith('$')) v.add('list.reserved', `list names starting with "$" are built in ("${name}")`, 'lists', name);
    if (!isStrArray(codes)) v.add('list.bad', `list "${name}" must be an array of codes`, 'lists', name);
    v.listNames.add(name);
  }
}

function checkDrgs(v: Checker, drgs: Row[], adrgCodes: Set<string>): void {
  for (const d of drgs) {
    const code = d.code as string;
    if (!isStr(d.adrg)) v.add('field.missing', `DRG "${code}" needs its "adrg"`, 'drgs', code, 'adrg');
    else if (!adrgCodes.has(d.adrg)) v.add('ref.adrg_undefined', `DRG "${code}" belongs to ADRG "${d.adrg}", which is not defined`, 'drgs', code, 'adrg');
    for (const f of ['weight', 'mean_los', 'mean_cost']) {
      const x = d[f];
      if (x !== undefined && (typeof x !== 'number' || !Number.isFinite(x) || x < 0)) v.add('field.type', `${f} must be a number ≥ 0`, 'drgs', code, f);
    }
  }
}

/** An ADRG row: kind, entry, condition, splits (each giving one of its own DRGs) and fallback. Dead rows are warnings. */
function checkAdrg(v: Checker, a: Row, drgByCode: Map<string, Row>, adrgByCode: Map<string, Row>): void {
  const code = a.code as string;
  if (a.adrg !== undefined) {
    const base = adrgByCode.get(a.adrg as string);
    if (!isStr(a.adrg) || a.adrg.trim() === '') v.add('field.type', 'adrg (the ADRG this entry defines) must be an ADRG code', 'adrgs', code, 'adrg');
    else if (base && base !== a && base.adrg !== undefined && base.adrg !== a.adrg) v.add('ref.adrg_undefined', `entry "${code}" defines ADRG "${a.adrg}", which is itself an entry of "${shown(base.adrg)}"`, 'adrgs', code, 'adrg');
  }
  const own = isStr(a.adrg) ? a.adrg : code;
  if (a.kind !== undefined && !['surgical', 'non_or', 'medical'].includes(a.kind as string)) v.add('field.type', 'kind must be surgical, non_or or medical', 'adrgs', code, 'kind');
  if (a.when === undefined) v.add('field.missing', `ADRG "${code}" needs "when"`, 'adrgs', code, 'when');
  else v.condition(a.when, 'adrgs', code, 'when');
  if (!Array.isArray(a.splits)) { v.add('field.missing', `ADRG "${code}" needs "splits" (an array)`, 'adrgs', code, 'splits'); return; }
  a.splits.forEach((s, i) => {
    const at = `splits[${i}]`;
    if (!isObj(s) || !isStr(s.drg)) { v.add('split.bad', 'a split is {"drg": code, "when"?: condition}', 'adrgs', code, at); return; }
    if (s.when !== undefined) v.condition(s.when, 'adrgs', code, `${at}.when`);
    const drg = drgByCode.get(s.drg);
    if (!drg) v.add('ref.drg_undefined', `split ${i} gives DRG "${s.drg}", which is not in the DRG table`, 'adrgs', code, `${at}.drg`);
    else if (drg.adrg !== own) v.add('split.wrong_adrg', `split ${i} gives DRG "${s.drg}", which belongs to ADRG "${shown(drg.adrg)}", not ${own}`, 'adrgs', code, `${at}.drg`);
  });
  if (a.fallback !== undefined) {
    const drg = isStr(a.fallback) ? drgByCode.get(a.fallback) : undefined;
    if (!isStr(a.fallback)) v.add('field.type', 'fallback must be a DRG code', 'adrgs', code, 'fallback');
    else if (!drg) v.add('ref.drg_undefined', `fallback DRG "${a.fallback}" is not in the DRG table`, 'adrgs', code, 'fallback');
    else if (drg.adrg !== own) v.add('split.wrong_adrg', `fallback DRG "${a.fallback}" belongs to ADRG "${shown(drg.adrg)}", not ${own}`, 'adrgs', code, 'fallback');
  }
  if (a.splits.length === 0 && a.fallback === undefined) v.add('split.empty', `ADRG "${code}" has no splits and no fallback: it can never group`, 'adrgs', code, 'splits');
}

/** An MDC: guard and steps (an ADRG tried, or an ambiguity group with its own code). */
function checkMdc(v: Checker, m: Row, adrgByCode: Map<string, Row>, adrgCodes: Set<string>): void {
  const code = m.code as string;
  if (m.guard === undefined) v.add('field.missing', `MDC "${code}" needs "guard"`, 'mdcs', code, 'guard');
  else v.condition(m.guard, 'mdcs', code, 'guard');
  if (!Array.isArray(m.steps)) { v.add('field.missing', `MDC "${code}" needs "steps" (an array)`, 'mdcs', code, 'steps'); return; }
  m.steps.forEach((s, i) => {
    const at = `steps[${i}]`;
    if (isObj(s) && isStr(s.adrg)) {
      if (!adrgByCode.has(s.adrg)) v.add('ref.adrg_undefined', `step ${i} tries ADRG "${s.adrg}", which is not defined`, 'mdcs', code, `${at}.adrg`);
      if (s.when !== undefined) v.condition(s.when, 'mdcs', code, `${at}.when`);
    } else if (isObj(s) && isStr(s.ambiguity)) {
      if (s.when === undefined) v.add('field.missing', 'an ambiguity step needs "when" (false switches it off)', 'mdcs', code, `${at}.when`);
      else v.condition(s.when, 'mdcs', code, `${at}.when`);
      if (s.name !== undefined && !isStr(s.name)) v.add('field.type', 'name must be a string', 'mdcs', code, `${at}.name`);
      if (adrgByCode.has(s.ambiguity) || adrgCodes.has(s.ambiguity)) v.add('code.duplicate', `ambiguity group "${s.ambiguity}" has the code of an ADRG`, 'mdcs', code, `${at}.ambiguity`);
    } else v.add('step.bad', 'a step is {"adrg": code} or {"ambiguity": code, "when": condition}', 'mdcs', code, at);
  });
}

function checkChecks(v: Checker, checks: Json): void {
  if (checks === undefined) return;
  if (!Array.isArray(checks)) { v.add('table.bad', '"checks" must be an array', 'checks'); return; }
  checks.forEach((c, i) => {
    if (!isObj(c)) { v.add('row.bad', 'a check is {"reason", "when"}', 'checks', i); return; }
    if (!CHECK_REASONS.includes(c.reason as never)) v.add('check.bad_reason', `reason must be one of ${CHECK_REASONS.join(', ')}`, 'checks', i, 'reason');
    if (c.when === undefined) v.add('field.missing', 'a check needs "when"', 'checks', i, 'when');
    else v.condition(c.when, 'checks', i, 'when');
  });
}

// DIP (§4). Keys are compared normalised; a catalog procedure set is a set (order and repeats ignored).
// A diagnosis key is read from the case's own code, so it only needs a known category; a catalog
// procedure is matched through the procedure dictionary, so a dictionary code must reach it.

/** What the dictionaries can reach: categories of their diagnoses, procedures and their fallback prefixes. */
interface DipReach {
  hasDiagnoses: boolean;
  hasProcedures: boolean;
  dxCategories: Set<string>;
  procReached: Set<string>;
}

function dipReach(json: Row, diagnoses: Row[], procedures: Row[]): DipReach {
  const cm = json.code_matching;
  const dxCodes = diagnoses.map((d) => norm(d.code as string));
  const procCodes = procedures.map((p) => norm(p.code as string));
  const procFallback = isObj(cm) && isObj(cm.proc) && Array.isArray(cm.proc.fallback_lengths) ? (cm.proc.fallback_lengths as number[]) : [];
  const dxCategories = new Set(dxCodes.filter((c) => c.length >= DIP_CATEGORY_LENGTH).map((c) => c.slice(0, DIP_CATEGORY_LENGTH)));
  // A catalog procedure is reached by a dictionary code equal to it or cut to it by a fallback length.
  const procReached = new Set(procCodes);
  for (const c of procCodes) for (const len of procFallback) if (len < c.length) procReached.add(c.slice(0, len));
  return { hasDiagnoses: diagnoses.length > 0, hasProcedures: procedures.length > 0, dxCategories, procReached };
}

/** score / mean_cost (numbers ≥ 0) and name / source (strings) of a DIP entry. */
function checkDipNumbers(v: Checker, e: Row, table: string, i: number): void {
  const isScore = (x: Json) => typeof x === 'number' && Number.isFinite(x) && x >= 0;
  for (const f of ['score', 'mean_cost']) if (e[f] !== undefined && !isScore(e[f])) v.add('field.type', `${f} must be a number ≥ 0`, table, i, f);
  for (const f of ['name', 'source']) if (e[f] !== undefined && !isStr(e[f])) v.add('field.type', `${f} must be a string`, table, i, f);
}

function checkDipCatalog(v: Checker, dip: Json, reach: DipReach): void {
  if (dip === undefined) return;
  if (!Array.isArray(dip)) { v.add('table.bad', '"dip_catalog" must be an array', 'dip_catalog'); return; }
  const seen = new Set<string>();
  dip.forEach((e, i) => {
    if (!isObj(e) || !isStr(e.dx) || !isStrArray(e.procs)) { v.add('row.bad', 'a DIP entry is {"dx": code, "procs": [codes]}', 'dip_catalog', i); return; }
    const dx = norm(e.dx);
    const procs = [...new Set(e.procs.map(norm))].sort();
    const key = `${dx}|${procs.join('+')}`;
    if (seen.has(key)) v.add('code.duplicate', `DIP combination ${key} appears twice`, 'dip_catalog', i);
    seen.add(key);
    if (dx.length !== DIP_DX_KEY_LENGTH || dx.charAt(3) !== '.') v.add('dip.bad_key', `DIP diagnosis key "${e.dx}" is not at subcategory level (e.g. K80.1)`, 'dip_catalog', i, 'dx');
    else if (reach.hasDiagnoses && !reach.dxCategories.has(dx.slice(0, DIP_CATEGORY_LENGTH))) v.add('dip.unknown_dx', `no diagnosis of the dictionary is in the category of DIP key "${e.dx}": the combination can never match`, 'dip_catalog', i, 'dx');
    procs.forEach((p, k) => {
      if (p === '') v.add('field.type', 'a procedure code must not be empty', 'dip_catalog', i, `procs[${k}]`);
      else if (reach.hasProcedures && !reach.procReached.has(p)) v.add('dip.unknown_proc', `procedure "${p}" is not in the procedure dictionary, nor a fallback prefix of one of its codes`, 'dip_catalog', i, 'procs');
    });
    checkDipNumbers(v, e, 'dip_catalog', i);
  });
}

function checkDipComprehensive(v: Checker, comp: Json, reach: DipReach): void {
  if (comp === undefined) return;
  if (!Array.isArray(comp)) { v.add('table.bad', '"dip_comprehensive" must be an array', 'dip_comprehensive'); return; }
  const seen = new Set<string>();
  comp.forEach((e, i) => {
    if (!isObj(e) || !isStr(e.dx)) { v.add('row.bad', 'a comprehensive group is {"dx": category, "proc_class": 0–3}', 'dip_comprehensive', i); return; }
    const dx = norm(e.dx);
    if (!(DIP_PROCEDURE_CLASSES as readonly Json[]).includes(e.proc_class)) { v.add('field.type', 'proc_class must be 0, 1, 2 or 3', 'dip_comprehensive', i, 'proc_class'); }
    else {
      const key = `${dx}#${String(e.proc_class)}`;
      if (seen.has(key)) v.add('code.duplicate', `comprehensive group ${dx} class ${String(e.proc_class)} appears twice`, 'dip_comprehensive', i);
      seen.add(key);
    }
    if (dx.length !== DIP_CATEGORY_LENGTH) v.add('dip.bad_key', `comprehensive group diagnosis "${e.dx}" is not a category (e.g. K80)`, 'dip_comprehensive', i, 'dx');
    else if (reach.hasDiagnoses && !reach.dxCategories.has(dx)) v.add('dip.unknown_dx', `no diagnosis of the dictionary falls under category "${e.dx}"`, 'dip_comprehensive', i, 'dx');
    checkDipNumbers(v, e, 'dip_comprehensive', i);
  });
}

/** parameters and retry_each_other_procedure. */
function checkSettings(v: Checker, json: Row): void {
  const params = json.parameters;
  if (params !== undefined) {
    if (!isObj(params)) v.add('table.bad', '"parameters" must be an object', 'parameters');
    else for (const [k, x] of Object.entries(params))
      if (!['number', 'string', 'boolean'].includes(typeof x)) v.add('field.type', `parameter "${k}" must be a number, string or boolean`, 'parameters', k);
  }
  if (json.retry_each_other_procedure !== undefined && typeof json.retry_each_other_procedure !== 'boolean')
    v.add('field.type', 'retry_each_other_procedure must be true or false', 'ruleset', undefined, 'retry_each_other_procedure');
  const fail = json.fail_drg_codes;
  if (fail !== undefined) {
    if (!isObj(fail)) v.add('field.type', 'fail_drg_codes must be {"ungroupable"?: code, "mdc_only"?: code}', 'fail_drg_codes');
    else for (const [k, c] of Object.entries(fail)) {
      if (k !== 'ungroupable' && k !== 'mdc_only') v.add('field.unknown', `fail_drg_codes.${k} is not ungroupable or mdc_only`, 'fail_drg_codes', k);
      else if (!isStr(c) || c.trim() === '') v.add('field.type', `fail_drg_codes.${k} must be a non-empty code`, 'fail_drg_codes', k);
    }
  }
}

// ----- warnings: kept, reported, never refusing ------------------------------------------------------

/**
 * Dead rows of a valid ruleset: a split after one that always holds, a split that never holds, a fallback
 * that cannot be reached. Grouping is exactly as written (first match wins); these are reported, not refused.
 */
export function rulesetWarnings(json: Json): Problem[] {
  const v = new Checker();
  const adrgs = isObj(json) && Array.isArray(json.adrgs) ? json.adrgs : [];
  for (const a of adrgs) {
    if (!isObj(a) || !Array.isArray(a.splits)) continue;
    const code = String(a.code);
    let always = -1;
    a.splits.forEach((s, i) => {
      if (!isObj(s)) return;
      const at = `splits[${i}]`;
      if (always >= 0) v.add('split.unreachable', `split ${i} (${String(s.drg)}) comes after split ${always}, which always matches: the grouper never reaches it`, 'adrgs', code, at);
      else if (s.when === false) v.add('split.never', `split ${i} (${String(s.drg)}) can never match (its condition is false)`, 'adrgs', code, `${at}.when`);
      if ((s.when === undefined || s.when === true) && always < 0) always = i;
    });
    if (a.fallback !== undefined && always >= 0) v.add('split.unreachable', `fallback "${String(a.fallback)}" can never be used: split ${always} always matches`, 'adrgs', code, 'fallback');
  }
  return v.problems;
}
