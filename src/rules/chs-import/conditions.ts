// The condition language of the CHS-DRG rules.json layout (and/or/not, in, any_in, cmp, proc_tag …)
// translated into casemix-ruleset/1 conditions over our case schema (domain §1). Never guesses.
import {
  OR_PROCEDURES_LIST, TEXT_VALUE_FIELD,
  type CmpOp, type CodeListField, type Condition, type ListRef, type NumberField,
} from '../ruleset-format.ts';
import { MAX_CONDITION_DEPTH, shown, tooDeepMessage } from '../ruleset-validate.ts';

export type Json = unknown;
export type Obj = Record<string, Json>;
export const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isStr = (v: Json): v is string => typeof v === 'string';

/** Records a problem at a table, its key and the path within it. */
export type Report = (code: string, message: string, table: string, row?: string, field?: string) => void;

// Field names of the reference layout → our case schema (domain §1).
const CODE_FIELD: Record<string, 'principal_dx' | 'principal_proc'> = { 'zdList[0]': 'principal_dx', 'ssList[0]': 'principal_proc' };
const LIST_FIELD: Record<string, CodeListField> = {
  zdList: 'all_dx', 'zdList[1:]': 'secondary_dx', ssList: 'all_procs', 'ssList[1:]': 'other_procs',
};
const NUMBER_FIELD: Record<string, NumberField> = {
  'int(age)': 'age_years', age: 'age_years', ageDay: 'age_days', 'int(ageDay)': 'age_days', weight: 'birth_weight_g',
  'int(weight)': 'birth_weight_g', gender: 'sex', 'len(zdList)': 'dx_count', 'len(ssList)': 'proc_count',
  inHospitalTime: 'los', 'int(inHospitalTime)': 'los', leavingType: 'discharge_status', icuHours: 'icu_hours',
  'int(icuHours)': 'icu_hours', dept: 'department',
};
/** Sex constants by meaning (the regional groupers take sex as a number or as text): 1 male, 2 female. */
const SEX_VALUE: Record<string, number> = { '1': 1, '男': 1, M: 1, MALE: 1, '2': 2, '女': 2, F: 2, FEMALE: 2 };
const SWAP: Record<CmpOp, CmpOp> = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
const CMP_OPS_SET = new Set(['==', '!=', '<', '<=', '>', '>=']);
/** The layout's name for the valid OR procedures. */
const SS_VALID = 'SS_VALID';

// Hostile operands (arrays nested thousands deep) make String and JSON.stringify overflow the stack.
const text = (x: Json): string => (isStr(x) ? x : shown(x));
const json = (x: Json): string => shown(x, true);

/** Owner of a condition: whose `lists` its list names refer to, and (ADRGs) its procedure tags. */
export interface Owner {
  table: string;
  key: string;
  lists: Obj;
  tags: Map<string, string> | null;
}

/** Converts conditions; the owner lists they name become global lists `owner.name` in `lists`. */
export class ConditionConverter {
  constructor(private readonly report: Report, readonly lists: Record<string, string[]>) {}

  /** The values of a list operand: a literal array, or a list the owner defines (inline `_inline…` lists too). */
  private listValues(l: Json, owner: Owner, path: string): Json[] | null {
    if (Array.isArray(l)) return l;
    if (!isStr(l)) { this.report('import.bad_list', `list operand must be a name or an array, got ${json(l)}`, owner.table, owner.key, path); return null; }
    const codes = owner.lists[l];
    if (codes === undefined) { this.report('list.undefined', `list "${l}" is not defined in ${owner.table} "${owner.key}"`, owner.table, owner.key, path); return null; }
    if (!Array.isArray(codes)) { this.report('list.bad', `list "${l}" of ${owner.table} "${owner.key}" is not a list: ${shown(codes, true)}`, owner.table, owner.key, `lists.${l}`); return null; }
    return codes;
  }

  private listRef(l: Json, owner: Owner, path: string): ListRef | null {
    if (l === SS_VALID) return OR_PROCEDURES_LIST;
    const codes = this.listValues(l, owner, path);
    if (codes === null) return null;
    if (Array.isArray(l)) return { codes: codes.map(String) };
    const name = `${owner.key}.${text(l)}`;
    if (!(name in this.lists)) this.lists[name] = codes.map(String);
    return name;
  }

