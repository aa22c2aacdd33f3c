// The engine as the worker serves it, over a real comlink channel under Node: engine methods and the worker's
// own functions by name, result buffers transferred, and nothing the engine keeps ever detached by a transfer.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Comlink from 'comlink';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineApi } from '../../src/engine/engine-api.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { createNodeEngine } from '../../src/engine/node/engine-node.ts';
import { ROOT } from '../../src/engine/node/wasm-build.ts';
import { baseScenario, cloneScenario, type ScenarioContext } from '../../src/scenario/scenario.ts';
import { servedApi } from '../../workers/served-api.ts';
import { handTable, ipc } from '../fixtures/case-tables.ts';

const MINI = readFileSync(join(ROOT, 'docs', 'examples', 'mini-ruleset.json'), 'utf8');
const CASES = ipc(handTable([
  { case_id: 'W1', hospital_id: 'H01', department: '普外科', total_cost: 21000, los: 8, principal_dx: 'K80.100', principal_proc: '51.2300', secondary_dx: ['E11.900'] },
  { case_id: 'W2', hospital_id: 'H02', department: '消化内科', total_cost: 15000, los: 9, principal_dx: 'K80.100', secondary_dx: ['J96.000'] },
  { case_id: 'W3', hospital_id: 'H02', department: '泌尿外科', total_cost: 9000, los: 5, principal_dx: 'N40.x00', secondary_dx: [] },
]));

const io = { async echo(text: string) { return { text, bytes: new TextEncoder().encode(text) }; } };
let engine: Engine;
let channel: MessageChannel;
let remote: Comlink.Remote<EngineApi & typeof io>;

beforeAll(async () => {
  engine = await createNodeEngine();
  channel = new MessageChannel();
  Comlink.expose(servedApi(() => Promise.resolve(engine), io), channel.port1 as unknown as Comlink.Endpoint);
  remote = Comlink.wrap<EngineApi & typeof io>(channel.port2 as unknown as Comlink.Endpoint);
});

afterAll(() => {
  remote[Comlink.releaseProxy]();
  channel.port1.close();
  channel.port2.close();
});

describe('the worker serves the declared engine API', () => {
  it('loads a transferred case file, hearing progress through a proxied callback', async () => {
    expect((await remote.loadRulesetText(MINI, 'mini-ruleset.json')).ok).toBe(true);
    const buffer = CASES.slice().buffer;
    const heard: number[] = [];
    const loaded = await remote.loadCases(Comlink.transfer(buffer, [buffer]), 'cases.arrow', Comlink.proxy((f: number) => heard.push(f)));
    expect(loaded.ok && loaded.value.rows).toBe(3);
    expect(buffer.byteLength).toBe(0); // transferred, not copied
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(heard.length).toBeGreaterThan(0);
  });

  it('transfers result arrays, yet a second call finds the engine whole (cached results are copies)', async () => {
    for (let round = 0; round < 2; round++) {
      const s = await remote.groupingSummary();
      expect(s.ok && Array.from(s.value.drgs.cases).reduce((a, b) => a + b, 0)).toBe(2);
      const ctx = await remote.scenarioContext();
      if (!ctx.ok) throw new Error(JSON.stringify(ctx.errors));
      expect(ctx.value.adrgMdc?.length).toBe(engine.rulesetInfo()!.adrgs);
      const base = baseScenario(ctx.value as ScenarioContext, 'base');
      const whatIf = cloneScenario(base);
      const c = await remote.compareScenarios(base, whatIf);
      expect(c.ok && c.value.drg.histogram.base.length).toBeGreaterThan(0);
      const r = await remote.recalibration();
      expect(r.ok && r.value.drg.value.length).toBe(engine.rulesetInfo()!.drgs);
    }
    // What the engine kept is still readable in the engine itself.
    expect(engine.groupingSummary().ok && engine.scenarioContext().ok).toBe(true);
  });

  it('exports bytes, and answers errors as values', async () => {
    const csv = await remote.exportTable('drgs', 'csv');
    expect(csv.ok && new TextDecoder('utf-8', { ignoreBOM: true }).decode(csv.value)).toMatch(/^\ufeffdrg,name/);
    const ctx = await remote.scenarioContext();
    if (!ctx.ok) throw new Error('no context');
    const base = baseScenario(ctx.value as ScenarioContext, 'base');
    const payment = await remote.exportPayment('mdcs', 'dip', base, base, 'csv');
    expect(!payment.ok && payment.errors[0].code).toBe('payment.no_table');
    const bench = await remote.evaluate({ level: 'department', period: 'all', useBenchmark: true });
    expect(!bench.ok && bench.errors[0].code).toBe('evaluation.no_benchmark');
  });

  it('serves the worker\'s own functions by name, their buffers transferred too', async () => {
    const r = await remote.echo('病案');
    expect(new TextDecoder().decode(r.bytes)).toBe('病案');
  });
});
