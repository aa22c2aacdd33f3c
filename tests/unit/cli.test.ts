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
