// Every kind of ruleset problem is reported with its table, row and field; a bad ruleset is refused whole.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { rulesetWarnings, validateRuleset } from '../../src/rules/ruleset-validate.ts';
import { RulesetProblems, compileRuleset, tryCompileRuleset } from '../../src/rules/ruleset-compile.ts';
import type { Ruleset } from '../../src/rules/ruleset-format.ts';
import { shapesRuleset } from './drg-grouper-shapes.ts';

function problemsAfter(edit: (rs: Ruleset) => void) {
  const rs = shapesRuleset();
  edit(rs);
  return validateRuleset(rs);
}
const any = (x: unknown) => x as never;

describe('ruleset validation', () => {
  it('§2 the shapes ruleset and the documented mini example are valid', () => {
    expect(validateRuleset(shapesRuleset())).toEqual([]);
    const mini = JSON.parse(readFileSync(new URL('../../docs/examples/mini-ruleset.json', import.meta.url), 'utf8'));
    expect(validateRuleset(mini)).toEqual([]);
  });

  it('rejects a wrong format tag and a missing meta', () => {
    const p = validateRuleset({ format: 'casemix-ruleset/9', mdcs: [], adrgs: [], drgs: [] });
    expect(p.map((x) => x.code)).toEqual(['format.bad', 'meta.bad']);
  });

  it('§2 dangling ADRG in an MDC step', () => {
    expect(problemsAfter((rs) => rs.mdcs[0]!.steps.push({ adrg: 'AX9' }))).toEqual([
      { code: 'ref.adrg_undefined', message: expect.stringContaining('AX9'), where: { table: 'mdcs', row: 'MDCA', field: 'steps[1].adrg' } },
    ]);
  });

  it('§2 dangling DRG in a split and in a fallback', () => {
    const p = problemsAfter((rs) => {
      rs.adrgs.find((a) => a.code === 'FR1')!.splits[3] = { drg: 'FR19' };
      rs.adrgs.find((a) => a.code === 'FT1')!.fallback = 'FT19';
    });
    expect(p.map((x) => [x.code, x.where.row, x.where.field])).toEqual([
      ['ref.drg_undefined', 'FR1', 'splits[3].drg'],
      ['ref.drg_undefined', 'FT1', 'fallback'],
    ]);
  });

  it('§2 DRG of another ADRG in a split, DRG pointing to an unknown ADRG', () => {
    const p = problemsAfter((rs) => {
      rs.adrgs.find((a) => a.code === 'FM1')!.splits[0]!.drg = 'FR11';
      rs.drgs.push({ code: 'QQ19', adrg: 'QQ1' });
    });
    expect(p.map((x) => [x.code, x.where.table, x.where.row])).toEqual([
      ['ref.adrg_undefined', 'drgs', 'QQ19'],
      ['split.wrong_adrg', 'adrgs', 'FM1'],
    ]);
  });

  it('§2.6 an ADRG with nothing to return is refused; a split after an unconditional one is a warning (a published dead row)', () => {
    const edit = (rs: Ruleset) => {
      rs.adrgs.find((a) => a.code === 'FM1')!.splits.reverse();
      rs.adrgs.find((a) => a.code === 'BZ1')!.splits = [];
    };
    const p = problemsAfter(edit);
    expect(p.map((x) => [x.code, x.where.row, x.where.field])).toEqual([
      ['split.empty', 'BZ1', 'splits'],
    ]);
    const rs = shapesRuleset();
    edit(rs);
    expect(rulesetWarnings(rs).map((x) => [x.code, x.where.row, x.where.field])).toEqual([
      ['split.unreachable', 'FM1', 'splits[1]'],
    ]);
  });

  it('duplicate codes (diagnoses compare normalised)', () => {
    const p = problemsAfter((rs) => {
      rs.diagnoses!.push({ code: ' i21.000' });
      rs.drgs.push({ code: 'FR11', adrg: 'FR1' });
    });
    expect(p.map((x) => [x.code, x.where.table])).toEqual([['code.duplicate', 'diagnoses'], ['code.duplicate', 'drgs']]);
  });

  it('undefined list name, unknown condition key, unknown field and bad operator, each with its path', () => {
    const p = problemsAfter((rs) => {
      rs.adrgs[0]!.when = { and: [{ in: ['principal_proc', 'no_such_list'] }, any({ proc_tag: '1' })] };
      rs.mdcs[1]!.guard = any({ cmp: ['weight', '=<', 1500] });
    });
    expect(p.map((x) => [x.code, x.where.table, x.where.row, x.where.field])).toEqual([
      ['list.undefined', 'adrgs', 'AG1', 'when.and[0].in[1]'],
      ['cond.unknown_key', 'adrgs', 'AG1', 'when.and[1].proc_tag'],
      ['cond.unknown_field', 'mdcs', 'MDCP', 'guard.cmp[0]'],
      ['cond.bad_op', 'mdcs', 'MDCP', 'guard.cmp[1]'],
    ]);
  });

  it('wrong field kind: `in` needs a single-code field, `any_in` a list field', () => {
    const p = problemsAfter((rs) => {
      rs.adrgs[0]!.when = any({ in: ['all_procs', 'transplant'] });
      rs.adrgs[1]!.when = any({ any_in: ['principal_dx', 'newborn_dx'] });
    });
    expect(p.map((x) => [x.code, x.where.field])).toEqual([['cond.unknown_field', 'when.in[0]'], ['cond.unknown_field', 'when.any_in[0]']]);
  });

  it('non-integer comparison, bad CC entry, bad check reason, bad ambiguity step', () => {
    const p = problemsAfter((rs) => {
      rs.adrgs[1]!.when = { cmp: ['birth_weight_g', '<', 1500.5] };
      rs.diagnoses!.push(any({ code: 'X00.000', cc: 'major' }));
      rs.checks!.push(any({ reason: 'grouped', when: true }));
      rs.mdcs[5]!.steps.push(any({ ambiguity: 'FQ2' }));
    });
    expect(p.map((x) => x.code)).toEqual(['field.type', 'cc.no_exclusion', 'cond.bad_value', 'field.missing', 'check.bad_reason']);
  });

  it('§2 a ruleset with problems is refused whole by the compiler', () => {
    const rs = shapesRuleset();
    rs.mdcs[0]!.steps.push({ adrg: 'AX9' });
    expect(() => compileRuleset(rs)).toThrow(RulesetProblems);
    const r = tryCompileRuleset(rs);
    expect(r.compiled).toBeNull();
    expect(r.problems).toHaveLength(1);
  });
});
