// Each form the regional CHS-DRG layouts add (../shared/reference/regional/README.md), hand-built: imported as
// data, grouped identically by the Wasm core and the TypeScript reference, explained, and bad input refused.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCoreModule } from '../../src/engine/node/engine-node.ts';
import { prepareRulesetText } from '../../src/engine/ruleset-loading.ts';
import { drgCodesOf, explainDrg, groupDrg } from '../../src/engine/reference/drg-grouper.ts';
import { WasmCore } from '../../src/engine/wasm-core.ts';
import { WasmDrgGrouper } from '../../src/engine/wasm-drg-grouper.ts';
import { encodeCaseRecords, type CaseInput } from '../../src/rules/case-encoding.ts';
import { importChsRules } from '../../src/rules/import-chs.ts';
import { compileRuleset } from '../../src/rules/ruleset-compile.ts';
import { REASON_NAMES, type Ruleset } from '../../src/rules/ruleset-format.ts';
import { rulesetWarnings, validateRuleset } from '../../src/rules/ruleset-validate.ts';

let core: WasmCore;
beforeAll(async () => {
  core = new WasmCore(await loadCoreModule());
});

const OR = ['51.2200', '39.7900'];
/** A small rules.json in the regional layout: one MDC B (text sex constant), one MDC N (female, constant on the left). */
function regionalRules(): Record<string, unknown> {
  return {
    version_dir: 'test_2024', fail_drg_codes: { ungroupable: '0000A', mdc_only: '0000B' },
    mdc_order: ['MDCN', 'MDCB'],
    mdcs: {
      MDCN: { lists: { mdc_zd: ['N80.000'] }, guard: { and: [{ in: ['zdList[0]', 'mdc_zd'] }, { cmp: [{ const: '女' }, '==', 'gender'] }] }, steps: [{ adrg: 'NS1' }], special: null },
      MDCB: {
        lists: { mdc_zd: ['I63.900', 'I61.000', 'G45.000', 'I67.800'] },
        guard: { and: [{ in: ['zdList[0]', 'mdc_zd'] }, { cmp: [{ const: 'M' }, '==', 'gender'] }] },
        steps: [{ adrg: 'BB1_1' }, { adrg: 'BR1' }, { adrg: 'BB1_2' }, { qy: 'BQY', when: { any_in: ['ssList', 'SS_VALID'] } }, { adrg: 'BX1' }],
        special: null,
      },
    },
    adrgs: {
      BB1_1: { lists: { adrg_ss: ['39.7900'] }, when: { and: [{ present: 'ssList' }, { in: ['ssList[0]', 'adrg_ss'] }] }, drgs: ['BB19'], fallback: '' },
      BB1_2: { lists: { adrg_zd: ['I61.000'], adrg_ss: ['01.2400'] }, when: { and: [{ in: ['zdList[0]', 'adrg_zd'] }, { any_in: ['ssList[1:]', 'adrg_ss'] }] }, drgs: ['BB19'], fallback: '' },
      BR1: { lists: { adrg_zd: ['I63.900'] }, when: { in: ['zdList[0]', 'adrg_zd'] }, drgs: ['BR19', { split: 'DRG_EX.BR1Z', code: 'BR17' }, 'BR1I', 'BR15', 'BR16'], fallback: 'BR1' },
      BX1: { lists: { adrg_zd: ['G45.000'] }, when: { in: ['zdList[0]', 'adrg_zd'] }, drgs: ['BX15'], fallback: '' },
      NS1: { lists: { adrg_zd: ['N80.000'] }, when: { in: ['zdList[0]', 'adrg_zd'] }, drgs: ['NS19'], fallback: '' },
    },
    drg_splits: {
      BB19: { when: true, lists: {} },
      BR19: { when: { cmp: ['dept', '==', { const: 'ICU' }] }, lists: {} },
      'DRG_EX.BR1Z': { when: { and: [{ cmp: [{ const: 5 }, '>', 'int(inHospitalTime)'] }, { in: ['leavingType', '_inline0'] }] }, lists: { _inline0: ['2', '5'] } },
      BR1I: { when: { cmp: [{ const: 24 }, '<=', 'icuHours'] }, lists: {} },
      BR15: { when: true, lists: {} },
      BR16: { when: { cmp: ['len(ssList)', '>', { const: 1 }] }, lists: {} },
      BX15: { when: { cmp: ['int(ageDay)', '>', { const: 28 }] }, lists: {} },
      NS19: { when: true, lists: {} },
    },
    drg_names: { BQY: '神经系统歧义组', BR15: '脑缺血性疾患' },
    mcc: {}, cc: {}, cc_exclusion_of_principal: {},
    or_procedures: OR, dx_names: {}, proc_names: {}, dx_map: {}, proc_map: {},
  };
}

