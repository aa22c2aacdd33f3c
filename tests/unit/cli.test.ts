// The casemix command runs the same Wasm under Node: `casemix info FILE` prints schema, rows, departments.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
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
