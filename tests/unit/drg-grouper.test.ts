// One hand-built case per CHS-DRG rule shape and per decision branch of domain §2, on the shapes ruleset.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { encodeCaseRecords, type CaseInput } from '../../src/rules/case-encoding.ts';
import { compileRuleset, type CompiledRuleset } from '../../src/rules/ruleset-compile.ts';
import type { ReasonName, Ruleset } from '../../src/rules/ruleset-format.ts';
import { REASON_NAMES } from '../../src/rules/ruleset-format.ts';
import { drgCodesOf, explainDrg, groupDrg } from '../../src/engine/reference/drg-grouper.ts';
import { shapesRuleset } from './drg-grouper-shapes.ts';

const adult: Omit<CaseInput, 'principal_dx'> = { age_years: 60, age_days: 21900, sex: 1, los: 8, discharge_status: 1 };

function group(c: Partial<CaseInput> & { principal_dx: string | null }, rs: Ruleset = shapesRuleset()) {
  const compiled = compileRuleset(rs);
  const cols = encodeCaseRecords(compiled, [{ ...adult, ...c }]);
  const out = groupDrg(compiled, cols);
  return {
    ...drgCodesOf(compiled, out, 0),
    severity: out.severity[0]!,
    severityDx: out.severityDx[0]!,
    reason: REASON_NAMES[out.reason[0]!] as ReasonName,
    explain: () => explainDrg(compiled, 0, cols),
  };
}

describe('§2.1 validation', () => {
  it('§2.1 missing principal diagnosis → 0000 with reason', () => {
    expect(group({ principal_dx: '' })).toMatchObject({ drg: '0000', adrg: '00', mdc: '0000', reason: 'missing_principal_dx' });
  });
  it('§2.1 unknown principal diagnosis → 0000 with reason', () => {
    expect(group({ principal_dx: 'Q99.999' })).toMatchObject({ drg: '0000', reason: 'unknown_principal_dx' });
  });
  it('§2.1 sex conflict from a ruleset check → 0000', () => {
    expect(group({ principal_dx: 'N40.x00', sex: 2 })).toMatchObject({ drg: '0000', reason: 'sex_conflict' });
  });
  it('§2.1 codes are normalised (trim, upper case) and mapped once by dx_map', () => {
    expect(group({ principal_dx: ' i21.000 ' }).adrg).toBe('FR1');
    expect(group({ principal_dx: 'I21.900x001' }).adrg).toBe('FR1');
  });
  it('§1 a code unknown at full length falls back to subcategory then category when the ruleset says', () => {
    expect(group({ principal_dx: 'J18.100x099' }).drg).toBe('ER15');
  });
});

describe('§2.2 pre-MDC', () => {
  it('§2.2 transplant by principal procedure → MDCA before any diagnosis MDC', () => {
    expect(group({ principal_dx: 'J18.900', principal_proc: '33.5000' })).toMatchObject({ mdc: 'MDCA', drg: 'AG19' });
  });
  it('§2.2 MDCA guard holds but no pre-MDC ADRG matches → falls through to the diagnosis MDC', () => {
    expect(group({ principal_dx: 'K80.100', principal_proc: '51.2300' })).toMatchObject({ mdc: 'MDCH', drg: 'HC15' });
  });
});