function imported(rules = regionalRules()): Ruleset {
  const r = importChsRules(rules);
  if (!r.ruleset) throw new Error(JSON.stringify(r.problems));
  return r.ruleset;
}

/** Groups the cases in Wasm and in the reference; they must agree case by case. */
function groupBoth(rs: Ruleset, cases: CaseInput[]) {
  const compiled = compileRuleset(rs);
  const cols = encodeCaseRecords(compiled, cases);
  const ref = groupDrg(compiled, cols);
  const grouper = new WasmDrgGrouper(core, compiled);
  try {
    const wasm = grouper.group(cols);
    const rows = cases.map((_, i) => ({ ...drgCodesOf(compiled, ref, i), reason: REASON_NAMES[ref.reason[i]!] }));
    expect(cases.map((_, i) => ({ ...drgCodesOf(compiled, wasm, i), reason: REASON_NAMES[wasm.reason[i]!] }))).toEqual(rows);
    return { compiled, cols, rows };
  } finally {
    grouper.free();
  }
}

const base: CaseInput = { principal_dx: 'I63.900', sex: 1, age_years: 60, age_days: 21900, los: 10, discharge_status: 1, department: '神经内科' };

describe('regional CHS-DRG forms, imported and grouped (Wasm = reference)', () => {
  it('§2.2 sex constants by meaning: "1"/"女"/"M" as text compare with the case\'s sex; a constant on the left', () => {
    const rs = imported();
    expect(rs.mdcs[0]!.guard).toEqual({ and: [{ in: ['principal_dx', 'MDCN.mdc_zd'] }, { cmp: ['sex', '==', 2] }] });
    const { rows } = groupBoth(rs, [{ ...base, principal_dx: 'N80.000', sex: 2 }, { ...base, principal_dx: 'N80.000', sex: 'M' }]);
    expect(rows.map((r) => r.drg)).toEqual(['NS19', '0000A']);
  });

  it('§2.7 a department split (dept == "ICU"), compared like a code (icu = ICU); another department takes the default', () => {
    const { compiled, cols, rows } = groupBoth(imported(), [{ ...base, department: 'icu' }, { ...base, department: 'ICU ' }, { ...base }, { ...base, department: null }]);
    expect(rows.map((r) => r.drg)).toEqual(['BR19', 'BR19', 'BR15', 'BR15']);
    const leaf = (i: number) => explainDrg(compiled, i, cols).records.find((r) => r.step === 'split' && r.rule === 'BR19')!.detail.leaves;
    expect(leaf(0)).toEqual([{ test: 'one_of', field: 'department', value: 'ICU', against: ['ICU'], result: true }]);
    expect(leaf(2)).toEqual([{ test: 'one_of', field: 'department', value: 'other', against: ['ICU'], result: false }]);
  });

  it('§2.7 a split kept under a module name (DRG_EX.BR1Z): stay < 5 days (constant on the left) and discharge status in {2, 5}', () => {
    const rs = imported();
    const br1 = rs.adrgs.find((a) => a.code === 'BR1')!;
    expect(br1.splits[1]).toEqual({ drg: 'BR17', when: { and: [{ cmp: ['los', '<', 5] }, { one_of: ['discharge_status', [2, 5]] }] } });
    const { rows } = groupBoth(rs, [
      { ...base, los: 4, discharge_status: 5 }, { ...base, los: 4, discharge_status: 2 }, { ...base, los: 4, discharge_status: 1 },
      { ...base, los: 5, discharge_status: 5 }, { ...base, los: 4, discharge_status: null },
    ]);
    expect(rows.map((r) => r.drg)).toEqual(['BR17', 'BR17', 'BR15', 'BR15', 'BR15']);
    const split = explainDrg(compileRuleset(rs), 0, encodeCaseRecords(compileRuleset(rs), [{ ...base, los: 4, discharge_status: 5 }]))
      .records.find((r) => r.step === 'split' && r.rule === 'BR17')!;
    expect(split.detail.leaves).toEqual([
      { test: 'cmp', field: 'los', op: '<', value: 4, against: 5, result: true },
      { test: 'one_of', field: 'discharge_status', value: 5, against: [2, 5], result: true },
    ]);
  });

  it('§2.7 ICU hours: 24 ≤ icu_hours splits; missing hours never match', () => {
    const { rows } = groupBoth(imported(), [{ ...base, icu_hours: 24 }, { ...base, icu_hours: 23.9 }, { ...base, icu_hours: 100.5 }, { ...base }]);
    expect(rows.map((r) => r.drg)).toEqual(['BR1I', 'BR15', 'BR1I', 'BR15']);
  });

  it('§2.3 one ADRG written as two entries (BB1_1, BB1_2): tried in step order, the result ADRG is BB1', () => {
    const rs = imported();
    expect(rs.adrgs.filter((a) => a.adrg === 'BB1').map((a) => a.code)).toEqual(['BB1_1', 'BB1_2']);
    const { compiled, cols, rows } = groupBoth(rs, [
      { ...base, principal_proc: '39.7900' },
      { ...base, principal_dx: 'I61.000', principal_proc: '99.0000', other_procs: ['01.2400'] },
      { ...base, principal_dx: 'I61.000', principal_proc: '99.0000' },
    ]);
    expect(rows.map((r) => [r.adrg, r.drg])).toEqual([['BB1', 'BB19'], ['BB1', 'BB19'], ['00', '0000B']]);
    expect(compiled.strings.adrgCodes.filter((c) => c.startsWith('BB'))).toEqual(['BB1']);
    const second = explainDrg(compiled, 1, cols).records.find((r) => r.step === 'adrg' && r.outcome === 'match')!;
    expect(second).toMatchObject({ rule: 'BB1', detail: { entry: 'BB1_2', entry_ordinal: 2, entries: 2 } });
  });

  it('§2.5 a named ambiguity group (drg_names["BQY"]) is the qy step\'s result, named, not an ADRG', () => {
    const rs = imported();
    expect(rs.drgs.some((d) => d.code === 'BQY')).toBe(false);
    const { compiled, rows } = groupBoth(rs, [{ ...base, principal_dx: 'G45.000', principal_proc: '51.2200' }]);
    expect(rows[0]).toMatchObject({ drg: 'BQY', reason: 'ambiguous' });
    expect(compiled.strings.drgNames[compiled.strings.drgCodes.indexOf('BQY')]).toBe('神经系统歧义组');
  });

  it('§2 fail_drg_codes: 0000A when no MDC takes the case, 0000B when its MDC matched but no ADRG', () => {
    const { rows } = groupBoth(imported(), [{ ...base, principal_dx: 'K80.100' }, { ...base, principal_dx: 'I67.800' }]);
    expect(rows.map((r) => [r.drg, r.reason])).toEqual([['0000A', 'unknown_principal_dx'], ['0000B', 'no_adrg']]);
    const plain = { ...regionalRules() };
    delete plain.fail_drg_codes;
    expect(groupBoth(imported(plain), [{ ...base, principal_dx: 'I67.800' }]).rows[0]!.drg).toBe('0000');
  });

  it('§2.7 int(ageDay), len(ssList) and ssList[1:] read as age_days, proc_count and other_procs', () => {
    const rs = imported();
    expect(rs.adrgs.find((a) => a.code === 'BX1')!.splits[0]!.when).toEqual({ cmp: ['age_days', '>', 28] });
    expect(rs.adrgs.find((a) => a.code === 'BR1')!.splits[4]!.when).toEqual({ cmp: ['proc_count', '>', 1] });
    expect(rs.adrgs.find((a) => a.code === 'BB1_2')!.when).toEqual({ and: [{ in: ['principal_dx', 'BB1_2.adrg_zd'] }, { any_in: ['other_procs', 'BB1_2.adrg_ss'] }] });
  });

  it('§2.7 a dead row (BR16 after the always-true BR15) is kept, grouped as published and reported as a warning', () => {
    const r = importChsRules(regionalRules());
    expect(r.problems).toEqual([]);
    expect(r.warnings.map((w) => [w.code, w.where.row, w.where.field])).toEqual([['split.unreachable', 'BR1', 'splits[4]']]);
    expect(r.ruleset!.adrgs.find((a) => a.code === 'BR1')!.splits.map((s) => s.drg)).toEqual(['BR19', 'BR17', 'BR1I', 'BR15', 'BR16']);
    expect(validateRuleset(r.ruleset)).toEqual([]);
    expect(rulesetWarnings(r.ruleset)).toEqual(r.warnings);
    const { rows } = groupBoth(r.ruleset!, [{ ...base, principal_proc: '99.0000', other_procs: ['99.1000'] }]);
    expect(rows[0]!.drg).toBe('BR15');
    const loaded = prepareRulesetText(JSON.stringify(regionalRules()), 'test.json');
    expect(loaded.ok && loaded.value.info.warnings.map((w) => [w.code, w.params?.code])).toEqual([['ruleset.warning', 'split.unreachable']]);
  });
});

