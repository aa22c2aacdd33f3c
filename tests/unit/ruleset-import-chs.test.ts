// Import of the CHS-DRG rules.json layout: every construct of its README, and problems with key, owner and path.
import { describe, expect, it } from 'vitest';
import { importChsRules } from '../../src/rules/import-chs.ts';
import { compileRuleset } from '../../src/rules/ruleset-compile.ts';
import { encodeCaseRecords, type CaseInput } from '../../src/rules/case-encoding.ts';
import { drgCodesOf, groupDrg } from '../../src/engine/reference/drg-grouper.ts';

/** A small file in the reference layout, in the shape of a regional version. */
function regionalRules(): Record<string, unknown> {
  const noLists = { adrg_zd: [], adrg_zd1: [], adrg_ss: [], adrg_ss1: [], dept_list: [] };
  return {
    source: 'test', version_dir: 'test_1', retry_each_other_procedure_when_ungroupable: false,
    mdc_order: ['MDCA', 'MDCZ', 'MDCF', 'MDCJ'],
    mdcs: {
      MDCA: { lists: { mdc_zd: [] }, guard: { and: [{ present: 'ssList' }, { in: ['ssList[0]', 'SS_VALID'] }] }, steps: [{ adrg: 'AA1' }, { qy: 'AQY', when: false }], special: null },
      MDCZ: {
        lists: { mdc_zd: ['头颈部创伤', 'S06.000', '胸部创伤', 'S27.000', 'S27.100'] },
        guard: { in: ['zdList[0]', 'mdc_zd'] }, steps: [{ adrg: 'ZZ1' }], special: 'multi_site_trauma',
      },
      MDCF: {
        lists: { mdc_zd: ['I21.000', 'I50.900'] }, guard: { in: ['zdList[0]', 'mdc_zd'] },
        steps: [{ adrg: 'FL1' }, { qy: 'FQY', when: { any_in: ['ssList', 'SS_VALID'] } }, { adrg: 'FR1' }, { adrg: 'FT1' }], special: null,
      },
      MDCJ: { lists: { mdc_zd: ['L03.000'] }, guard: { in: ['zdList[0]', 'mdc_zd'] }, steps: [{ adrg: 'JA1' }], special: null },
    },
    adrgs: {
      AA1: { lists: { ...noLists, adrg_ss: ['33.5000'] }, when: { and: [{ present: 'ssList' }, { in: ['ssList[0]', 'adrg_ss'] }] }, drgs: ['AA19'], tags: null, fallback: 'AA1' },
      ZZ1: { lists: noLists, when: { not: { any_in: ['ssList', 'SS_VALID'] } }, drgs: ['ZZ11', 'ZZ15'], tags: null, fallback: 'ZZ1' },
      FL1: {
        lists: { ...noLists, adrg_zd: ['I21.000'], adrg_ss: ['36.0600', '88.5500', '00.6600'], adrg_ss1: ['1', '2', '3'] },
        when: { and: [{ in: ['zdList[0]', 'adrg_zd'] }, { or: [{ proc_tag: '1' }, { and: [{ proc_tag: '2' }, { proc_tag: '3' }] }] }] },
        drgs: ['FL19'], tags: { codes: 'adrg_ss', tags: 'adrg_ss1' }, fallback: 'FL1',
      },
      FR1: {
        lists: { ...noLists, adrg_zd: ['I21.000'] },
        when: { and: [{ in: ['zdList[0]', 'adrg_zd'] }, { cmp: ['ageDay', '!=', { const: null }] }] },
        drgs: ['FR11', { split: 'FR1B', code: 'FR13' }], tags: null, fallback: '',
      },
      FT1: {
        lists: { ...noLists, adrg_zd: ['I50.900'] }, when: { in: ['zdList[0]', 'adrg_zd'] },
        drgs: ['FT11', 'FT13'], tags: null, fallback: 'FT1',
      },
      JA1: { lists: { ...noLists, adrg_ss: ['86.2200'] }, when: { in: ['ssList[0]', 'adrg_ss'] }, drgs: ['JA19'], tags: null, fallback: '' },
    },
    drg_splits: {
      AA19: { when: true, lists: {} },
      ZZ11: { when: { and: [{ cmp: ['len(zdList)', '>', { const: 1 }] }, { has_mcc: true }] }, lists: {} },
      ZZ15: { when: true, lists: {} },
      FL19: { when: true, lists: {} },
      FR11: { when: { and: [{ cmp: ['len(zdList)', '>', { const: 1 }] }, { has_mcc: true }] }, lists: {} },
      FR1B: { when: { cmp: [{ const: 60 }, '>', 'int(age)'] }, lists: {} },
      FT11: { when: { cmp: ['age', '<=', { const: 17.5 }] }, lists: {} },
      FT13: { when: { and: [{ cmp: ['inHospitalTime', '>=', { const: 6 }] }, { has_code: ['zdList', 'E11.900'] }] }, lists: {} },
      JA19: { when: { any_in: ['zdList[1:]', ['E11.900', 'E10.900']] }, lists: {} },
    },
    drg_names: { AA19: '肺移植', ZZ11: '多发伤伴MCC', ZZ15: '多发伤', FL19: '介入', FR11: 'AMI伴MCC', FR13: 'AMI 60岁以下', FT11: '心衰 ≤17 岁', FT13: '心衰住院 6 天以上', JA19: '皮肤手术' },
    mcc: { 'J96.000': '7' }, cc: { 'E11.900': '9' }, cc_exclusion_of_principal: { 'I21.000': '3' },
    or_procedures: ['33.5000', '36.0600', '86.2200'],
    dx_names: { 'I21.000': '急性心肌梗死', 'I50.900': '心力衰竭', 'S06.000': '脑震荡', 'S27.000': '气胸', 'S27.100': '血胸', 'L03.000': '蜂窝织炎', 'J96.000': '呼吸衰竭' },
    proc_names: { '33.5000': '肺移植', '36.0600': '支架', '88.5500': '造影', '00.6600': 'PTCA', '86.2200': '清创' },
    dx_map: { 'I21.900': 'I21.000', 'I50.900': 'I50.900' }, proc_map: {},
  };
}