  /** A constant compared with a field, by meaning: sex 1/"1"/"男"/"M" = 1; department text; "5" = 5 elsewhere. */
  private constant(f: NumberField, k: Json, owner: Owner, path: string): number | string | null {
    if (f === 'sex' && (isStr(k) || typeof k === 'number')) {
      const v = SEX_VALUE[text(k).trim().toUpperCase()];
      if (v !== undefined) return v;
    } else if (f === TEXT_VALUE_FIELD) {
      if ((isStr(k) && k.trim() !== '') || typeof k === 'number') return text(k).trim();
    } else if (typeof k === 'number') return k;
    else if (isStr(k) && /^\s*\d+(\.\d+)?\s*$/.test(k)) return Number(k);
    this.report('cond.bad_value', `${f} cannot be compared with ${json(k)}`, owner.table, owner.key, path);
    return null;
  }

  /** `field in list` for a value field (discharge status in ["2","5"], department in ["ICU"]). */
  private valueIn(f: NumberField, l: Json, owner: Owner, at: string): Condition | null {
    const values = this.listValues(l, owner, `${at}[1]`);
    if (values === null) return null;
    const out = values.map((k, i) => this.constant(f, k, owner, `${at}[1][${i}]`));
    if (out.some((v) => v === null)) return null;
    // Case values are integers: a fractional constant can never be equal.
    const kept = out.filter((v) => typeof v === 'string' || Number.isInteger(v)) as (number | string)[];
    return kept.length ? { one_of: [f, kept] } : false;
  }

  /** Returns null after reporting a problem; callers keep going so every problem is reported. */
  cond(c: Json, owner: Owner, path: string, depth = 0): Condition | null {
    if (c === true || c === false) return c;
    // Stop descending at the limit validation enforces: a hostile nesting is a problem, not a stack overflow.
    if (depth >= MAX_CONDITION_DEPTH) { this.report('cond.too_deep', tooDeepMessage(path), owner.table, owner.key, path); return null; }
    if (!isObj(c) || Object.keys(c).length !== 1) { this.report('cond.bad_shape', `condition must be true, false or a one-key object: ${json(c)}`, owner.table, owner.key, path); return null; }
    const [key, v] = Object.entries(c)[0]!;
    const at = `${path}.${key}`;
    switch (key) {
      case 'and': case 'or': {
        if (!Array.isArray(v)) { this.report('cond.bad_shape', `"${key}" needs an array`, owner.table, owner.key, at); return null; }
        const kids = v.map((k, i) => this.cond(k, owner, `${at}[${i}]`, depth + 1));
        if (kids.some((k) => k === null)) return null;
        return key === 'and' ? { and: kids as Condition[] } : { or: kids as Condition[] };
      }
      case 'not': {
        const k = this.cond(v, owner, at, depth + 1);
        return k === null ? null : { not: k };
      }
      case 'cmp': return this.cmp(Array.isArray(v) ? v : [], owner, at);
      case 'proc_tag': {
        const list = owner.tags?.get(text(v));
        if (!owner.tags) { this.report('import.no_tags', `proc_tag used in ${owner.table} "${owner.key}", which has no tagged procedure list`, owner.table, owner.key, at); return null; }
        if (!list) { this.report('import.undefined_tag', `procedure tag "${text(v)}" does not occur in ${owner.key}'s tag list`, owner.table, owner.key, at); return null; }
        return { any_in: ['all_procs', list] };
      }
      case 'has_mcc': return { has_mcc: v !== false };
      case 'has_cc': return { has_cc: v !== false };
      default: return this.codeTest(key, v, owner, at);
    }
  }

