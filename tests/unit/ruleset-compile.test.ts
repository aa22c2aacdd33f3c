// The compiler's flat tables: ids, sorted lists, offset tables and the short-circuit bytecode.
import { describe, expect, it } from 'vitest';
import { ALWAYS, OP, STEP_AMBIGUITY, compileRuleset } from '../../src/rules/ruleset-compile.ts';
import { createCodeEncoder } from '../../src/rules/case-encoding.ts';
import { shapesRuleset } from './drg-grouper-shapes.ts';

describe('ruleset compiler', () => {
  const c = compileRuleset(shapesRuleset());
  const t = c.tables;

  it('§2 holds only typed arrays in its tables', () => {
    for (const v of Object.values(t)) expect(ArrayBuffer.isView(v)).toBe(true);
  });

  it('§1 lookups: normalised codes, dx_map applied once, unknown → -2, empty → -1, prefix fallback', () => {
    const dx = createCodeEncoder(c, 'dx');
    const ami = c.strings.dxCodes.indexOf('I21.000');
    expect(dx(' i21.000')).toBe(ami);
    expect(dx('I21.900x001')).toBe(ami);
    expect(dx('Q00.000')).toBe(-2);
    expect(dx('')).toBe(-1);
    expect(dx('J18.555')).toBe(c.strings.dxCodes.indexOf('J18'));
  });

  it('§2.6 CC/MCC levels and exclusion tables per dx id', () => {
    const id = (code: string) => c.strings.dxCodes.indexOf(code);
    expect(t.dxSeverity[id('J96.000')]).toBe(1);
    expect(t.dxSeverity[id('E11.900')]).toBe(3);
    expect(t.dxCcExclusion[id('I50.900')]).toBe(t.dxPrincipalExclusion[id('I21.000')]);
  });

  it('lists are sorted unique ids in one flat array', () => {
    for (let l = 0; l < t.listStart.length; l++)
      for (let k = t.listStart[l]! + 1; k < t.listEnd[l]!; k++) expect(t.listIds[k]!).toBeGreaterThan(t.listIds[k - 1]!);
    const orList = c.strings.listNames.indexOf('$or_procedures');
    expect(t.listEnd[orList]! - t.listStart[orList]!).toBe(6);
  });

  it('and/or compile to jumps; "true" conditions need no program', () => {
    const fl1 = c.strings.adrgCodes.indexOf('FL1');
    const pc = t.adrgWhen[fl1]!;
    const ops: number[] = [];
    for (let i = pc; t.prog[i] !== OP.END; ) {
      ops.push(t.prog[i]!);
      i += t.prog[i] === OP.ANY_IN ? 3 : t.prog[i] === OP.IN_PDX || t.prog[i] === OP.JF || t.prog[i] === OP.JT ? 2 : 1;
    }
    // in(pdx) JF [ any(tag1) JT [ any(tag2) JF any(tag3) ] ]
    expect(ops).toEqual([OP.IN_PDX, OP.JF, OP.ANY_IN, OP.JT, OP.ANY_IN, OP.JF, OP.ANY_IN]);
    expect(t.adrgWhen[c.strings.adrgCodes.indexOf('YR1')]).toBe(ALWAYS);
  });

  it('§2.5 ambiguity groups get their own ADRG and DRG ids; MDC steps are offset ranges', () => {
    const f = c.strings.mdcCodes.indexOf('MDCF');
    const kinds = Array.from(t.stepKind.subarray(t.mdcStepStart[f]!, t.mdcStepEnd[f]!));
    expect(kinds.indexOf(STEP_AMBIGUITY)).toBe(3);
    const qy = t.stepTarget[t.mdcStepStart[f]! + 3]!;
    expect(c.strings.drgCodes[qy]).toBe('FQY');
    expect(t.drgAmbiguous[qy]).toBe(1);
    expect(c.strings.adrgCodes[t.drgAdrg[qy]!]).toBe('FQY');
  });
});
