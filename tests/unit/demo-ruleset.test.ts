// The built-in teaching ruleset: it validates, covers every MDC with enough ADRGs, and hand-built cases
// land in the DRGs domain §2 predicts through the compiler and the reference grouper.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDemoRuleset } from '../../src/rules/demo/build-demo-ruleset.ts';
import { writeDemoRuleset } from '../../src/rules/demo/write-demo-ruleset.ts';
import { validateRuleset } from '../../src/rules/ruleset-validate.ts';
import { compileRuleset } from '../../src/rules/ruleset-compile.ts';
import { REASON_NAMES, adrgKindOf, type ReasonName } from '../../src/rules/ruleset-format.ts';
import { encodeCaseRecords, type CaseInput } from '../../src/rules/case-encoding.ts';
import { drgCodesOf, groupDrg } from '../../src/engine/reference/drg-grouper.ts';

const rs = buildDemoRuleset();
const compiled = compileRuleset(rs);
const adult: Omit<CaseInput, 'principal_dx'> = { age_years: 60, age_days: 21900, sex: 1, los: 8, discharge_status: 1 };

function group(c: Partial<CaseInput> & { principal_dx: string }) {
  const cols = encodeCaseRecords(compiled, [{ ...adult, ...c }]);
  const out = groupDrg(compiled, cols);
  return { ...drgCodesOf(compiled, out, 0), reason: REASON_NAMES[out.reason[0]!] as ReasonName };
}

