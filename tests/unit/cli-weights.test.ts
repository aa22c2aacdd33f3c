// `casemix ruleset import-chs RULES.json --weights W.csv --out R.json`: rules published without weights get the
// region's weight table (domain §3), so `casemix group` prints a CMI (§5); a bad table writes nothing.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { handTable, ipc } from '../fixtures/case-tables.ts';

const BIN = join(__dirname, '..', '..', 'bin', 'casemix.js');
const dir = mkdtempSync(join(tmpdir(), 'casemix-cli-weights-'));

/** One MDC, one medical ADRG split 1/3/5, in the CHS-DRG reference layout, without weights. */
const RULES = join(dir, 'rules.json');
writeFileSync(RULES, JSON.stringify({
  mdc_order: ['MDCH'],
  mdcs: { MDCH: { lists: { mdc_zd: ['K80.100', 'K81.000'] }, guard: { in: ['zdList[0]', 'mdc_zd'] }, special: null, steps: [{ adrg: 'HS2' }] } },
  adrgs: { HS2: { lists: { adrg_zd: ['K80.100', 'K81.000'] }, when: { in: ['zdList[0]', 'adrg_zd'] }, drgs: ['HS21', 'HS23', 'HS25'], tags: null, fallback: 'HS2' } },
  drg_splits: { HS21: { when: { has_mcc: true }, lists: {} }, HS23: { when: { has_cc: true }, lists: {} }, HS25: { when: true, lists: {} } },
  drg_names: {}, mcc: { 'J96.000': '7' }, cc: { 'E11.900': '3' }, cc_exclusion_of_principal: {}, or_procedures: [],
  dx_names: {}, proc_names: {}, dx_map: {}, proc_map: {},
}));

const CASES = join(dir, 'cases.arrow');
writeFileSync(CASES, ipc(handTable([
  { case_id: 'W1', department: '消化内科', total_cost: 9000, los: 5, principal_dx: 'K80.100', secondary_dx: ['E11.900'] }, // HS23
  { case_id: 'W2', department: '消化内科', total_cost: 7000, los: 4, principal_dx: 'K81.000', secondary_dx: [] }, // HS25
  { case_id: 'W3', department: '消化内科', total_cost: 15000, los: 9, principal_dx: 'K80.100', secondary_dx: ['J96.000'] }, // HS21
])));

describe('casemix ruleset import-chs --weights', () => {
  it('§3 applies the table, lists the unknown code with its line and the DRG left without a weight; §5 CMI = (0 + 0.6 + 1.2) ÷ 3', () => {
    const weights = join(dir, '权重表.csv');
    writeFileSync(weights, '\ufeff分组编码,名称,权重,费率\nHS21,胆道疾患伴严重并发症,1.2,"12,000"\nHS25,胆道疾患,0.6,12000\nZZ99,不存在,1,\n');
    const out = join(dir, 'weighted.json');
    const text = execFileSync(process.execPath, [BIN, 'ruleset', 'import-chs', RULES, '--weights', weights, '--out', out], { encoding: 'utf8' });
    expect(text).toContain('权重表.csv: weights applied to 2 DRG(s); base rate 12,000.00 yuan for every hospital level');
    expect(text).toContain('warning [weights.unknown_drg]: 权重表.csv:4: DRG ZZ99 is not in the ruleset');
    expect(text).toContain('1 DRG(s) without a weight: HS23');
    expect(text).toContain('columns not read: 名称');
    const written = JSON.parse(readFileSync(out, 'utf8'));
    expect(written.drgs.map((d: { code: string; weight?: number }) => [d.code, d.weight])).toEqual([['HS21', 1.2], ['HS23', undefined], ['HS25', 0.6]]);
    expect(written.parameters.drg_base_rate_yuan_level_3).toBe(12_000);
    // W1 is in HS23, which has no weight: it counts as grouped with weight 0.
    const grouped = execFileSync(process.execPath, [BIN, 'group', CASES, '--ruleset', out], { encoding: 'utf8' });
    expect(grouped).toContain('CMI: 0.6000');
  });

  it('a bad cell is named by file, line and column, and nothing is written', () => {
    const weights = join(dir, 'bad.csv');
    writeFileSync(weights, 'drg,weight\nHS21,1.2\nHS25,zero point six\n');
    const out = join(dir, 'never.json');
    const run = spawnSync(process.execPath, [BIN, 'ruleset', 'import-chs', RULES, '--weights', weights, '--out', out], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('error [weights.not_number]: bad.csv:3 weight: "zero point six" is not a number');
    expect(run.stderr).toContain('1 problem(s) in the weight table: nothing written');
    expect(existsSync(out)).toBe(false);
  });
});
