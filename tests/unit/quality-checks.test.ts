// §11 data-quality checks: one hand-built case per rule, each flagged on its row and nothing else,
// through the engine (so interning, null masks and the ruleset's dictionaries are all in play).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.ts';
import { dxSexLimit, isPerinatalDx } from '../../src/data/quality-checks.ts';
import { createNodeEngine } from '../../src/engine/node/engine-node.ts';
import { ROOT } from '../../src/engine/node/wasm-build.ts';
import { handTable, ipc, type HandCase } from '../fixtures/case-tables.ts';

const ok: HandCase = { department: 'A', total_cost: 100, drug_cost: 60, other_cost: 40, principal_dx: 'K80.100', secondary_dx: [] };
const CASES: HandCase[] = [
  { ...ok, case_id: 'OK1' },                                                       // row 0: clean
  { ...ok, case_id: 'DUP' },                                                       // rows 1, 2: duplicate id
  { ...ok, case_id: 'DUP' },
  { ...ok, case_id: 'SEX', principal_dx: 'O80.000', sex: 'M' },                   // 3: delivery on a male
  { ...ok, case_id: 'SEX2', principal_dx: 'N40.x00', sex: 'F' },                  // 4: prostate on a female
  { ...ok, case_id: 'PERI', principal_dx: 'P59.900', age_years: 3 },              // 5: perinatal code at 3 years
  { ...ok, case_id: 'NB', principal_dx: 'J18.000', age_years: 0, age_days: 5 },   // 6: newborn without weight
  { ...ok, case_id: 'NBW', principal_dx: 'J18.000', age_years: 0, age_days: 5, birth_weight_g: 3200 }, // 7: fine
  { ...ok, case_id: 'BACK', admit: '2024-03-10', discharge: '2024-03-08' },       // 8: discharge before admit
  { ...ok, case_id: 'COST', total_cost: 100, drug_cost: 60, other_cost: 38.9 },   // 9: 98.90 vs 100: > 1 %
  { ...ok, case_id: 'COST1', total_cost: 100, drug_cost: 60, other_cost: 39.1 },  // 10: 99.10: within 1 %
  { ...ok, case_id: 'UNK', principal_dx: 'K80.100', secondary_dx: ['XYZ.999'], principal_proc: 'ZZ.99' }, // 11
];

let engine: Engine;
beforeAll(async () => {
  engine = await createNodeEngine();
  expect(engine.loadCases(ipc(handTable(CASES)), 'quality.arrow').ok).toBe(true);
});

function flagged() {
  const r = engine.qualityReport();
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const rows = engine.qualityRows(null, 0, 1000);
  if (!rows.ok) throw new Error('rows');
  const by: Record<string, number[]> = {};
  for (const q of rows.value.rows) (by[q.rule] ??= []).push(q.row);
  return { report: r.value, by, rows: rows.value.rows };
}

describe('§11 data-quality checks', () => {
  it('code classes: sex-limited ICD-10 blocks and perinatal codes', () => {
    expect([dxSexLimit('O80.000'), dxSexLimit('N40.x00'), dxSexLimit('C61.x00'), dxSexLimit('N83.200'), dxSexLimit('D25.9'), dxSexLimit('K80.1')]).toEqual([2, 1, 1, 2, 2, 0]);
    expect([isPerinatalDx('p59.900'), isPerinatalDx('J18.0')]).toEqual([true, false]);
  });

  it('flags each hand-built problem on its own row only (no ruleset: codes not checked)', () => {
    const { report, by } = flagged();
    expect(report.rows).toBe(12);
    expect(report.codesChecked).toBe(false);
    expect(by).toEqual({
      duplicate_case_id: [1, 2],
      sex_dx_conflict: [3, 4],
      perinatal_dx_age: [5],
      newborn_no_birth_weight: [6],
      discharge_before_admit: [8],
      cost_components_mismatch: [9],
    });
  });

  it('each finding carries the value that raised it', () => {
    const { rows } = flagged();
    const at = (caseId: string) => rows.find((r) => r.caseId === caseId)!;
    expect(at('SEX')).toMatchObject({ rule: 'sex_dx_conflict', column: 'sex', value: 'sex=1 principal_dx=O80.000' });
    expect(at('BACK').value).toBe('discharge − admit = -2 days');
    expect(at('COST').value).toBe('total=100.00 components=98.90');
  });

  it('with a ruleset, unknown secondary diagnoses and procedures are flagged too', () => {
    const mini = readFileSync(join(ROOT, 'docs', 'examples', 'mini-ruleset.json'), 'utf8');
    expect(engine.loadRulesetText(mini, 'mini.json').ok).toBe(true);
    const { report, by } = flagged();
    expect(report.codesChecked).toBe(true);
    expect(by.unknown_secondary_dx).toEqual([11]);
    expect(by.unknown_procedure).toEqual([11]);
    // O80, N40 (known in the mini dictionary: N40.x00), P59, J18 are not in the mini ruleset's dictionary.
    expect(by.unknown_principal_dx).toEqual([3, 5, 6, 7]);
  });

  it('pages through findings of one rule', () => {
    const page = engine.qualityRows('duplicate_case_id', 1, 10);
    expect(page.ok && page.value.total).toBe(2);
    expect(page.ok && page.value.rows.map((r) => r.row)).toEqual([2]);
  });
});