describe('demo ruleset: structure', () => {
  it('§2 validates with zero problems and compiles', () => {
    expect(validateRuleset(rs)).toEqual([]);
    expect(compiled.strings.drgCodes.length).toBeGreaterThanOrEqual(rs.drgs.length);
  });

  it('is labelled a teaching ruleset, with the DIP score factor 1000 (§4)', () => {
    expect(rs.meta.teaching_only).toBe(true);
    expect(rs.meta.name).toContain('教学');
    expect(rs.meta.region).toBe('教学 (teaching)');
    expect(rs.meta.source).toMatch(/不得用于医保结算|not fit for settlement/);
    expect(rs.meta.dip_score_factor).toBe(1000);
  });

  it('§2 has the 26 CHS-DRG MDCs in the national order', () => {
    expect(rs.mdcs.map((m) => m.code.slice(3)).join('')).toBe('APYZMNBCDEFGHIJKLOQRSTUVWX');
  });

  it('§2 has ≥ 150 ADRGs, every MDC at least one, codes of the right MDC letter', () => {
    expect(rs.adrgs.length).toBeGreaterThanOrEqual(150);
    const byCode = new Map(rs.adrgs.map((a) => [a.code, a]));
    for (const m of rs.mdcs) {
      const own = m.steps.flatMap((s) => ('adrg' in s ? [s.adrg] : []));
      expect(own.length, m.code).toBeGreaterThan(0);
      for (const a of own) expect(byCode.get(a)?.code.charAt(0), `${m.code} ${a}`).toBe(m.code.charAt(3));
    }
    const stepped = new Set(rs.mdcs.flatMap((m) => m.steps.flatMap((s) => ('adrg' in s ? [s.adrg] : []))));
    expect(rs.adrgs.filter((a) => !stepped.has(a.code))).toEqual([]);
  });

  it('§2 the large MDCs have surgical, non-OR and medical ADRGs', () => {
    for (const letter of 'BEFGHIJLO') {
      const kinds = new Set(rs.adrgs.filter((a) => a.code.startsWith(letter)).map(adrgKindOf));
      expect([...kinds].sort(), letter).toEqual(['medical', 'non_or', 'surgical']);
    }
  });

  it('§2.6 every split DRG is in the DRG table, and weights fall with severity (1 > 3 > 5)', () => {
    const drg = new Map(rs.drgs.map((d) => [d.code, d]));
    for (const a of rs.adrgs) {
      for (const s of a.splits) expect(drg.get(s.drg)?.adrg, `${a.code} → ${s.drg}`).toBe(a.code);
      const w = (suffix: string) => drg.get(a.code + suffix)?.weight;
      if (w('1') !== undefined && w('3') !== undefined) expect(w('1')!).toBeGreaterThan(w('3')!);
      if (w('3') !== undefined && w('5') !== undefined) expect(w('3')!).toBeGreaterThan(w('5')!);
      if (w('1') !== undefined && w('5') !== undefined) expect(w('1')!).toBeGreaterThan(w('5')!);
    }
    for (const d of rs.drgs) {
      expect(d.weight! > 0 && d.mean_los! > 0 && d.mean_cost! > 0, d.code).toBe(true);
    }
  });

  it('§3 §4 default parameters: outlier 2.0 / 0.4, DIP level coefficients, fund shares', () => {
    expect(rs.parameters).toMatchObject({
      drg_high_outlier_ratio: 2.0, drg_low_outlier_ratio: 0.4,
      dip_level_coefficient_3: 1.0, dip_level_coefficient_2: 0.9, dip_level_coefficient_1: 0.8,
      dip_low_deviation_ratio: 0.5, dip_high_deviation_ratio: 2.0,
      fund_share_employee: 0.85, fund_share_resident: 0.7,
    });
    const p = rs.parameters!;
    expect(p.drg_base_rate_yuan_level_3! > p.drg_base_rate_yuan_level_2! && p.drg_base_rate_yuan_level_2! > p.drg_base_rate_yuan_level_1!).toBe(true);
  });

  it('§2.6 CC and MCC codes each carry an exclusion table; every diagnosis reaches an MDC', () => {
    const cc = rs.diagnoses.filter((d) => d.cc === 'cc');
    const mcc = rs.diagnoses.filter((d) => d.cc === 'mcc');
    expect(cc.length).toBeGreaterThanOrEqual(30);
    expect(mcc.length).toBeGreaterThanOrEqual(30);
    for (const d of [...cc, ...mcc]) expect(d.cc_exclusion, d.code).toBeTruthy();
    const codes = new Set(rs.diagnoses.map((d) => d.code));
    for (const d of rs.diagnoses) if (d.code.includes('.')) expect(codes.has(d.code.slice(0, 3)), d.code).toBe(true);
    const reachable = new Set([
      ...rs.mdcs.flatMap((m) => (rs.lists![`${m.code}.dx`] ?? [])),
      ...rs.lists!.newborn_dx!, ...rs.lists!.hiv_dx!,
    ]);
    expect(rs.diagnoses.filter((d) => !reachable.has(d.code)).map((d) => d.code)).toEqual([]);
  });

  it('§4 procedures carry OR flags and DIP classes 0–3', () => {
    expect(rs.procedures.length).toBeGreaterThanOrEqual(300);
    for (const p of rs.procedures) {
      expect(typeof p.or, p.code).toBe('boolean');
      expect([0, 1, 2, 3]).toContain(p.dip_class);
    }
    expect(rs.procedures.find((p) => p.code === '51.23')).toMatchObject({ or: true, dip_class: 3 });
    expect(rs.procedures.find((p) => p.code === '88.55')).toMatchObject({ or: false, dip_class: 1 });
  });

  it('§4 ≥ 300 DIP core combinations: subcategory key, sorted known procedures, score = cost ÷ mean × 1000', () => {
    expect(rs.dip_catalog.length).toBeGreaterThanOrEqual(300);
    const procs = new Set(rs.procedures.map((p) => p.code));
    const mean = rs.parameters!.dip_reference_mean_cost_yuan as number;
    for (const e of rs.dip_catalog) {
      expect(e.dx, e.name).toMatch(/^[A-Z]\d\d\.[0-9X]$/i);
      expect([...e.procs].sort()).toEqual(e.procs);
      for (const p of e.procs) expect(procs.has(p), `${e.dx} ${p}`).toBe(true);
      expect(e.score).toBe(Math.round((e.mean_cost! / mean) * 1000));
    }
    const surgical = rs.dip_catalog.find((e) => e.dx === 'K80.1' && e.procs.join() === '51.23')!;
    const conservative = rs.dip_catalog.find((e) => e.dx === 'K80.1' && e.procs.length === 0)!;
    expect(surgical.score!).toBeGreaterThan(conservative.score!);
  });

  it('§4 every diagnosis category has its four comprehensive groups, by procedure class', () => {
    const categories = rs.diagnoses.filter((d) => !d.code.includes('.')).map((d) => d.code);
    expect(rs.dip_comprehensive.length).toBe(categories.length * 4);
    for (const c of categories) {
      const groups = rs.dip_comprehensive.filter((g) => g.dx === c).sort((a, b) => a.proc_class - b.proc_class);
      expect(groups.map((g) => g.proc_class)).toEqual([0, 1, 2, 3]);
      expect(groups[3]!.score).toBeGreaterThan(groups[0]!.score);
    }
  });

  it('every entry carries a source; teaching additions say unverified', () => {
    const tables = [rs.mdcs, rs.adrgs, rs.drgs, rs.diagnoses, rs.procedures, rs.dip_catalog, rs.dip_comprehensive, rs.checks];
    for (const t of tables) for (const e of t as { source?: unknown }[]) expect(typeof e.source === 'string' && e.source.length > 0).toBe(true);
    for (const code of ['EK1', 'IK1', 'JK1', 'OK1']) expect(rs.adrgs.find((a) => a.code === code)!.source).toContain('unverified');
    for (const e of rs.dip_catalog) expect(e.source).toContain('unverified');
  });

  it('is deterministic, and the writer writes exactly the builder output', () => {
    expect(JSON.stringify(buildDemoRuleset())).toBe(JSON.stringify(rs));
    const file = join(mkdtempSync(join(tmpdir(), 'demo-ruleset-')), 'ruleset.json');
    writeDemoRuleset(file);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(JSON.parse(JSON.stringify(rs)));
  });
});