describe('regional bad input is refused with key and path', () => {
  it('a split naming a DRG split that drg_splits does not define', () => {
    const rules = regionalRules();
    ((rules.adrgs as Record<string, { drgs: unknown[] }>).BR1!.drgs).push('BR18');
    const r = importChsRules(rules);
    expect(r.ruleset).toBeNull();
    expect(r.problems.map((p) => [p.code, p.where.table, p.where.row, p.where.field])).toEqual([['ref.split_undefined', 'adrgs', 'BR1', 'drgs[5]']]);
  });

  it('a list that is not a list (leavingType in "2,5"), and a department compared with <', () => {
    const rules = regionalRules();
    const splits = rules.drg_splits as Record<string, { when: unknown; lists: Record<string, unknown> }>;
    splits['DRG_EX.BR1Z']!.lists._inline0 = '2,5';
    splits.BR19!.when = { cmp: ['dept', '<', { const: 'ICU' }] };
    const r = importChsRules(rules);
    expect(r.ruleset).toBeNull();
    expect(r.problems.map((p) => [p.code, p.where.row, p.where.field])).toEqual([
      ['cond.bad_op', 'BR19', 'when.cmp[1]'],
      ['list.bad', 'DRG_EX.BR1Z', 'lists._inline0'],
    ]);
  });

  it('casemix-ruleset/1: one_of with a non-list, a department with <, an entry whose DRG belongs elsewhere', () => {
    const rs = imported();
    const br1 = rs.adrgs.find((a) => a.code === 'BR1')!;
    br1.splits[0] = { drg: 'BR19', when: { one_of: ['department', 'ICU'] } as never };
    br1.splits[2] = { drg: 'BR1I', when: { cmp: ['department', '<', 3] } };
    rs.adrgs.find((a) => a.code === 'BB1_2')!.splits = [{ drg: 'BR15' }];
    expect(validateRuleset(rs).map((p) => [p.code, p.where.row, p.where.field])).toEqual([
      ['split.wrong_adrg', 'BB1_2', 'splits[0].drg'],
      ['cond.bad_shape', 'BR1', 'splits[0].when.one_of'],
      ['cond.bad_value', 'BR1', 'splits[2].when.cmp[2]'],
    ]);
  });
});