const base: Omit<CaseInput, 'principal_dx'> = { age_years: 50, age_days: 18250, sex: 1, los: 5, discharge_status: 1 };

function groupWith(rules: Record<string, unknown>, c: Partial<CaseInput> & { principal_dx: string }) {
  const { ruleset, problems } = importChsRules(rules);
  expect(problems).toEqual([]);
  const compiled = compileRuleset(ruleset!);
  const cols = encodeCaseRecords(compiled, [{ ...base, ...c }]);
  return drgCodesOf(compiled, groupDrg(compiled, cols), 0);
}

describe('import of the CHS rules.json layout', () => {
  it('§2 converts owner lists to global names and maps reference fields to the case schema', () => {
    const { ruleset } = importChsRules(regionalRules());
    expect(ruleset!.mdcs.map((m) => m.code)).toEqual(['MDCA', 'MDCZ', 'MDCF', 'MDCJ']);
    expect(ruleset!.adrgs.find((a) => a.code === 'AA1')!.when).toEqual({ and: [{ present: 'all_procs' }, { in: ['principal_proc', 'AA1.adrg_ss'] }] });
    expect(ruleset!.lists!['AA1.adrg_ss']).toEqual(['33.5000']);
    expect(ruleset!.dx_map).toEqual({ 'I21.900': 'I21.000' });
  });

  it('§2.3 multi_site_trauma: site headers become site lists; one site is not enough', () => {
    expect(groupWith(regionalRules(), { principal_dx: 'S06.000', secondary_dx: ['S27.100'] }).drg).toBe('ZZ15');
    expect(groupWith(regionalRules(), { principal_dx: 'S27.000', secondary_dx: ['S27.100'] }).drg).toBe('0000');
  });

  it('§2.5 proc_tag formula over the tagged sub-lists of adrg_ss', () => {
    expect(groupWith(regionalRules(), { principal_dx: 'I21.000', principal_proc: '88.5500', other_procs: ['00.6600'] }).drg).toBe('FL19');
    expect(groupWith(regionalRules(), { principal_dx: 'I21.000', principal_proc: '88.5500' }).drg).not.toBe('FL19');
  });

  it('§2.5 a switched-on QY step takes an OR procedure that fits no surgical ADRG', () => {
    expect(groupWith(regionalRules(), { principal_dx: 'I21.000', principal_proc: '86.2200' })).toEqual({ mdc: 'MDCF', adrg: 'FQY', drg: 'FQY' });
  });

  it('§2.6 {"split","code"} entries test one split and return another code; swapped constant operands', () => {
    expect(groupWith(regionalRules(), { principal_dx: 'I21.000', age_years: 40 }).drg).toBe('FR13');
  });

  it('§2.6 fallback "" means the ADRG did not match (fall-through to the next MDC)', () => {
    expect(groupWith(regionalRules(), { principal_dx: 'I21.000', age_years: 70 }).drg).toBe('0000');
    expect(groupWith(regionalRules(), { principal_dx: 'I21.000', age_years: 70, age_days: null }).drg).toBe('0000');
  });

  it('§2.6 a non-empty fallback is a DRG code: the layout returns the ADRG code itself', () => {
    expect(groupWith(regionalRules(), { principal_dx: 'I50.900', age_years: 40, los: 3 })).toEqual({ mdc: 'MDCF', adrg: 'FT1', drg: 'FT1' });
  });

  it('§2.6 fractional constants on integer fields, has_code and literal lists in conditions', () => {
    expect(groupWith(regionalRules(), { principal_dx: 'I50.900', age_years: 17 }).drg).toBe('FT11');
    expect(groupWith(regionalRules(), { principal_dx: 'I50.900', los: 8, secondary_dx: ['E11.900'] }).drg).toBe('FT13');
    expect(groupWith(regionalRules(), { principal_dx: 'L03.000', principal_proc: '86.2200', secondary_dx: ['E10.900'] }).drg).toBe('JA19');
  });

  it('§2 retry_each_other_procedure_when_ungroupable', () => {
    const rules = regionalRules();
    const c = { principal_dx: 'L03.000', principal_proc: '88.5500', other_procs: ['86.2200'], secondary_dx: ['E11.900'] };
    expect(groupWith(rules, c).drg).toBe('0000');
    rules.retry_each_other_procedure_when_ungroupable = true;
    expect(groupWith(rules, c).drg).toBe('JA19');
  });

  it('unknown condition key, undefined list, unknown tag and unknown field are problems with key, owner and path', () => {
    const rules = regionalRules() as { adrgs: Record<string, { when: unknown }>; mdcs: Record<string, { guard: unknown }>; drg_splits: Record<string, { when: unknown }> };
    rules.adrgs.AA1!.when = { and: [{ present: 'ssList' }, { in: ['ssList[0]', 'adrg_ss9'] }] };
    rules.adrgs.FL1!.when = { or: [{ proc_tag: '7' }, { dept_in: ['dept', 'dept_list'] }] };
    rules.mdcs.MDCJ!.guard = { in: ['deptName', 'mdc_zd'] };
    rules.drg_splits.FT13!.when = { proc_tag: '1' };
    const { ruleset, problems } = importChsRules(rules);
    expect(ruleset).toBeNull();
    expect(problems.map((p) => [p.code, p.where.table, p.where.row, p.where.field])).toEqual([
      ['list.undefined', 'adrgs', 'AA1', 'when.and[1].in[1]'],
      ['import.undefined_tag', 'adrgs', 'FL1', 'when.or[0].proc_tag'],
      ['cond.unknown_key', 'adrgs', 'FL1', 'when.or[1].dept_in'],
      ['import.no_tags', 'drg_splits', 'FT13', 'when.proc_tag'],
      ['import.unknown_field', 'mdcs', 'MDCJ', 'guard.in[0]'],
    ]);
  });
});