describe('demo ruleset: hand-built cases through the reference grouper', () => {
  it('§2.5 laparoscopic cholecystectomy for gallstones (K80.100 + 51.2300) → HC29', () => {
    expect(group({ principal_dx: 'K80.100', principal_proc: '51.2300' })).toMatchObject({ mdc: 'MDCH', adrg: 'HC2', drg: 'HC29' });
  });
  it('§2.5 acute myocardial infarction treated medically (I21.000) → FR19', () => {
    expect(group({ principal_dx: 'I21.000' })).toMatchObject({ mdc: 'MDCF', drg: 'FR19', reason: 'grouped' });
  });
  it('§2.5 non-OR ADRG before medical: AMI with a coronary stent (36.0700) → FM19', () => {
    expect(group({ principal_dx: 'I21.000', principal_proc: '36.0700' })).toMatchObject({ adrg: 'FM1', drg: 'FM19' });
  });
  it('§2.5 principal dx and principal procedure: perforated appendicitis GD1, plain appendicitis GD2', () => {
    expect(group({ principal_dx: 'K35.200', principal_proc: '47.0100' }).adrg).toBe('GD1');
    expect(group({ principal_dx: 'K35.800', principal_proc: '47.0100' }).adrg).toBe('GD2');
  });
  it('§2.5 an OR procedure fitting no surgical ADRG of the MDC → ambiguity group BQY', () => {
    expect(group({ principal_dx: 'I63.900', principal_proc: '51.2300' })).toMatchObject({ mdc: 'MDCB', drg: 'BQY', reason: 'ambiguous' });
  });
  it('§2.6 severity: pneumonia with MCC (J96) → ES31, with CC (E11) → ES33, with neither → ES35', () => {
    expect(group({ principal_dx: 'J18.900', secondary_dx: ['J96.000'] }).drg).toBe('ES31');
    expect(group({ principal_dx: 'J18.900', secondary_dx: ['E11.900'] }).drg).toBe('ES33');
    expect(group({ principal_dx: 'J18.900', secondary_dx: ['E78.500'] }).drg).toBe('ES35');
  });
  it('§2.6 an MCC in the principal diagnosis’s exclusion table is ignored (I50 + R57 → FR25; I50 + J96 → FR21)', () => {
    expect(group({ principal_dx: 'I50.900', secondary_dx: ['R57.000'] }).drg).toBe('FR25');
    expect(group({ principal_dx: 'I50.900', secondary_dx: ['J96.000'] }).drg).toBe('FR21');
  });
  it('§2.2 pre-MDC: invasive ventilation ≥ 96 h (96.7200) → AH1 before the diagnosis MDC', () => {
    expect(group({ principal_dx: 'J96.000', principal_proc: '96.7200' })).toMatchObject({ mdc: 'MDCA', adrg: 'AH1', drg: 'AH15' });
    expect(group({ principal_dx: 'A41.900', secondary_dx: ['I50.900'], other_procs: ['96.7200'] }).drg).toBe('AH11');
  });
  it('§2.2 pre-MDC: tracheostomy (31.1x00) → AH1; kidney transplant → AE19; pancreas + kidney → AC19', () => {
    expect(group({ principal_dx: 'J96.000', principal_proc: '31.1x00' }).adrg).toBe('AH1');
    expect(group({ principal_dx: 'N18.500', principal_proc: '55.6900' }).drg).toBe('AE19');
    expect(group({ principal_dx: 'E10.200', principal_proc: '52.8000', other_procs: ['55.6900'] }).drg).toBe('AC19');
  });
  it('§2.2 pre-MDC guard holds but no pre-MDC ADRG matches → falls through to the diagnosis MDC', () => {
    expect(group({ principal_dx: 'N18.500', principal_proc: '39.2700', other_procs: ['55.6900'] })).toMatchObject({ mdc: 'MDCL', adrg: 'LF1' });
  });
  it('§2.3 newborn: birth-weight bands of prematurity and a term newborn', () => {
    const nb = { age_years: 0, age_days: 5 };
    expect(group({ principal_dx: 'P07.100', ...nb, birth_weight_g: 1200 })).toMatchObject({ mdc: 'MDCP', adrg: 'PS1' });
    expect(group({ principal_dx: 'P07.300', ...nb, birth_weight_g: 1800 }).adrg).toBe('PS2');
    expect(group({ principal_dx: 'P07.300', ...nb, birth_weight_g: 2200 }).drg).toBe('PS39');
    expect(group({ principal_dx: 'J18.900', age_years: 0, age_days: 10 })).toMatchObject({ mdc: 'MDCP', adrg: 'PU1' });
    expect(group({ principal_dx: 'P59.900', age_years: 0, age_days: 60 })).toMatchObject({ mdc: 'MDCP', adrg: 'PV1' });
  });
  it('§2.3 HIV as a secondary diagnosis → MDCY; with an OR procedure → YC1', () => {
    expect(group({ principal_dx: 'J18.900', secondary_dx: ['B20.000'] })).toMatchObject({ mdc: 'MDCY', adrg: 'YR1' });
    expect(group({ principal_dx: 'K80.100', secondary_dx: ['B20.000'], principal_proc: '51.2300' }).adrg).toBe('YC1');
  });
  it('§2.3 multiple trauma: two body regions → MDCZ; one region → its own MDC', () => {
    expect(group({ principal_dx: 'S06.500', secondary_dx: ['S36.000'] })).toMatchObject({ mdc: 'MDCZ', adrg: 'ZZ1', drg: 'ZZ11' });
    expect(group({ principal_dx: 'S06.500', secondary_dx: ['S72.000'], principal_proc: '01.2400' }).drg).toBe('ZB19');
    expect(group({ principal_dx: 'S06.500' })).toMatchObject({ mdc: 'MDCB', adrg: 'BY1' });
  });
  it('§2.4 sex-specific MDCs: prostate hyperplasia in a man → MDCM; in a woman → 0000 sex_conflict', () => {
    expect(group({ principal_dx: 'N40.x00', principal_proc: '60.2900' })).toMatchObject({ mdc: 'MDCM', drg: 'MB19' });
    expect(group({ principal_dx: 'N40.x00', sex: 2 })).toMatchObject({ drg: '0000', reason: 'sex_conflict' });
  });
  it('§1 case codes match at subcategory or category level; ureter surgery (N20.100 + 56.0x00) → LC19 (§12)', () => {
    expect(group({ principal_dx: 'N20.100', principal_proc: '56.0x00' })).toMatchObject({ mdc: 'MDCL', drg: 'LC19' });
    expect(group({ principal_dx: 'I47.200' }).adrg).toBe('FU1');
    expect(group({ principal_dx: 'I47.100' }).adrg).toBe('FU2');
  });
  it('§2 fall-through: a benign tumour without surgery passes MDCQ and groups in MDCR', () => {
    expect(group({ principal_dx: 'D36.900' })).toMatchObject({ mdc: 'MDCR', drg: 'RT29' });
    expect(group({ principal_dx: 'D36.900', principal_proc: '83.3900' })).toMatchObject({ mdc: 'MDCQ', adrg: 'QJ1' });
  });
});
