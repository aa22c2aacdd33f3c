// A hostile ruleset (a condition nested 5,000 deep, in either layout) is refused with its path, never
// a stack overflow: validation, CHS import, compilation and the CSV tag formula all stop at the limit.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_CONDITION_DEPTH, validateRuleset } from '../../src/rules/ruleset-validate.ts';
import { tryCompileRuleset } from '../../src/rules/ruleset-compile.ts';
import { importChsRules } from '../../src/rules/import-chs.ts';
import { parseTagFormula } from '../../src/rules/import-csv-tables.ts';
import { prepareRulesetText } from '../../src/engine/ruleset-loading.ts';
import { shapesRuleset } from './drg-grouper-shapes.ts';

const DEEP = 5000;
const BIN = join(__dirname, '..', '..', 'bin', 'casemix.js');

/** {"not": {"not": … true}} `levels` deep. */
function notChain(levels: number): unknown {
  let c: unknown = true;
  for (let i = 0; i < levels; i++) c = { not: c };
  return c;
}

/** {"and": [{"and": [… true]}]} `levels` deep. */
function andChain(levels: number): unknown {
  let c: unknown = true;
  for (let i = 0; i < levels; i++) c = { and: [c] };
  return c;
}

/** A document's JSON text with `deep` (text) in place of the string "DEEP"; JSON.stringify would overflow on it. */
const textWith = (doc: unknown, deep: string) => JSON.stringify(doc).replace('"DEEP"', deep);
const notChainText = (levels: number) => `${'{"not":'.repeat(levels)}true${'}'.repeat(levels)}`;
const andChainText = (levels: number) => `${'{"and":['.repeat(levels)}true${']}'.repeat(levels)}`;

/** The path validation reports: the condition at depth MAX_CONDITION_DEPTH under `root`. */
const pathAt = (root: string, step: string) => root + step.repeat(MAX_CONDITION_DEPTH);

function withAdrgWhen(when: unknown) {
  const rs = shapesRuleset();
  (rs.adrgs[0] as { when: unknown }).when = when;
  return rs;
}

/** A one-MDC, one-ADRG CHS-DRG layout whose ADRG condition is `when`. */
function chsRules(when: unknown): Record<string, unknown> {
  return {
    source: 'test', version_dir: 'test_1', retry_each_other_procedure_when_ungroupable: false, mdc_order: ['MDCF'],
    mdcs: { MDCF: { lists: { mdc_zd: ['I21.000'] }, guard: { in: ['zdList[0]', 'mdc_zd'] }, steps: [{ adrg: 'FR1' }], special: null } },
    adrgs: { FR1: { lists: { adrg_zd: ['I21.000'] }, when, drgs: ['FR19'], tags: null, fallback: 'FR1' } },
    drg_splits: { FR19: { when: true, lists: {} } },
    drg_names: { FR19: 'AMI' }, mcc: {}, cc: {}, cc_exclusion_of_principal: {}, or_procedures: [],
    dx_names: { 'I21.000': '急性心肌梗死' }, proc_names: {}, dx_map: {}, proc_map: {},
  };
}