describe('§2.3 special MDCs', () => {
  const newborn = { age_years: 0, age_days: 3 };
  it('§2.3 newborn: birth weight < 1500 g band', () => {
    expect(group({ principal_dx: 'P07.100', ...newborn, birth_weight_g: 1200 })).toMatchObject({ mdc: 'MDCP', drg: 'PS19' });
  });
  it('§2.3 newborn: birth weight ≥ 1500 g band', () => {
    expect(group({ principal_dx: 'P07.100', ...newborn, birth_weight_g: 2600 })).toMatchObject({ drg: 'PS29' });
  });
  it('§2.3 newborn without birth weight: bands fail (missing compares false), next ADRG', () => {
    expect(group({ principal_dx: 'P07.100', ...newborn, birth_weight_g: null })).toMatchObject({ drg: 'PU19' });
  });
  it('§2.3 newborn with missing age in days: "!= null" fails, so no band ADRG', () => {
    expect(group({ principal_dx: 'P07.100', age_years: 0, age_days: null, birth_weight_g: 1200 })).toMatchObject({ drg: 'PU19' });
  });
  it('§2.3 HIV as a secondary diagnosis → MDCY', () => {
    expect(group({ principal_dx: 'J18.900', secondary_dx: ['B20.000'] })).toMatchObject({ mdc: 'MDCY', drg: 'YR19' });
  });
  it('§2.3 multiple trauma in two body sites → MDCZ', () => {
    expect(group({ principal_dx: 'S06.000', secondary_dx: ['S27.000'] })).toMatchObject({ mdc: 'MDCZ', drg: 'ZZ19' });
  });
  it('§2.3 trauma in one site only → not MDCZ; MDCB matches but has no ADRG → falls through to MDCX', () => {
    expect(group({ principal_dx: 'S06.000', secondary_dx: ['S06.000'], los: 120 })).toMatchObject({ mdc: 'MDCX', drg: 'XR19' });
  });
  it('§2.3 fall-through to the end: guards matched, no ADRG anywhere → 0000 no_adrg', () => {
    expect(group({ principal_dx: 'S06.000', los: 3 })).toMatchObject({ drg: '0000', mdc: '0000', reason: 'no_adrg' });
  });
});

describe('§2.4 MDC by principal diagnosis', () => {
  it('§2.4 sex-specific MDC (M, male)', () => {
    expect(group({ principal_dx: 'N40.x00', principal_proc: '60.2900' })).toMatchObject({ mdc: 'MDCM', drg: 'MA19' });
  });
  it('§2.4 principal diagnosis in no MDC → 0000 no_mdc', () => {
    expect(group({ principal_dx: 'Z99.999' })).toMatchObject({ drg: '0000', reason: 'no_mdc' });
  });
});

describe('§2.5 ADRG shapes', () => {
  it('§2.5 principal diagnosis and principal procedure', () => {
    expect(group({ principal_dx: 'I21.000', principal_proc: '36.0600' })).toMatchObject({ adrg: 'FM1', drg: 'FM15' });
  });
  it('§2.5 a procedure counts as principal only in first place (other procedure → not FM1)', () => {
    expect(group({ principal_dx: 'I21.000', principal_proc: '99.0400', other_procs: ['36.0600'] }).adrg).toBe('FL1');
  });
  it('§2.5 procedure combination: one procedure from list A and one from list B', () => {
    expect(group({ principal_dx: 'I10.x00', principal_proc: '37.2200', other_procs: ['88.5500'] })).toMatchObject({ adrg: 'FK1' });
  });
  it('§2.5 procedure combination incomplete → not that ADRG', () => {
    expect(group({ principal_dx: 'I10.x00', principal_proc: '37.2200' }).adrg).not.toBe('FK1');
  });
  it('§2.5 tag formula 1 or (2 and 3): 2 and 3 present', () => {
    expect(group({ principal_dx: 'I21.000', principal_proc: '88.5500', other_procs: ['00.6600'] }).adrg).toBe('FL1');
  });
  it('§2.5 tag formula 1 or (2 and 3): 2 alone fails → medical ADRG', () => {
    expect(group({ principal_dx: 'I21.000', principal_proc: '88.5500' }).adrg).toBe('FR1');
  });
  it('§2.5 OR procedure fitting no surgical ADRG → ambiguity group xQY', () => {
    expect(group({ principal_dx: 'I10.x00', principal_proc: '86.2200' })).toMatchObject({ mdc: 'MDCF', adrg: 'FQY', drg: 'FQY', reason: 'ambiguous' });
  });
  it('§2.5 ambiguity switched off (when false) → medical ADRG', () => {
    expect(group({ principal_dx: 'K80.100', principal_proc: '86.2200', secondary_dx: ['E11.900'] })).toMatchObject({ adrg: 'HS1' });
  });
  it('§2.5 "no valid OR procedure" condition (not any_in $or_procedures)', () => {
    expect(group({ principal_dx: 'S06.000', secondary_dx: ['S36.100'], principal_proc: '86.2200' }).mdc).not.toBe('MDCZ');
  });
  it('§2.5 literal code list inside a condition (secondary diagnosis ∈ [..])', () => {
    expect(group({ principal_dx: 'K35.800', secondary_dx: ['E11.900'] }).drg).toBe('HS19');
  });
  it('§2.5 ADRG whose splits all fail and no fallback does not match; the MDC goes on', () => {
    expect(group({ principal_dx: 'K35.800' })).toMatchObject({ drg: '0000', reason: 'no_adrg' });
  });
});

