// Serves the built site (dist/) on a free localhost port and writes the Arrow fixtures the tests load.
// The site must have been built first (`npm test` runs `npm run build` before these tests).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { preview } from 'vite';
import type { TestProject } from 'vitest/node';
import { ROOT } from '../../src/engine/node/wasm-build.ts';
import { handTable, ipc } from '../fixtures/case-tables.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    fixtureDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(join(ROOT, 'dist', 'index.html'))) throw new Error('dist/ is missing: run `npm run build` first');
  const fixtureDir = join(ROOT, 'test-results', 'fixtures');
  mkdirSync(fixtureDir, { recursive: true });
  // 骨科: 1000.10 + 2999.90 = 4000.00 over 2 cases; 儿科: 800.50; 眼科: 1234.56.
  const small = handTable([
    { department: '骨科', total_cost: 1000.1, los: 3, discharge_status: 5 },
    { department: '骨科', total_cost: 2999.9, los: 5 },
    { department: '儿科', total_cost: 800.5, los: 2 },
    { department: '眼科', total_cost: 1234.56, los: 1 },
  ]);
  writeFileSync(join(fixtureDir, 'small.arrow'), ipc(small, 'file'));
  writeFileSync(join(fixtureDir, 'small.arrows'), ipc(small, 'stream'));
  const good = ipc(small, 'file');
  writeFileSync(join(fixtureDir, 'corrupt.arrow'), good.subarray(0, Math.floor(good.length / 2)));
  // Cases for the worked mini ruleset (docs/examples): HC23, HC25 (CC excluded), HS21, and one 0000.
  writeFileSync(join(fixtureDir, 'mini-cases.arrow'), ipc(handTable([
    { case_id: 'M1', department: '普外科', total_cost: 21000, los: 8, principal_dx: 'K80.100', principal_proc: '51.2300', secondary_dx: ['E11.900'] },
    { case_id: 'M2', department: '普外科', total_cost: 16000, los: 6, principal_dx: 'K80.100', principal_proc: '51.2300', secondary_dx: ['K83.000'] },
    { case_id: 'M3', department: '消化内科', total_cost: 15000, los: 9, principal_dx: 'K80.100', secondary_dx: ['J96.000'] },
    { case_id: 'M4', department: '泌尿外科', total_cost: 9000, los: 5, principal_dx: 'N40.x00', secondary_dx: [] },
  ])));
  // §11 problems: a duplicate id, a delivery coded on a male, a discharge before admission.
  writeFileSync(join(fixtureDir, 'quality.arrow'), ipc(handTable([
    { case_id: 'Q1', department: '产科', total_cost: 5000, principal_dx: 'O80.000', sex: 'M' },
    { case_id: 'Q1', department: '产科', total_cost: 5000, principal_dx: 'O80.000', sex: 'F' },
    { case_id: 'Q3', department: '骨科', total_cost: 9000, admit: '2024-02-10', discharge: '2024-02-01' },
  ])));
  // A GBK hospital export with Chinese headers and a quoted remark holding a comma and a newline:
  // 骨科 2 cases (500.00 + 1,500.50), 儿科 1 case (99.99).
  const enc = new TextEncoder();
  const gbk = (s: string, map: Record<string, number[]>) =>
    [...s].flatMap((ch) => map[ch] ?? [...enc.encode(ch)]);
  const GBK: Record<string, number[]> = { 骨: [0xb9, 0xc7], 科: [0xbf, 0xc6], 儿: [0xb6, 0xf9], 男: [0xc4, 0xd0], 女: [0xc5, 0xae] };
  const csv = 'case_id,hospital_id,department,admit_date,discharge_date,age_years,sex,discharge_status,principal_dx,total_cost,note\r\n' +
    'G1,H1,骨科,2024-01-01,2024-01-03,50,男,1,S72.000,500.00,"a, b\nc"\r\n' +
    'G2,H1,骨科,2024-01-01,2024-01-05,60,女,1,S72.000,"1,500.50",\r\n' +
    'G3,H1,儿科,2024-01-01,2024-01-02,3,女,1,J18.000,99.99,\r\n';
  writeFileSync(join(fixtureDir, 'hospital-gbk.csv'), Uint8Array.from(gbk(csv, GBK)));

  const server = await preview({ root: ROOT, logLevel: 'silent', preview: { port: 0, host: '127.0.0.1', open: false } });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('the preview server did not report a URL');
  project.provide('baseUrl', url);
  project.provide('fixtureDir', fixtureDir);
  return async () => {
    await server.close();
  };
}