describe('conditions nested deeper than the limit', () => {
  it('the limit is far above the deepest published table (3 levels) and a 64-level condition still compiles', () => {
    expect(MAX_CONDITION_DEPTH).toBe(64);
    const rs = withAdrgWhen(notChain(MAX_CONDITION_DEPTH));
    expect(validateRuleset(rs)).toEqual([]);
    expect(tryCompileRuleset(rs).compiled).not.toBeNull();
  });

  it('casemix-ruleset/1: a 5,000-deep "not" chain is one problem with its path', () => {
    const rs = withAdrgWhen(notChain(DEEP));
    const code = rs.adrgs[0]!.code;
    const problems = validateRuleset(rs);
    expect(problems).toEqual([{
      code: 'cond.too_deep', message: `condition nested deeper than 64 levels at path ${pathAt('when', '.not')}`,
      where: { table: 'adrgs', row: code, field: pathAt('when', '.not') },
    }]);
    expect(tryCompileRuleset(rs).compiled).toBeNull();
  });

  it('casemix-ruleset/1: a 5,000-deep "and" chain in a split is refused the same way', () => {
    const rs = shapesRuleset();
    const adrg = rs.adrgs[0]!;
    (adrg.splits[0] as { when: unknown }).when = andChain(DEEP);
    const problems = validateRuleset(rs);
    expect(problems.map((p) => [p.code, p.where.row, p.where.field])).toEqual([
      ['cond.too_deep', adrg.code, pathAt('splits[0].when', '.and[0]')],
    ]);
  });

  it('the loaded text gives an error naming the file, not a RangeError', () => {
    const r = prepareRulesetText(textWith(withAdrgWhen('DEEP'), notChainText(DEEP)), 'deep.json');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.code).toBe('ruleset.problem');
    expect(r.errors[0]!.message).toMatch(/^deep\.json: adrgs\[\w+\] when\.not\.not.*: condition nested deeper than 64 levels/);
  });

  it('CHS layout: 5,000-deep "not" and "and" chains are import problems with their path', () => {
    for (const [chain, step] of [[notChain(DEEP), '.not'], [andChain(DEEP), '.and[0]']] as const) {
      const { ruleset, problems } = importChsRules(chsRules(chain) as never);
      expect(ruleset).toBeNull();
      expect(problems.map((p) => [p.code, p.where.table, p.where.row, p.where.field])).toEqual([
        ['cond.too_deep', 'adrgs', 'FR1', pathAt('when', step)],
      ]);
    }
  });

  it('CHS layout: a valid condition still imports (the guard changes nothing below the limit)', () => {
    const { ruleset, problems } = importChsRules(chsRules({ not: { not: { in: ['zdList[0]', 'adrg_zd'] } } }) as never);
    expect(problems).toEqual([]);
    expect(ruleset?.adrgs[0]?.when).toEqual({ not: { not: { in: ['principal_dx', 'FR1.adrg_zd'] } } });
  });

  it('a bad operand nested thousands deep is shown as a placeholder, not a stack overflow', () => {
    let deepArray: unknown = 'x';
    for (let i = 0; i < DEEP; i++) deepArray = [deepArray];
    const problems = validateRuleset(withAdrgWhen({ present: deepArray }));
    expect(problems.map((p) => [p.code, p.message.slice(0, 40)])).toEqual([['cond.unknown_field', '"(a value nested too deep to show)" is n']]);
  });

  it('CSV tables: a tag formula with brackets 5,000 deep is an error value', () => {
    const r = parseTagFormula(`${'('.repeat(DEEP)}1${')'.repeat(DEEP)}`, new Set(['1']));
    expect(r).toEqual({ error: expect.stringContaining('brackets nested deeper than 64') });
    expect(parseTagFormula('((1 and (2)))', new Set(['1', '2']))).toEqual({ tree: { and: ['1', '2'] } });
  });

  it('casemix ruleset check prints one line per problem and exits 1, for both layouts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'casemix-deep-'));
    const files = { 'deep.json': textWith(withAdrgWhen('DEEP'), notChainText(DEEP)), 'deep-chs.json': textWith(chsRules('DEEP'), andChainText(DEEP)) };
    for (const [name, text] of Object.entries(files)) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const run = spawnSync(process.execPath, [BIN, 'ruleset', 'check', file], { encoding: 'utf8' });
      expect(run.status).toBe(1);
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(new RegExp(`^error \\[ruleset\\.problem\\]: ${name.replace('.', '\\.')}: adrgs\\[\\w+\\] when\\.\\S+: condition nested deeper than 64 levels`));
      expect(lines[1]).toBe('1 problem(s): the ruleset is refused');
      expect(run.stderr).not.toContain('RangeError');
    }
  });
});