  /** The tests on codes and fields: in, any_in, has_code, present. */
  private codeTest(key: string, v: Json, owner: Owner, at: string): Condition | null {
    const arr = Array.isArray(v) ? v : [];
    const unknownField = (f: Json, p: string) => { this.report('import.unknown_field', `field "${text(f)}" is not known in "${key}"`, owner.table, owner.key, p); return null; };
    switch (key) {
      case 'in': {
        const vf = NUMBER_FIELD[text(arr[0])];
        if (vf) return this.valueIn(vf, arr[1], owner, at);
        const f = CODE_FIELD[text(arr[0])];
        const l = this.listRef(arr[1], owner, `${at}[1]`);
        if (!f) return unknownField(arr[0], `${at}[0]`);
        return l === null ? null : { in: [f, l] };
      }
      case 'any_in': {
        const f = LIST_FIELD[text(arr[0])];
        const l = this.listRef(arr[1], owner, `${at}[1]`);
        if (!f) return unknownField(arr[0], `${at}[0]`);
        return l === null ? null : { any_in: [f, l] };
      }
      case 'has_code': {
        const f = LIST_FIELD[text(arr[0])] ?? CODE_FIELD[text(arr[0])];
        if (!f) return unknownField(arr[0], `${at}[0]`);
        if (!isStr(arr[1])) { this.report('cond.bad_shape', 'has_code needs a code', owner.table, owner.key, `${at}[1]`); return null; }
        return { has_code: [f, arr[1]] };
      }
      case 'present': {
        const f = CODE_FIELD[text(v)] ?? LIST_FIELD[text(v)] ?? NUMBER_FIELD[text(v)];
        return f ? { present: f } : unknownField(v, at);
      }
      default:
        this.report('cond.unknown_key', `unknown condition key "${key}"`, owner.table, owner.key, at);
        return null;
    }
  }

  private cmp(arr: Json[], owner: Owner, at: string): Condition | null {
    if (arr.length !== 3 || !CMP_OPS_SET.has(text(arr[1]))) { this.report('cond.bad_shape', 'cmp needs [a, op, b]', owner.table, owner.key, at); return null; }
    let [a, op, b] = [arr[0], arr[1] as CmpOp, arr[2]];
    const isConst = (x: Json): x is { const: Json } => isObj(x) && 'const' in x;
    if (isConst(a) && !isConst(b)) { [a, b] = [b, a]; op = SWAP[op]; }
    if (isConst(a) && isConst(b)) return constCompare(a.const, op, b.const);
    const f = NUMBER_FIELD[text(a)];
    if (!f) { this.report('import.unknown_field', `field "${text(a)}" is not known in "cmp"`, owner.table, owner.key, `${at}[0]`); return null; }
    if (f === TEXT_VALUE_FIELD || NUMBER_FIELD[text(b)] === TEXT_VALUE_FIELD) {
      if (isConst(b) && b.const !== null && (op === '==' || op === '!=')) {
        const text = this.constant(f, b.const, owner, `${at}[2]`);
        if (text === null) return null;
        const test: Condition = { one_of: [f, [text]] };
        return op === '==' ? test : { not: test };
      }
      if (!isConst(b) || b.const !== null) { this.report('cond.bad_op', `${text(a)} is a text: only == / != a text or null`, owner.table, owner.key, `${at}[1]`); return null; }
    }
    if (!isConst(b)) {
      const g = NUMBER_FIELD[text(b)];
      if (!g) { this.report('import.unknown_field', `field "${text(b)}" is not known in "cmp"`, owner.table, owner.key, `${at}[2]`); return null; }
      return { cmp: [f, op, { field: g }] };
    }
    if (b.const === null) {
      // Python semantics of the layout: only == / != are meaningful against None.
      if (op === '==' || op === '!=') return { cmp: [f, op, null] };
      return false;
    }
    const k = this.constant(f, b.const, owner, `${at}[2]`);
    if (k === null || typeof k !== 'number') return null;
    if (Number.isInteger(k)) return { cmp: [f, op, k] };
    // Case numbers are integers, so a fractional bound is an integer bound in disguise.
    switch (op) {
      case '<': case '>=': return { cmp: [f, op, Math.ceil(k)] };
      case '<=': case '>': return { cmp: [f, op, Math.floor(k)] };
      case '==': return false;
      case '!=': return { cmp: [f, '!=', null] };
    }
  }
}

function constCompare(a: Json, op: CmpOp, b: Json): boolean {
  switch (op) {
    case '==': return a === b;
    case '!=': return a !== b;
    default:
      if (typeof a !== 'number' || typeof b !== 'number') return false;
      return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
  }
}
