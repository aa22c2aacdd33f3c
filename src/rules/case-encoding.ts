// Turns a case file's string code columns into the dense id columns the grouper reads (domain §1).
// Work is per distinct code (memoised, Arrow-dictionary friendly); it never decides anything about groups.
import { DEPARTMENT_OTHER } from '../../assembly/rule-codes.ts';
import { NO_CODE, UNKNOWN_CODE, normaliseCode, type CompiledRuleset } from './ruleset-compile.ts';

/** Missing value of every number column (all of them are ≥ 0 when given). */
export const MISSING = -1;

/** The grouper's input: one row per case; lists in Arrow list layout (flat values + n+1 offsets). */
export interface CaseColumns {
  n: number;
  /** dx id, NO_CODE (-1) when empty, UNKNOWN_CODE (-2) when the ruleset does not know it. */
  principalDx: Int32Array;
  secondaryDx: Int32Array;
  secondaryDxOffsets: Int32Array;
  principalProc: Int32Array;
  otherProcs: Int32Array;
  otherProcsOffsets: Int32Array;
  ageYears: Int32Array;
  ageDays: Int32Array;
  /** 1 male, 2 female, 0 unknown. */
  sex: Uint8Array;
  birthWeightG: Int32Array;
  los: Int32Array;
  dischargeStatus: Int32Array;
  /** Whole hours in intensive care, -1 missing. */
  icuHours: Int32Array;
  /** Department value id (createDepartmentEncoder): 1… a department the rules name, 0 another, -1 missing. */
  department: Int32Array;
}

export type CodeSpaceName = 'dx' | 'proc';
export type CodeEncoder = (code: string | null | undefined) => number;

/**
 * A memoised code → id function for one code space: normalise (trim, upper case), apply the
 * ruleset's map, then try the shorter prefixes the ruleset allows (subcategory, category).
 */
export function createCodeEncoder(compiled: CompiledRuleset, space: CodeSpaceName): CodeEncoder {
  const lookup = space === 'dx' ? compiled.dxLookup : compiled.procLookup;
  const lengths = [...(space === 'dx' ? compiled.dxFallbackLengths : compiled.procFallbackLengths)].sort((a, b) => b - a);
  const memo = new Map<string, number>();
  return (code) => {
    if (code === null || code === undefined) return NO_CODE;
    const hit = memo.get(code);
    if (hit !== undefined) return hit;
    const c = normaliseCode(code);
    let id: number = c === '' ? NO_CODE : lookup.get(c) ?? UNKNOWN_CODE;
    for (let i = 0; id === UNKNOWN_CODE && i < lengths.length; i++) {
      const len = lengths[i]!;
      if (len < c.length) id = lookup.get(c.slice(0, len)) ?? UNKNOWN_CODE;
    }
    memo.set(code, id);
    return id;
  };
}

/** A single-code column. */
export function encodeCodeColumn(encode: CodeEncoder, codes: ArrayLike<string | null | undefined>): Int32Array {
  const out = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = encode(codes[i]);
  return out;
}

/** An Arrow dictionary's values → ids; a dictionary-encoded column is then ids[indices[i]]. */
export function encodeDictionary(encode: CodeEncoder, dictionary: ArrayLike<string | null>): Int32Array {
  return encodeCodeColumn(encode, dictionary);
}

/** A list-of-codes column; empty codes are dropped, unknown ones kept (they still count). */
export function encodeCodeListColumn(
  encode: CodeEncoder,
  lists: ArrayLike<readonly (string | null)[] | null | undefined>,
): { ids: Int32Array; offsets: Int32Array } {
  const offsets = new Int32Array(lists.length + 1);
  let total = 0;
  for (let i = 0; i < lists.length; i++) total += lists[i]?.length ?? 0;
  const ids = new Int32Array(total);
  let at = 0;
  for (let i = 0; i < lists.length; i++) {
    const l = lists[i];
    if (l) for (const c of l) {
      const id = encode(c);
      if (id !== NO_CODE) ids[at++] = id;
    }
    offsets[i + 1] = at;
  }
  return { ids: at === total ? ids : ids.slice(0, at), offsets };
}

/** Sex as the grouper reads it: 1 male, 2 female, 0 unknown. Accepts 1/2, M/F, 男/女. */
export function encodeSex(v: string | number | null | undefined): number {
  if (v === 1 || v === '1' || v === 'M' || v === 'm' || v === '男') return 1;
  if (v === 2 || v === '2' || v === 'F' || v === 'f' || v === '女') return 2;
  return 0;
}

/**
 * A memoised department text → value id (FIELD_DEPARTMENT): the texts the ruleset's conditions name are 1…,
 * any other department 0, none -1. Compared like codes: trimmed, upper case (`icu` = `ICU`).
 */
export function createDepartmentEncoder(compiled: CompiledRuleset): CodeEncoder {
  const ids = new Map(compiled.strings.departments.map((d, i) => [d, i + 1]));
  return (text) => {
    if (text === null || text === undefined) return MISSING;
    const t = normaliseCode(text);
    return t === '' ? MISSING : ids.get(t) ?? DEPARTMENT_OTHER;
  };
}

/** ICU hours as the grouper reads them: whole hours (a fraction rounds down), -1 missing or negative. */
export function icuHoursValue(v: number | null | undefined): number {
  return v === null || v === undefined || !Number.isFinite(v) || v < 0 ? MISSING : Math.floor(v);
}

/** Row-oriented input for small data (tests, the teaching UI); large files come as Arrow columns. */
export interface CaseInput {
  principal_dx: string | null;
  secondary_dx?: readonly string[];
  principal_proc?: string | null;
  other_procs?: readonly string[];
  age_years?: number | null;
  age_days?: number | null;
  sex?: string | number | null;
  birth_weight_g?: number | null;
  los?: number | null;
  discharge_status?: number | null;
  icu_hours?: number | null;
  department?: string | null;
}

/** Encodes a few cases given as records. */
export function encodeCaseRecords(compiled: CompiledRuleset, cases: readonly CaseInput[]): CaseColumns {
  const dx = createCodeEncoder(compiled, 'dx');
  const proc = createCodeEncoder(compiled, 'proc');
  const dept = createDepartmentEncoder(compiled);
  const num = (pick: (c: CaseInput) => number | null | undefined) =>
    Int32Array.from(cases, (c) => { const v = pick(c); return v === null || v === undefined || !Number.isFinite(v) ? MISSING : Math.trunc(v); });
  const sec = encodeCodeListColumn(dx, cases.map((c) => c.secondary_dx ?? null));
  const other = encodeCodeListColumn(proc, cases.map((c) => c.other_procs ?? null));
  return {
    n: cases.length,
    principalDx: encodeCodeColumn(dx, cases.map((c) => c.principal_dx)),
    secondaryDx: sec.ids,
    secondaryDxOffsets: sec.offsets,
    principalProc: encodeCodeColumn(proc, cases.map((c) => c.principal_proc ?? null)),
    otherProcs: other.ids,
    otherProcsOffsets: other.offsets,
    ageYears: num((c) => c.age_years),
    ageDays: num((c) => c.age_days),
    sex: Uint8Array.from(cases, (c) => encodeSex(c.sex)),
    birthWeightG: num((c) => c.birth_weight_g),
    los: num((c) => c.los),
    dischargeStatus: num((c) => c.discharge_status),
    icuHours: Int32Array.from(cases, (c) => icuHoursValue(c.icu_hours)),
    department: Int32Array.from(cases, (c) => dept(c.department)),
  };
}
