// The casemix command runs the same Wasm under Node: `casemix info FILE` prints schema, rows, departments.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { handTable, ipc } from '../fixtures/case-tables.ts';

const BIN = join(__dirname, '..', '..', 'bin', 'casemix.js');
const dir = mkdtempSync(join(tmpdir(), 'casemix-cli-'));

describe('casemix info', () => {
  it('prints the schema, the row count and the per-department summary', () => {
    const file = join(dir, 'cases.arrow');
    writeFileSync(file, ipc(handTable([
      { department: '骨科', total_cost: 1000.1, los: 3, discharge_status: 5 },
      { department: '骨科', total_cost: 2999.9, los: 5 },
      { department: '儿科', total_cost: 800.5, los: 2 },
    ])));
    const out = execFileSync(process.execPath, [BIN, 'info', file], { encoding: 'utf8' });
    expect(out).toContain('cases.arrow: Arrow file format, 3 rows');
    expect(out).toMatch(/total_cost\s+Float64/);
    // 骨科: 2 cases, Σ 4,000.00, mean 2,000.00, Σ LOS 8, mean 4.00, 1 death.
    expect(out).toMatch(/骨科\s+2\s+4,000\.00\s+2,000\.00\s+8\s+4\.00\s+1/);
    expect(out).toMatch(/儿科\s+1\s+800\.50\s+800\.50\s+2\s+2\.00\s+0/);
  });

  it('reports a bad file on stderr with a non-zero exit code', () => {
    const file = join(dir, 'broken.arrow');
    writeFileSync(file, 'not arrow at all');
    const run = spawnSync(process.execPath, [BIN, 'info', file], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('broken.arrow: this looks like a text/CSV file');
  });

  it('rejects an unknown command with usage', () => {
    const run = spawnSync(process.execPath, [BIN, 'frobnicate'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Usage:');
  });
});

describe('casemix import', () => {
  it('turns a Chinese-header CSV into an Arrow case file that info then reads', () => {
    const csv = join(dir, '结算清单.csv');
    writeFileSync(csv, '\ufeff病案号,医院编码,出院科室,入院日期,出院日期,年龄,性别,离院方式,主要诊断编码,住院总费用,其他诊断编码\n' +
      'A1,H1,骨科,2024-01-01,2024-01-04,50,男,1,S72.000,"1,000.10",I10.x00|E11.900\n' +
      'A2,H1,骨科,2024-01-02,2024-01-03,61,女,5,S72.000,2999.90,\n');
    const arrow = join(dir, 'imported.arrow');
    const out = execFileSync(process.execPath, [BIN, 'import', csv, '--out', arrow], { encoding: 'utf8' });
    expect(out).toContain('结算清单.csv: 2 rows, utf-8');
    const info = execFileSync(process.execPath, [BIN, 'info', arrow], { encoding: 'utf8' });
    // LOS from the dates: 3 + 1 = 4; Σ cost 4,000.00; one death.
    expect(info).toMatch(/骨科\s+2\s+4,000\.00\s+2,000\.00\s+4\s+2\.00\s+1/);
  });

  it('names the column and line of a value it cannot read', () => {
    const csv = join(dir, 'bad.csv');
    writeFileSync(csv, 'case_id,hospital_id,department,admit_date,discharge_date,age_years,sex,discharge_status,principal_dx,total_cost\nA,H,D,2024-01-01,2024-01-02,5,1,1,K80.1,lots\n');
    const run = spawnSync(process.execPath, [BIN, 'import', csv, '--out', join(dir, 'x.arrow')], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('column "total_cost" has 1 value(s) that are not float, e.g. "lots" on line 2');
  });
});

describe('casemix group, explain and ruleset', () => {
  const MINI = join(__dirname, '..', '..', 'docs', 'examples', 'mini-ruleset.json');
  const cases = join(dir, 'mini.arrow');
  writeFileSync(cases, ipc(handTable([
    { case_id: 'M1', department: '普外科', total_cost: 21000, los: 8, principal_dx: 'K80.100', principal_proc: '51.2300', secondary_dx: ['E11.900'] },
    { case_id: 'M2', department: '普外科', total_cost: 16000, los: 6, principal_dx: 'K80.100', principal_proc: '51.2300', secondary_dx: ['K83.000'] },
    { case_id: 'M3', department: '消化内科', total_cost: 15000, los: 9, principal_dx: 'K80.100', secondary_dx: ['J96.000'] },
    { case_id: 'M4', department: '泌尿外科', total_cost: 9000, los: 5, principal_dx: 'N40.x00', secondary_dx: [] },
  ])));

  it('group prints 入组率 and CMI (§5: (1.28 + 1.02 + 0.98) ÷ 3 = 1.0933) and writes one row per case', () => {
    const out = join(dir, 'grouped.csv');
    const text = execFileSync(process.execPath, [BIN, 'group', cases, '--ruleset', MINI, '--out', out], { encoding: 'utf8' });
    expect(text).toContain('cases: 4  grouped: 3');
    expect(text).toContain('入组率 grouping rate: 75.00%   CMI: 1.0933');
    expect(text).toContain('not grouped: no_mdc 1');
    const rows = readFileSync(out, 'utf8').slice(1).trim().split('\r\n');
    expect(rows).toEqual([
      'case_id,mdc,adrg,drg,severity,reason',
      'M1,MDCH,HC2,HC23,3,grouped',
      'M2,MDCH,HC2,HC25,5,grouped',
      'M3,MDCH,HS2,HS21,1,grouped',
      'M4,,00,0000,5,no_mdc',
    ]);
  });

  it('explain shows the excluded CC with both exclusion tables (§2.6)', () => {
    const text = execFileSync(process.execPath, [BIN, 'explain', cases, '--case', 'M2', '--ruleset', MINI], { encoding: 'utf8' });
    expect(text).toContain('case M2 (row 2): MDCH / HC2 / HC25');
    expect(text).toMatch(/severity\s+secondary_dx\[0\]\s+excluded\s+excluded_by_principal \[exclusion table H1 vs principal H1\]/);
  });

  it('ruleset check accepts the example and lists every problem of a bad one', () => {
    expect(execFileSync(process.execPath, [BIN, 'ruleset', 'check', MINI], { encoding: 'utf8' })).toContain('mini-ruleset.json: OK');
    const bad = join(dir, 'bad-rules.json');
    writeFileSync(bad, JSON.stringify({ format: 'casemix-ruleset/1', meta: { name: 'b', version: '1' }, mdcs: [{ code: 'MDCH', guard: { in: ['principal_dx', 'nowhere'] }, steps: [{ adrg: 'HZ9' }] }], adrgs: [], drgs: [] }));
    const run = spawnSync(process.execPath, [BIN, 'ruleset', 'check', bad], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('nowhere');
    expect(run.stderr).toContain('HZ9');
    expect(run.stderr).toMatch(/\d+ problem\(s\): the ruleset is refused/);
  });

  it('ruleset import-chs converts a rules file in the CHS-DRG layout', () => {
    const chs = join(dir, 'chs.json');
    writeFileSync(chs, JSON.stringify({
      mdc_order: ['MDCH'],
      mdcs: { MDCH: { lists: { mdc_zd: ['K80.100'] }, guard: { in: ['zdList[0]', 'mdc_zd'] }, special: null, steps: [{ adrg: 'HS2' }] } },
      adrgs: { HS2: { lists: { adrg_zd: ['K80.100'] }, when: { in: ['zdList[0]', 'adrg_zd'] }, drgs: ['HS21', 'HS25'], tags: null, fallback: 'HS2' } },
      drg_splits: { HS21: { when: { has_mcc: true }, lists: {} }, HS25: { when: true, lists: {} } },
      drg_names: { HS21: '胆道疾患，伴严重并发症或合并症', HS25: '胆道疾患，不伴并发症或合并症' },
      mcc: { 'J96.000': '7' }, cc: {}, cc_exclusion_of_principal: {}, or_procedures: [],
      dx_names: { 'K80.100': '胆囊结石伴胆囊炎', 'J96.000': '急性呼吸衰竭' }, proc_names: {}, dx_map: {}, proc_map: {},
    }));
    const out = join(dir, 'chs-ruleset.json');
    const text = execFileSync(process.execPath, [BIN, 'ruleset', 'import-chs', chs, '--out', out], { encoding: 'utf8' });
    expect(text).toContain('1 MDCs, 1 ADRGs, 2 DRGs');
    expect(JSON.parse(readFileSync(out, 'utf8')).format).toBe('casemix-ruleset/1');
    const grouped = execFileSync(process.execPath, [BIN, 'group', cases, '--ruleset', out], { encoding: 'utf8' });
    expect(grouped).toContain('cases: 4  grouped: 3'); // M1–M3 fall to HS2 (K80.100); M4 has no MDC
  });
});

describe('casemix check', () => {
  it('prints findings per §11 rule with example rows and writes them all as CSV', () => {
    const file = join(dir, 'quality.arrow');
    writeFileSync(file, ipc(handTable([
      { case_id: 'A', department: 'D', total_cost: 1, principal_dx: 'O80.000', sex: 'M' },
      { case_id: 'A', department: 'D', total_cost: 1, admit: '2024-01-05', discharge: '2024-01-01' },
    ])));
    const out = join(dir, 'findings.csv');
    const text = execFileSync(process.execPath, [BIN, 'check', file, '--out', out], { encoding: 'utf8' });
    expect(text).toContain('quality.arrow: 2 cases checked');
    expect(text).toMatch(/duplicate_case_id\s+case_id\s+2/);
    expect(text).toMatch(/sex_dx_conflict\s+sex\s+1/);
    expect(text).toContain('discharge_before_admit: row 2 A (discharge − admit = -4 days)');
    const csv = readFileSync(out, 'utf8').slice(1).trim().split('\r\n');
    expect(csv[0]).toBe('row,case_id,rule,column,value');
    expect(csv).toContain('1,A,sex_dx_conflict,sex,sex=1 principal_dx=O80.000');
  });
});

describe('casemix ruleset import (CSV tables)', () => {
  it('builds a ruleset from the documented example tables that groups like the mini ruleset', () => {
    const tables = join(__dirname, '..', '..', 'docs', 'examples', 'csv-tables');
    const out = join(dir, 'from-csv.json');
    const text = execFileSync(process.execPath, [BIN, 'ruleset', 'import', tables, '--out', out], { encoding: 'utf8' });
    expect(text).toContain('drg.csv → drg');
    expect(text).toMatch(/OK — .*2024\.1/);
    const file = join(dir, 'mini2.arrow');
    writeFileSync(file, ipc(handTable([
      { case_id: 'M1', department: 'A', total_cost: 1, principal_dx: 'K80.100', principal_proc: '51.2300', secondary_dx: ['E11.900'] },
      { case_id: 'M3', department: 'A', total_cost: 1, principal_dx: 'K80.100', secondary_dx: ['J96.000'] },
    ])));
    const grouped = join(dir, 'g2.csv');
    execFileSync(process.execPath, [BIN, 'group', file, '--ruleset', out, '--out', grouped], { encoding: 'utf8' });
    expect(readFileSync(grouped, 'utf8')).toContain('M1,MDCH,HC2,HC23,3,grouped');
    expect(readFileSync(grouped, 'utf8')).toContain('M3,MDCH,HS2,HS21,1,grouped');
  });

  it('names the file, line and column of a bad table, and writes nothing', () => {
    const bad = mkdtempSync(join(tmpdir(), 'casemix-csv-'));
    writeFileSync(join(bad, 'adrg.csv'), 'ADRG编码,名称,MDC,细分方式\nHS2,胆道疾患,MDCH,2/4/6\n');
    writeFileSync(join(bad, 'drg.csv'), 'DRG编码,名称,ADRG编码,权重\nHS21,胆道疾患,HS2,很多\n');
    const run = spawnSync(process.execPath, [BIN, 'ruleset', 'import', bad, '--out', join(bad, 'out.json')], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/drg\.csv:2 权重/);
    expect(run.stderr).toContain('nothing written');
  });
});

describe('casemix price', () => {
  const MINI = join(__dirname, '..', '..', 'docs', 'examples', 'mini-ruleset.json');
  const cases = join(dir, 'price.arrow');
  writeFileSync(cases, ipc(handTable([
    { case_id: 'P1', hospital_level: 3, insurance_type: '职工', department: '普外科', total_cost: 21000, los: 8, principal_dx: 'K80.100', principal_proc: '51.2300', secondary_dx: ['E11.900'] },
    { case_id: 'P2', hospital_level: 3, insurance_type: '居民', department: '普外科', total_cost: 16000, los: 6, principal_dx: 'K80.100', principal_proc: '51.2300', secondary_dx: [] },
  ])));

  it('§3 prints the fund and margin under the ruleset defaults (16,800 at level 3) and writes per-case payment', () => {
    const out = join(dir, 'priced.csv');
    const text = execFileSync(process.execPath, [BIN, 'price', cases, '--ruleset', MINI, '--out', out], { encoding: 'utf8' });
    // HC23 1.28 × 16800 = 21504 (职工 0.85 → 18278.40); HC25 1.02 × 16800 = 17136 (居民 0.70 → 11995.20).
    expect(text).toMatch(/fund expenditure 医保基金支出\s+30,273\.60/);
    expect(text).toMatch(/hospital margin 医保盈亏\s+1,640\.00/);
    const rows = readFileSync(out, 'utf8').slice(1).trim().split('\r\n');
    expect(rows[0]).toContain('case_id,drg,drg_standard_yuan,drg_payment_yuan,drg_outlier');
    expect(rows[1]).toMatch(/^P1,HC23,21504\.00,21504\.00,normal,0,18278\.40,3225\.60,/);
  });

  it('a scenario for another ruleset is refused, naming both', () => {
    const file = join(dir, 'other.json');
    writeFileSync(file, JSON.stringify({ format: 'casemix-scenario/1', name: 'x', ruleset: { name: 'Other', version: '9' }, parameters: {}, weightAdjustments: [], useRecalibratedWeights: false, formulas: '' }));
    const run = spawnSync(process.execPath, [BIN, 'price', cases, '--ruleset', MINI, '--scenario', file], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('scenario.ruleset_mismatch');
    expect(run.stderr).toContain('Other');
  });
});
