// A load that fails while grouping (e.g. the core out of memory) changes nothing: the error comes back as a
// value and the previous ruleset, cases and grouping all stay loaded and usable (§2 grouping, §3 pricing).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Engine } from '../../src/engine/engine.ts';
import { createNodeEngine } from '../../src/engine/node/engine-node.ts';
import { ROOT } from '../../src/engine/node/wasm-build.ts';
import { WasmDipGrouper } from '../../src/engine/wasm-dip-grouper.ts';
import { WasmDrgGrouper } from '../../src/engine/wasm-drg-grouper.ts';
import { baseScenario } from '../../src/scenario/scenario.ts';
import type { Result } from '../../src/shared/errors.ts';
import { handTable, ipc } from '../fixtures/case-tables.ts';

const MINI = readFileSync(join(ROOT, 'docs', 'examples', 'mini-ruleset.json'), 'utf8');
const OTHER_RULESET = JSON.stringify({ ...JSON.parse(MINI), meta: { ...JSON.parse(MINI).meta, name: 'other-mini' } });
const CASES = ipc(handTable([
  { case_id: 'M1', department: '普外科', total_cost: 21000, los: 8, principal_dx: 'K80.100', principal_proc: '51.2300', secondary_dx: ['E11.900'] },
  { case_id: 'M2', department: '普外科', total_cost: 16000, los: 6, principal_dx: 'K80.100', principal_proc: '51.2300', secondary_dx: ['K83.000'] },
  { case_id: 'M3', department: '消化内科', total_cost: 15000, los: 9, principal_dx: 'K80.100', secondary_dx: ['J96.000'], discharge_status: 5 },
  { case_id: 'M4', department: '泌尿外科', total_cost: 9000, los: 5, principal_dx: 'N40.x00', secondary_dx: [] },
]));
const OTHER_CASES = ipc(handTable([{ case_id: 'X1', department: '骨科', total_cost: 100, los: 2 }]));

let engine: Engine;

/** What a page shows of the loaded state, to compare before and after a failed load. */
function state() {
  const summary = engine.groupingSummary();
  const departments = engine.departmentSummary();
  const page = engine.casesPage({ kind: 'all' }, 0, 10);
  const explained = engine.explainCase({ caseId: 'M2' });
  const ctx = engine.scenarioContext();
  if (!summary.ok || !departments.ok || !page.ok || !explained.ok || !ctx.ok) throw new Error('the loaded state is not usable');
  const base = baseScenario(ctx.value, 'base');
  const priced = engine.compareScenarios(base, base);
  if (!priced.ok) throw new Error(JSON.stringify(priced.errors));
  return {
    ruleset: engine.rulesetInfo()?.name, file: engine.caseFileInfo()?.file,
    grouping: { rate: summary.value.groupingRate, cmi: summary.value.cmi, drgCases: Array.from(summary.value.drgs.cases), dip: summary.value.dip.coreCases },
    departments: Array.from(departments.value.cases),
    rows: page.value.rows.map((r) => [r.caseId, r.drg]),
    trace: explained.value.drg,
    paymentYuan: priced.value.drg.base.paymentYuan,
    quality: engine.qualityReport().ok,
  };
}

/** The next call of `group` on this grouper class throws, as a core out of memory would. */
function failNextGrouping(grouper: typeof WasmDrgGrouper | typeof WasmDipGrouper): void {
  vi.spyOn(grouper.prototype, 'group').mockImplementationOnce(() => {
    throw new Error('Wasm core could not allocate 4096 bytes');
  });
}

beforeEach(async () => {
  engine = await createNodeEngine();
  expect(engine.loadRulesetText(MINI, 'mini-ruleset.json').ok).toBe(true);
  expect(engine.loadCases(CASES, 'mini.arrow').ok).toBe(true);
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs a load whose grouping fails: the error comes back as a value, and what the pages see has not moved. */
function expectRefusedKeepingState(load: () => Result<unknown>, file: string): ReturnType<typeof state> {
  const before = state();
  const r = load();
  expect(r.ok).toBe(false);
  expect(!r.ok && r.errors[0]).toMatchObject({ code: 'internal', message: expect.stringContaining('could not allocate'), where: { file } });
  expect(state()).toEqual(before);
  return before;
}

describe('a load whose grouping fails leaves the previous one loaded', () => {
  it('a ruleset: the error is returned; the old ruleset, grouping, cases and pricing stay', () => {
    expect(state().grouping.rate).toBe(0.75);
    failNextGrouping(WasmDrgGrouper);
    const before = expectRefusedKeepingState(() => engine.loadRulesetText(OTHER_RULESET, 'other.json'), 'other.json');
    // The next load, with nothing failing, replaces it.
    expect(engine.loadRulesetText(OTHER_RULESET, 'other.json').ok).toBe(true);
    expect(state()).toEqual({ ...before, ruleset: 'other-mini' });
  });

  it('cases: the error is returned; the old cases, their grouping and the ruleset stay', () => {
    failNextGrouping(WasmDipGrouper);
    expectRefusedKeepingState(() => engine.loadCases(OTHER_CASES, 'other.arrow'), 'other.arrow');
    expect(engine.loadCases(OTHER_CASES, 'other.arrow').ok).toBe(true);
    expect(engine.caseFileInfo()?.file).toBe('other.arrow');
  });

  it('memory of a failed load is given back: repeated failures do not grow the core', () => {
    failNextGrouping(WasmDrgGrouper);
    expect(engine.loadRulesetText(OTHER_RULESET, 'other.json').ok).toBe(false);
    failNextGrouping(WasmDipGrouper);
    expect(engine.loadCases(CASES, 'again.arrow').ok).toBe(false);
    const bytes = engine.core.exports.memory.buffer.byteLength;
    for (let i = 0; i < 50; i++) {
      failNextGrouping(WasmDrgGrouper);
      expect(engine.loadRulesetText(OTHER_RULESET, 'other.json').ok).toBe(false);
      failNextGrouping(WasmDipGrouper);
      expect(engine.loadCases(CASES, 'again.arrow').ok).toBe(false);
    }
    expect(engine.core.exports.memory.buffer.byteLength).toBe(bytes);
    expect(state().file).toBe('mini.arrow');
  });
});
