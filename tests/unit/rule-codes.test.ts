// The numbers of the compiled ruleset are declared once (assembly/rule-codes.ts) and read by the core, the compiler
// and the reference groupers: the name tables built on them must agree with them, and with the format document.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as codes from '../../assembly/rule-codes.ts';
import {
  ADRG_KIND, CMP_OP_CODE, CMP_OP_NAMES, DIP_KIND, FIELD, FIELD_NAMES, OP, OP_NAMES,
} from '../../src/rules/ruleset-compile.ts';
import {
  CMP_OPS, CODE_FIELDS, CODE_LIST_FIELDS, DIP_PROCEDURE_CLASSES, NUMBER_FIELDS, REASON_CODES, REASON_NAMES,
} from '../../src/rules/ruleset-format.ts';

const byName = codes as unknown as Record<string, number>;
const upper = (name: string) => name.toUpperCase();

/** The values of the constants whose names start with `prefix`. */
function group(prefix: string): number[] {
  return Object.keys(byName).filter((k) => k.startsWith(prefix)).map((k) => byName[k]!);
}

describe('rule codes shared by the Wasm core and the TypeScript side', () => {
  it('the file is plain integer constants only, so asc inlines every one', () => {
    const text = readFileSync(new URL('../../assembly/rule-codes.ts', import.meta.url), 'utf8');
    const code = text.split('\n').filter((l) => l.trim() !== '' && !/^\s*(\/\/|\/\*\*|\*)/.test(l));
    expect(code.filter((l) => !/^export const [A-Z][A-Z0-9_]* = -?\d+;( +\/\/.*)?$/.test(l))).toEqual([]);
    for (const v of Object.values(byName)) expect(Number.isInteger(v)).toBe(true);
  });

  it('opcodes: OP and OP_NAMES are the constants, 0 … n−1 in order', () => {
    for (const [name, op] of Object.entries(OP)) expect(byName[`OP_${name}`]).toBe(op);
    expect(Object.values(OP)).toEqual(OP_NAMES.map((_, i) => i));
    expect(group('OP_').sort((a, b) => a - b)).toEqual(OP_NAMES.map((_, i) => i));
  });

  it('§2 fields: number fields 0–7 in NUMBER_FIELDS order, then the single codes, then the code lists', () => {
    expect(FIELD_NAMES).toEqual([...NUMBER_FIELDS, ...CODE_FIELDS, ...CODE_LIST_FIELDS]);
    for (const [name, id] of Object.entries(FIELD)) {
      expect(byName[`FIELD_${upper(name)}`]).toBe(id);
      expect(FIELD_NAMES[id]).toBe(name);
    }
    expect(group('FIELD_').length).toBe(FIELD_NAMES.length);
  });

  it('comparison ops: CMP_OP_CODE and CMP_OP_NAMES are the constants, in CMP_OPS order', () => {
    expect(CMP_OP_NAMES).toEqual(CMP_OPS);
    const names: Record<string, string> = { '==': 'EQ', '!=': 'NE', '<': 'LT', '<=': 'LE', '>': 'GT', '>=': 'GE' };
    for (const op of CMP_OPS) {
      expect(byName[`CMP_${names[op]}`]).toBe(CMP_OP_CODE[op]);
      expect(CMP_OP_NAMES[CMP_OP_CODE[op]]).toBe(op);
    }
    expect(new Set([codes.NULL_TEST_GIVEN, codes.NULL_TEST_MISSING, codes.NULL_TEST_NEVER]).size).toBe(3);
  });

  it('§2 reasons: REASON_CODES are the constants, and the numbers docs/ruleset-format.md gives', () => {
    for (const [name, code] of Object.entries(REASON_CODES)) expect(byName[`REASON_${upper(name)}`]).toBe(code);
    expect(REASON_NAMES.map((n) => REASON_CODES[n])).toEqual(REASON_NAMES.map((_, i) => i));
    expect(group('REASON_').length).toBe(REASON_NAMES.length);
    const doc = readFileSync(new URL('../../docs/ruleset-format.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    const listed = /reason code \(`REASON_CODES` in `ruleset-format\.ts`: ([^)]*)\)/.exec(doc)?.[1];
    expect(listed?.toLowerCase()).toBe(REASON_NAMES.map((n, i) => `${i} ${n.replace(/_/g, ' ')}`).join(', '));
  });

  it('§2.6 severity values as the format document states them: 1 MCC, 3 CC, 5 none', () => {
    expect([codes.SEVERITY_MCC, codes.SEVERITY_CC, codes.SEVERITY_NONE]).toEqual([1, 3, 5]);
    expect(codes.SEVERITY_NOT_CC).not.toBe(codes.SEVERITY_CC);
  });

  it('kinds and classes: ADRG_KIND, DIP_KIND and the DIP procedure classes', () => {
    for (const [name, k] of Object.entries(ADRG_KIND)) expect(byName[`ADRG_KIND_${upper(name)}`]).toBe(k);
    for (const [name, k] of Object.entries(DIP_KIND)) expect(byName[`DIP_KIND_${upper(name)}`]).toBe(k);
    expect(Object.values(DIP_KIND)).toEqual([0, 1, 2]);
    expect(DIP_PROCEDURE_CLASSES).toEqual(Array.from({ length: codes.DIP_CLASSES }, (_, i) => i));
    expect([codes.STEP_ADRG, codes.STEP_AMBIGUITY].sort()).toEqual([0, 1]);
    expect([codes.LIST_SPACE_DX, codes.LIST_SPACE_PROC].sort()).toEqual([0, 1]);
  });
});
