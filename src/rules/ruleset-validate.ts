// Checks a casemix-ruleset/1 document and lists every problem with where it is (table, row, field).
// It never repairs or guesses: a ruleset with any problem is refused whole by the compiler.
import {
  CHECK_REASONS, CMP_OPS, CODE_FIELDS, CODE_LIST_FIELDS, CONDITION_KEYS, DIP_CATEGORY_LENGTH, DIP_DX_KEY_LENGTH,
  DIP_PROCEDURE_CLASSES, NUMBER_FIELDS, OR_PROCEDURES_LIST, RULESET_FORMAT,
  type Problem,
} from './ruleset-format.ts';

type Json = unknown;
const isObj = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: Json): v is string => typeof v === 'string';
const isStrArray = (v: Json): v is string[] => Array.isArray(v) && v.every(isStr);

/** Every problem of a ruleset document; empty when it can be compiled. */
export function validateRuleset(json: Json): Problem[] {
  const problems: Problem[] = [];
  const add = (code: string, message: string, table: string, row?: string | number, field?: string) =>
    problems.push({ code, message, where: { table, ...(row !== undefined ? { row } : {}), ...(field !== undefined ? { field } : {}) } });

  if (!isObj(json)) {
    add('format.not_object', 'a ruleset is a JSON object', 'ruleset');
    return problems;
  }
  if (json.format !== RULESET_FORMAT) add('format.bad', `"format" must be "${RULESET_FORMAT}"`, 'ruleset', undefined, 'format');
  const meta = json.meta;
  if (!isObj(meta) || !isStr(meta.name) || !isStr(meta.version)) add('meta.bad', 'meta needs a name and a version (strings)', 'meta');
  else if (meta.dip_score_factor !== undefined && typeof meta.dip_score_factor !== 'number') add('meta.bad', 'dip_score_factor must be a number', 'meta', undefined, 'dip_score_factor');

  // Tables of entries with a unique `code`.
  const table = (name: string, required: boolean): Record<string, Json>[] => {
    const t = json[name];
    if (t === undefined && !required) return [];
    if (!Array.isArray(t)) { add('table.bad', `"${name}" must be an array`, name); return []; }
    const seen = new Set<string>();
    const rows: Record<string, Json>[] = [];
    t.forEach((row, i) => {
      if (!isObj(row) || !isStr(row.code) || row.code.trim() === '') { add('row.bad', `row ${i} of ${name} needs a non-empty "code"`, name, i, 'code'); return; }
      const key = name === 'diagnoses' || name === 'procedures' ? row.code.trim().toUpperCase() : row.code;
      if (seen.has(key)) add('code.duplicate', `${name}: code "${row.code}" appears twice`, name, row.code, 'code');
      seen.add(key);
      rows.push(row);
    });
    return rows;
  };
  const diagnoses = table('diagnoses', false);
  const procedures = table('procedures', false);
  const mdcs = table('mdcs', true);
  const adrgs = table('adrgs', true);
  const drgs = table('drgs', true);

  for (const d of diagnoses) {
    if (d.name !== undefined && !isStr(d.name)) add('field.type', 'name must be a string', 'diagnoses', d.code as string, 'name');
    if (d.cc !== undefined && d.cc !== 'cc' && d.cc !== 'mcc') add('field.type', 'cc must be "cc" or "mcc"', 'diagnoses', d.code as string, 'cc');
    for (const f of ['cc_exclusion', 'principal_exclusion']) if (d[f] !== undefined && !isStr(d[f])) add('field.type', `${f} must be a string (an exclusion-table number)`, 'diagnoses', d.code as string, f);
    if (d.cc !== undefined && d.cc_exclusion === undefined) add('cc.no_exclusion', `CC/MCC code "${d.code}" has no exclusion-table number`, 'diagnoses', d.code as string, 'cc_exclusion');
  }
  for (const p of procedures) {
    if (p.or !== undefined && typeof p.or !== 'boolean') add('field.type', 'or must be true or false', 'procedures', p.code as string, 'or');
    if (p.dip_class !== undefined && ![0, 1, 2, 3].includes(p.dip_class as number)) add('field.type', 'dip_class must be 0, 1, 2 or 3', 'procedures', p.code as string, 'dip_class');
  }

  for (const m of ['dx_map', 'proc_map']) {
    const map = json[m];
    if (map === undefined) continue;
    if (!isObj(map)) { add('map.bad', `${m} must be an object of code → code`, m); continue; }
    for (const [k, v] of Object.entries(map)) if (!isStr(v) || v.trim() === '') add('map.bad', `${m}["${k}"] must map to a non-empty code`, m, k);
  }
  const cm = json.code_matching;
  if (cm !== undefined) {
    if (!isObj(cm)) add('field.type', 'code_matching must be an object', 'code_matching');
    else for (const [k, v] of Object.entries(cm)) {
      if (k !== 'dx' && k !== 'proc') { add('field.unknown', `code_matching.${k} is not a code space (dx, proc)`, 'code_matching', undefined, k); continue; }
      const fl = isObj(v) ? v.fallback_lengths : undefined;
      if (!isObj(v) || (fl !== undefined && !(Array.isArray(fl) && fl.every((n) => Number.isInteger(n) && (n as number) > 0))))
        add('field.type', 'fallback_lengths must be positive integers', 'code_matching', k, 'fallback_lengths');
    }
  }

  const lists = json.lists;
  const listNames = new Set<string>([OR_PROCEDURES_LIST]);
  if (lists !== undefined) {
    if (!isObj(lists)) add('table.bad', '"lists" must be an object of name → codes', 'lists');
    else for (const [name, codes] of Object.entries(lists)) {
      if (name.startsWith('$')) add('list.reserved', `list names starting with "$" are built in ("${name}")`, 'lists', name);
      if (!isStrArray(codes)) add('list.bad', `list "${name}" must be an array of codes`, 'lists', name);
      listNames.add(name);
    }
  }

  // Conditions: report the path of every bad node.
  const checkList = (ref: Json, table: string, row: string | number, path: string) => {
    if (isStr(ref)) { if (!listNames.has(ref)) add('list.undefined', `list "${ref}" is not defined`, table, row, path); return; }
    if (isObj(ref) && isStrArray(ref.codes) && Object.keys(ref).length === 1) return;
    add('cond.bad_shape', 'a list is a list name or {"codes": [...]}', table, row, path);
  };
  const cond = (c: Json, table: string, row: string | number, path: string): void => {
    if (typeof c === 'boolean') return;
    if (!isObj(c) || Object.keys(c).length !== 1) { add('cond.bad_shape', 'a condition is true, false or an object with exactly one key', table, row, path); return; }
    const [key, v] = Object.entries(c)[0]!;
    const at = `${path}.${key}`;
    const badShape = (expect: string): void => { add('cond.bad_shape', `"${key}" expects ${expect}`, table, row, at); };
    const field = (f: Json, allowed: readonly string[], what: string, p: string) => {
      if (!isStr(f) || !allowed.includes(f)) { add('cond.unknown_field', `"${String(f)}" is not a ${what} (${allowed.join(', ')})`, table, row, p); return false; }
      return true;
    };
    switch (key as (typeof CONDITION_KEYS)[number]) {
      case 'and': case 'or':
        if (!Array.isArray(v)) return badShape('an array of conditions');
        v.forEach((k, i) => cond(k, table, row, `${at}[${i}]`));
        return;
      case 'not': return cond(v, table, row, at);
      case 'in':
        if (!Array.isArray(v) || v.length !== 2) return badShape('[code field, list]');
        field(v[0], CODE_FIELDS, 'single-code field', `${at}[0]`);
        return checkList(v[1], table, row, `${at}[1]`);
      case 'any_in':
        if (!Array.isArray(v) || v.length !== 2) return badShape('[list field, list]');
        field(v[0], CODE_LIST_FIELDS, 'code-list field', `${at}[0]`);
        return checkList(v[1], table, row, `${at}[1]`);
      case 'has_code':
        if (!Array.isArray(v) || v.length !== 2 || !isStr(v[1])) return badShape('[field, code]');
        field(v[0], [...CODE_FIELDS, ...CODE_LIST_FIELDS], 'code field', `${at}[0]`);
        return;
      case 'cmp': {
        if (!Array.isArray(v) || v.length !== 3) return badShape('[number field, op, value]');
        field(v[0], NUMBER_FIELDS, 'number field', `${at}[0]`);
        if (!CMP_OPS.includes(v[1] as never)) add('cond.bad_op', `"${String(v[1])}" is not one of ${CMP_OPS.join(' ')}`, table, row, `${at}[1]`);
        const b = v[2];
        if (b === null) { if (v[1] !== '==' && v[1] !== '!=') add('cond.bad_op', 'only == and != compare with null', table, row, `${at}[1]`); }
        else if (isObj(b)) field(b.field, NUMBER_FIELDS, 'number field', `${at}[2].field`);
        else if (!Number.isInteger(b) || (b as number) < 0 || (b as number) > 2 ** 31 - 1) add('cond.bad_value', 'compare with an integer ≥ 0, null or {"field": …}', table, row, `${at}[2]`);
        return;
      }
      case 'present':
        field(v, [...CODE_FIELDS, ...CODE_LIST_FIELDS, ...NUMBER_FIELDS], 'field', at);
        return;
      case 'hits_at_least':
        if (!Array.isArray(v) || v.length !== 3 || !Array.isArray(v[1]) || !Number.isInteger(v[2])) return badShape('[list field, [lists], n]');
        field(v[0], CODE_LIST_FIELDS, 'code-list field', `${at}[0]`);
        (v[1] as Json[]).forEach((l, i) => checkList(l, table, row, `${at}[1][${i}]`));
        return;
      case 'has_mcc': case 'has_cc':
        if (typeof v !== 'boolean') badShape('true or false');
        return;
      default:
        add('cond.unknown_key', `unknown condition key "${key}" (known: ${CONDITION_KEYS.join(', ')})`, table, row, at);
    }
  };

  const adrgByCode = new Map<string, Record<string, Json>>();
  for (const a of adrgs) adrgByCode.set(a.code as string, a);
  const drgByCode = new Map<string, Record<string, Json>>();
  for (const d of drgs) drgByCode.set(d.code as string, d);

  for (const d of drgs) {
    const code = d.code as string;
    if (!isStr(d.adrg)) add('field.missing', `DRG "${code}" needs its "adrg"`, 'drgs', code, 'adrg');
    else if (!adrgByCode.has(d.adrg)) add('ref.adrg_undefined', `DRG "${code}" belongs to ADRG "${d.adrg}", which is not defined`, 'drgs', code, 'adrg');
    for (const f of ['weight', 'mean_los', 'mean_cost']) {
      const x = d[f];
      if (x !== undefined && (typeof x !== 'number' || !Number.isFinite(x) || x < 0)) add('field.type', `${f} must be a number ≥ 0`, 'drgs', code, f);
    }
  }

  for (const a of adrgs) {
    const code = a.code as string;
    if (a.kind !== undefined && !['surgical', 'non_or', 'medical'].includes(a.kind as string)) add('field.type', 'kind must be surgical, non_or or medical', 'adrgs', code, 'kind');
    if (a.when === undefined) add('field.missing', `ADRG "${code}" needs "when"`, 'adrgs', code, 'when');
    else cond(a.when, 'adrgs', code, 'when');
    if (!Array.isArray(a.splits)) { add('field.missing', `ADRG "${code}" needs "splits" (an array)`, 'adrgs', code, 'splits'); continue; }
    let unconditional = -1;
    a.splits.forEach((s, i) => {
      const at = `splits[${i}]`;
      if (!isObj(s) || !isStr(s.drg)) { add('split.bad', 'a split is {"drg": code, "when"?: condition}', 'adrgs', code, at); return; }
      if (unconditional >= 0) add('split.unreachable', `split ${i} (${s.drg}) comes after split ${unconditional}, which always matches`, 'adrgs', code, at);
      if (s.when === undefined || s.when === true) unconditional = unconditional >= 0 ? unconditional : i;
      else cond(s.when, 'adrgs', code, `${at}.when`);
      const drg = drgByCode.get(s.drg);
      if (!drg) add('ref.drg_undefined', `split ${i} gives DRG "${s.drg}", which is not in the DRG table`, 'adrgs', code, `${at}.drg`);
      else if (drg.adrg !== code) add('split.wrong_adrg', `split ${i} gives DRG "${s.drg}", which belongs to ADRG "${String(drg.adrg)}"`, 'adrgs', code, `${at}.drg`);
    });
    if (a.fallback !== undefined) {
      if (!isStr(a.fallback)) add('field.type', 'fallback must be a DRG code', 'adrgs', code, 'fallback');
      else if (!drgByCode.has(a.fallback)) add('ref.drg_undefined', `fallback DRG "${a.fallback}" is not in the DRG table`, 'adrgs', code, 'fallback');
      else if (unconditional >= 0) add('split.unreachable', `fallback "${a.fallback}" can never be used: split ${unconditional} always matches`, 'adrgs', code, 'fallback');
    }
    if (a.splits.length === 0 && a.fallback === undefined) add('split.empty', `ADRG "${code}" has no splits and no fallback: it can never group`, 'adrgs', code, 'splits');
  }

  for (const m of mdcs) {
    const code = m.code as string;
    if (m.guard === undefined) add('field.missing', `MDC "${code}" needs "guard"`, 'mdcs', code, 'guard');
    else cond(m.guard, 'mdcs', code, 'guard');
    if (!Array.isArray(m.steps)) { add('field.missing', `MDC "${code}" needs "steps" (an array)`, 'mdcs', code, 'steps'); continue; }
    m.steps.forEach((s, i) => {
      const at = `steps[${i}]`;
      if (isObj(s) && isStr(s.adrg)) {
        if (!adrgByCode.has(s.adrg)) add('ref.adrg_undefined', `step ${i} tries ADRG "${s.adrg}", which is not defined`, 'mdcs', code, `${at}.adrg`);
        if (s.when !== undefined) cond(s.when, 'mdcs', code, `${at}.when`);
      } else if (isObj(s) && isStr(s.ambiguity)) {
        if (s.when === undefined) add('field.missing', 'an ambiguity step needs "when" (false switches it off)', 'mdcs', code, `${at}.when`);
        else cond(s.when, 'mdcs', code, `${at}.when`);
        if (adrgByCode.has(s.ambiguity)) add('code.duplicate', `ambiguity group "${s.ambiguity}" has the code of an ADRG`, 'mdcs', code, `${at}.ambiguity`);
      } else add('step.bad', 'a step is {"adrg": code} or {"ambiguity": code, "when": condition}', 'mdcs', code, at);
    });
  }

  const checks = json.checks;
  if (checks !== undefined) {
    if (!Array.isArray(checks)) add('table.bad', '"checks" must be an array', 'checks');
    else checks.forEach((c, i) => {
      if (!isObj(c)) { add('row.bad', 'a check is {"reason", "when"}', 'checks', i); return; }
      if (!CHECK_REASONS.includes(c.reason as never)) add('check.bad_reason', `reason must be one of ${CHECK_REASONS.join(', ')}`, 'checks', i, 'reason');
      if (c.when === undefined) add('field.missing', 'a check needs "when"', 'checks', i, 'when');
      else cond(c.when, 'checks', i, 'when');
    });
  }

  // DIP (§4). Keys are compared normalised; a catalog procedure set is a set (order and repeats ignored).
  // A diagnosis key is read from the case's own code, so it only needs a known category; a catalog
  // procedure is matched through the procedure dictionary, so a dictionary code must reach it.
  const norm = (c: string) => c.trim().toUpperCase();
  const dxCodes = diagnoses.map((d) => norm(d.code as string));
  const procCodes = procedures.map((p) => norm(p.code as string));
  const procFallback = isObj(cm) && isObj(cm.proc) && Array.isArray(cm.proc.fallback_lengths) ? (cm.proc.fallback_lengths as number[]) : [];
  const dxPrefixes = (len: number) => new Set(dxCodes.filter((c) => c.length >= len).map((c) => c.slice(0, len)));
  const dxCategories = dxPrefixes(DIP_CATEGORY_LENGTH);
  // A catalog procedure is reached by a dictionary code equal to it or cut to it by a fallback length.
  const procReached = new Set(procCodes);
  for (const c of procCodes) for (const len of procFallback) if (len < c.length) procReached.add(c.slice(0, len));
  const isScore = (x: Json) => typeof x === 'number' && Number.isFinite(x) && x >= 0;
  const dipNumbers = (e: Record<string, Json>, table: string, i: number) => {
    for (const f of ['score', 'mean_cost']) if (e[f] !== undefined && !isScore(e[f])) add('field.type', `${f} must be a number ≥ 0`, table, i, f);
    for (const f of ['name', 'source']) if (e[f] !== undefined && !isStr(e[f])) add('field.type', `${f} must be a string`, table, i, f);
  };

  const dip = json.dip_catalog;
  if (dip !== undefined) {
    if (!Array.isArray(dip)) add('table.bad', '"dip_catalog" must be an array', 'dip_catalog');
    else {
      const seen = new Set<string>();
      dip.forEach((e, i) => {
        if (!isObj(e) || !isStr(e.dx) || !isStrArray(e.procs)) { add('row.bad', 'a DIP entry is {"dx": code, "procs": [codes]}', 'dip_catalog', i); return; }
        const dx = norm(e.dx);
        const procs = [...new Set(e.procs.map(norm))].sort();
        const key = `${dx}|${procs.join('+')}`;
        if (seen.has(key)) add('code.duplicate', `DIP combination ${key} appears twice`, 'dip_catalog', i);
        seen.add(key);
        if (dx.length !== DIP_DX_KEY_LENGTH || dx.charAt(3) !== '.') add('dip.bad_key', `DIP diagnosis key "${e.dx}" is not at subcategory level (e.g. K80.1)`, 'dip_catalog', i, 'dx');
        else if (diagnoses.length > 0 && !dxCategories.has(dx.slice(0, DIP_CATEGORY_LENGTH))) add('dip.unknown_dx', `no diagnosis of the dictionary is in the category of DIP key "${e.dx}": the combination can never match`, 'dip_catalog', i, 'dx');
        procs.forEach((p, k) => {
          if (p === '') add('field.type', 'a procedure code must not be empty', 'dip_catalog', i, `procs[${k}]`);
          else if (procedures.length > 0 && !procReached.has(p)) add('dip.unknown_proc', `procedure "${p}" is not in the procedure dictionary, nor a fallback prefix of one of its codes`, 'dip_catalog', i, 'procs');
        });
        dipNumbers(e, 'dip_catalog', i);
      });
    }
  }

  const comp = json.dip_comprehensive;
  if (comp !== undefined) {
    if (!Array.isArray(comp)) add('table.bad', '"dip_comprehensive" must be an array', 'dip_comprehensive');
    else {
      const seen = new Set<string>();
      comp.forEach((e, i) => {
        if (!isObj(e) || !isStr(e.dx)) { add('row.bad', 'a comprehensive group is {"dx": category, "proc_class": 0–3}', 'dip_comprehensive', i); return; }
        const dx = norm(e.dx);
        if (!(DIP_PROCEDURE_CLASSES as readonly Json[]).includes(e.proc_class)) { add('field.type', 'proc_class must be 0, 1, 2 or 3', 'dip_comprehensive', i, 'proc_class'); }
        else {
          const key = `${dx}#${String(e.proc_class)}`;
          if (seen.has(key)) add('code.duplicate', `comprehensive group ${dx} class ${String(e.proc_class)} appears twice`, 'dip_comprehensive', i);
          seen.add(key);
        }
        if (dx.length !== DIP_CATEGORY_LENGTH) add('dip.bad_key', `comprehensive group diagnosis "${e.dx}" is not a category (e.g. K80)`, 'dip_comprehensive', i, 'dx');
        else if (diagnoses.length > 0 && !dxCategories.has(dx)) add('dip.unknown_dx', `no diagnosis of the dictionary falls under category "${e.dx}"`, 'dip_comprehensive', i, 'dx');
        dipNumbers(e, 'dip_comprehensive', i);
      });
    }
  }

  const params = json.parameters;
  if (params !== undefined) {
    if (!isObj(params)) add('table.bad', '"parameters" must be an object', 'parameters');
    else for (const [k, v] of Object.entries(params))
      if (!['number', 'string', 'boolean'].includes(typeof v)) add('field.type', `parameter "${k}" must be a number, string or boolean`, 'parameters', k);
  }
  if (json.retry_each_other_procedure !== undefined && typeof json.retry_each_other_procedure !== 'boolean')
    add('field.type', 'retry_each_other_procedure must be true or false', 'ruleset', undefined, 'retry_each_other_procedure');

  return problems;
}