describe('§2.6 severity and DRG splits', () => {
  it('§2.6 MCC → suffix 1', () => {
    const r = group({ principal_dx: 'J18.900', secondary_dx: ['E11.900', 'J96.000'] });
    expect(r).toMatchObject({ drg: 'ER11', severity: 1, severityDx: 1 });
  });
  it('§2.6 CC only → suffix 3 in a 1/3/5 split', () => {
    expect(group({ principal_dx: 'I21.000', secondary_dx: ['E11.900'] })).toMatchObject({ drg: 'FR13', severity: 3, severityDx: 0 });
  });
  it('§2.6 no CC/MCC → suffix 5', () => {
    expect(group({ principal_dx: 'I21.000' })).toMatchObject({ drg: 'FR15', severity: 5, severityDx: -1 });
  });
  it('§2.6 MCC excluded by principal diagnosis (same exclusion table)', () => {
    expect(group({ principal_dx: 'I21.000', secondary_dx: ['I50.900'] })).toMatchObject({ drg: 'FR15', severity: 5 });
  });
  it('§2.6 CC excluded by principal diagnosis, another MCC remains', () => {
    expect(group({ principal_dx: 'I21.000', secondary_dx: ['I10.x00', 'J96.000'] })).toMatchObject({ drg: 'FR11', severity: 1, severityDx: 1 });
  });
  it('§2.6 split "1/5": MCC vs the rest (a CC gives 5)', () => {
    expect(group({ principal_dx: 'I21.000', principal_proc: '36.0600', secondary_dx: ['E11.900'] }).drg).toBe('FM15');
    expect(group({ principal_dx: 'I21.000', principal_proc: '36.0600', secondary_dx: ['J96.000'] }).drg).toBe('FM11');
  });
  it('§2.6 split by discharge status (death → 7) is tried first', () => {
    expect(group({ principal_dx: 'I21.000', secondary_dx: ['J96.000'], discharge_status: 5 }).drg).toBe('FR17');
  });
  it('§2.6 split by age (≤ 17 years)', () => {
    expect(group({ principal_dx: 'I50.900', age_years: 12 }).drg).toBe('FT11');
  });
  it('§2.6 split by length-of-stay range (6 ≤ LOS < 13)', () => {
    expect(group({ principal_dx: 'I50.900', los: 7 }).drg).toBe('FT13');
  });
  it('§2.6 no split matches → the ADRG fallback DRG', () => {
    expect(group({ principal_dx: 'I50.900', los: 20 }).drg).toBe('FT15');
  });
});

describe('§2 regional rules', () => {
  it('§2 retry each other procedure alone when the case is ungroupable', () => {
    const rs = shapesRuleset();
    const c = { principal_dx: 'K35.800', principal_proc: '99.0400', other_procs: ['51.2300'] };
    expect(group(c, rs).drg).toBe('0000');
    rs.retry_each_other_procedure = true;
    expect(group(c, rs).drg).toBe('HC15');
  });
});

