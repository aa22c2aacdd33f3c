// Turns case principal-diagnosis codes into the DIP diagnosis-key column the DIP grouper reads (domain §4).
// Per distinct code, memoised; it only names the key (`K80.100` → `K80.1`), it never decides a group.
import { DIP_DX_KEY_LENGTH } from './ruleset-format.ts';
import { normaliseCode, type CompiledRuleset } from './ruleset-compile.ts';
import { encodeCaseRecords, encodeCodeColumn, type CaseColumns, type CaseInput, type CodeEncoder } from './case-encoding.ts';

/** No DIP key: no principal diagnosis, a code shorter than a subcategory, or a key no catalog entry uses. */
export const NO_DIP_KEY = -1;

/**
 * The DIP grouper's input: the DRG case columns plus, per case, the DIP key id of its principal diagnosis.
 * The key is read from the case's own code, not from the dictionary code it resolved to: a teaching or
 * regional dictionary may stop at the category (`I21`) while the catalog is keyed by subcategory (`I21.0`).
 */
export interface DipCaseColumns extends CaseColumns {
  principalDxDipKey: Int32Array;
}

/** The subcategory of a normalised diagnosis code (`K80.100` → `K80.1`, `I10.X00` → `I10.X`), or null. */
export function dipKeyOfCode(code: string): string | null {
  return code.length >= DIP_DX_KEY_LENGTH && code.charAt(3) === '.' ? code.slice(0, DIP_DX_KEY_LENGTH) : null;
}

/**
 * A memoised principal-diagnosis code → DIP key id: normalise, follow `dx_map` (a mapped code is read
 * as its target), cut to the subcategory, look the key up among the catalog's keys.
 */
export function createDipKeyEncoder(compiled: CompiledRuleset): CodeEncoder {
  const memo = new Map<string, number>();
  return (code) => {
    if (code === null || code === undefined) return NO_DIP_KEY;
    const hit = memo.get(code);
    if (hit !== undefined) return hit;
    const c = normaliseCode(code);
    const id = compiled.dxLookup.get(c);
    const key = dipKeyOfCode(id === undefined ? c : compiled.strings.dxCodes[id]!);
    const out = key === null ? NO_DIP_KEY : compiled.dipKeyLookup.get(key) ?? NO_DIP_KEY;
    memo.set(code, out);
    return out;
  };
}

/** The DIP key column of a principal-diagnosis code column. */
export function encodeDipKeyColumn(compiled: CompiledRuleset, codes: ArrayLike<string | null | undefined>): Int32Array {
  return encodeCodeColumn(createDipKeyEncoder(compiled), codes);
}

/** DIP key ids of distinct labels (an interned or Arrow-dictionary column): key column = map[labelId[i]]. */
export function dipKeyMapOfLabels(compiled: CompiledRuleset, labels: readonly (string | null)[]): Int32Array {
  return encodeCodeColumn(createDipKeyEncoder(compiled), labels);
}

/** Adds the DIP key column to case columns, from the same rows' principal-diagnosis codes. */
export function withDipKeys(compiled: CompiledRuleset, cols: CaseColumns, principalDxCodes: ArrayLike<string | null | undefined>): DipCaseColumns {
  if (principalDxCodes.length !== cols.n) throw new Error(`withDipKeys: ${principalDxCodes.length} codes for ${cols.n} cases`);
  return { ...cols, principalDxDipKey: encodeDipKeyColumn(compiled, principalDxCodes) };
}

/** Encodes a few cases given as records, DIP key included (tests, the teaching UI). */
export function encodeDipCaseRecords(compiled: CompiledRuleset, cases: readonly CaseInput[]): DipCaseColumns {
  return withDipKeys(compiled, encodeCaseRecords(compiled, cases), cases.map((c) => c.principal_dx));
}