describe('§2.7 explain trace', () => {
  it('§2.7 explain records MDC guards, the ADRG shape, CC/MCC with exclusion numbers and the split', () => {
    const ex = group({ principal_dx: 'I21.000', principal_proc: '36.0600', secondary_dx: ['I50.900', 'J96.000'] }).explain();
    expect(ex).toMatchObject({ mdc: 'MDCF', adrg: 'FM1', drg: 'FM11', reason: 'grouped', severity: 1 });
    const r = ex.records;
    expect(r[0]!.step).toBe('input');
    expect(r.find((x) => x.step === 'severity' && x.subject === 'I50.900')).toMatchObject({
      outcome: 'excluded', reason: 'excluded_by_principal', detail: { exclusion_table: 'T1', principal_exclusion_table: 'T1' },
    });
    expect(r.find((x) => x.step === 'severity' && x.subject === 'J96.000')).toMatchObject({ outcome: 'mcc', detail: { exclusion_table: 'T2' } });
    expect(r.find((x) => x.step === 'mdc' && x.rule === 'MDCA')).toMatchObject({ outcome: 'match' });
    expect(r.find((x) => x.step === 'adrg' && x.rule === 'AG1')).toMatchObject({ outcome: 'fail', reason: 'principal_proc' });
    expect(r.find((x) => x.step === 'mdc' && x.rule === 'MDCP')).toMatchObject({ outcome: 'fail' });
    expect(r.find((x) => x.step === 'adrg' && x.rule === 'FM1')).toMatchObject({ outcome: 'match', reason: 'principal_dx_and_principal_proc' });
    expect(r.find((x) => x.step === 'split' && x.rule === 'FM11')).toMatchObject({ outcome: 'match' });
    expect(r.at(-1)).toMatchObject({ step: 'result', rule: 'FM11', outcome: 'grouped' });
  });
  it('§2.7 explain names the leaf that failed, with the case value', () => {
    const ex = group({ principal_dx: 'I21.000', principal_proc: '88.5500' }).explain();
    const fk = ex.records.find((x) => x.step === 'adrg' && x.rule === 'FK1')!;
    expect(fk.reason).toBe('proc_combination');
    expect(fk.detail.leaves).toEqual([
      { test: 'any_in', field: 'all_procs', list: 'cath_a', value: ['88.5500'], matched: '88.5500', result: true },
      { test: 'any_in', field: 'all_procs', list: 'cath_b', value: ['88.5500'], result: false },
    ]);
  });
  it('§2.7 explain agrees with groupDrg on every shape case', () => {
    const compiled: CompiledRuleset = compileRuleset(shapesRuleset());
    const cases: CaseInput[] = [
      { principal_dx: 'I21.000', secondary_dx: ['E11.900'] }, { principal_dx: 'S06.000', secondary_dx: ['S27.000'] },
      { principal_dx: 'P07.100', age_years: 0, age_days: 3, birth_weight_g: 1200 }, { principal_dx: 'Z99.999' }, { principal_dx: '' },
    ].map((c) => ({ ...adult, ...c }));
    const cols = encodeCaseRecords(compiled, cases);
    const out = groupDrg(compiled, cols);
    cases.forEach((_, i) => expect(explainDrg(compiled, i, cols).drg).toBe(drgCodesOf(compiled, out, i).drg));
  });
});

describe('docs/examples/mini-ruleset.json worked cases (docs/ruleset-format.md)', () => {
  const mini = JSON.parse(readFileSync(new URL('../../docs/examples/mini-ruleset.json', import.meta.url), 'utf8')) as Ruleset;
  const cases: [Partial<CaseInput> & { principal_dx: string }, string, ReasonName][] = [
    [{ principal_dx: 'K80.100', principal_proc: '51.2300', secondary_dx: ['E11.900'] }, 'HC23', 'grouped'],
    [{ principal_dx: 'K80.100', principal_proc: '51.2300', secondary_dx: ['K83.000'] }, 'HC25', 'grouped'],
    [{ principal_dx: 'K81.000', principal_proc: '86.2200' }, 'HQY', 'ambiguous'],
    [{ principal_dx: 'K80.100', secondary_dx: ['J96.000'] }, 'HS21', 'grouped'],
    [{ principal_dx: 'k80.200' }, 'HS25', 'grouped'],
    [{ principal_dx: 'N40.x00', sex: 2 }, '0000', 'sex_conflict'],
    [{ principal_dx: 'N40.x00', sex: 1 }, '0000', 'no_mdc'],
  ];
  for (const [c, drg, reason] of cases) {
    it(`§2 ${c.principal_dx} ${c.principal_proc ?? ''} [${(c.secondary_dx ?? []).join(' ')}] → ${drg} (${reason})`, () => {
      expect(group(c, mini)).toMatchObject({ drg, reason });
    });
  }
});
