// The first kernel end to end: Arrow file → Wasm columns → per-department sums, against hand-computed
// figures and against the TypeScript reference (domain §1 LOS rule, §5 building blocks).
import { beforeAll, describe, expect, it } from 'vitest';
import { RecordBatch, Table } from 'apache-arrow';
import type { Engine } from '../../src/engine/engine.ts';
import { createNodeEngine } from '../../src/engine/node/engine-node.ts';
import { deriveLosReference, unitSummaryReference } from '../../src/engine/reference/unit-summary.ts';
import { demoArrowBytes } from '../../src/demo/demo-cases.ts';
import { handTable, ipc, type HandCase } from '../fixtures/case-tables.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await createNodeEngine();
});

function summaryOf(bytes: Uint8Array) {
  const loaded = engine.loadCases(bytes, 'test.arrow');
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const s = engine.departmentSummary();
  if (!s.ok) throw new Error(JSON.stringify(s.errors));
  const byName = (name: string) => {
    const i = s.value.labels.indexOf(name);
    expect(i, `department ${name}`).toBeGreaterThanOrEqual(0);
    return {
      cases: s.value.cases[i], sumCost: s.value.sumCost[i], meanCost: s.value.meanCost[i],
      sumLos: s.value.sumLos[i], meanLos: s.value.meanLos[i], deaths: s.value.deaths[i],
    };
  };
  return { summary: s.value, byName };
}

// Hand-computed: 骨科 = 3 cases, cost 1000.10 + 2500.25 + 499.65 = 4000.00, LOS 3+5+10 = 18, 1 death;
// 儿科 = 2 cases, cost 800.50 + 1200.00 = 2000.50, LOS 2+4 = 6, 0 deaths.
const HAND: HandCase[] = [
  { department: '骨科', total_cost: 1000.1, los: 3, discharge_status: 1 },
  { department: '儿科', total_cost: 800.5, los: 2, discharge_status: 1 },
  { department: '骨科', total_cost: 2500.25, los: 5, discharge_status: 5 },
  { department: '骨科', total_cost: 499.65, los: 10, discharge_status: 2 },
  { department: '儿科', total_cost: 1200, los: 4, discharge_status: 1 },
];

describe('per-department summary (Wasm kernel)', () => {
  it('§5 counts, Σ/mean cost, Σ/mean LOS and deaths of a hand-computed example', () => {
    const { byName, summary } = summaryOf(ipc(handTable(HAND)));
    expect(summary.labels).toHaveLength(2);
    expect(summary.totalCases).toBe(5);
    const ortho = byName('骨科');
    expect(ortho.cases).toBe(3);
    expect(ortho.sumCost.toFixed(2)).toBe('4000.00');
    expect(ortho.meanCost.toFixed(2)).toBe('1333.33');
    expect(ortho.sumLos).toBe(18);
    expect(ortho.meanLos).toBe(6);
    expect(ortho.deaths).toBe(1);
    const paeds = byName('儿科');
    expect(paeds.cases).toBe(2);
    expect(paeds.sumCost.toFixed(2)).toBe('2000.50');
    expect(paeds.meanCost.toFixed(2)).toBe('1000.25');
    expect(paeds.meanLos).toBe(3);
    expect(paeds.deaths).toBe(0);
  });

  it('reads the Arrow stream format the same as the file format', () => {
    const a = summaryOf(ipc(handTable(HAND), 'file')).summary;
    const b = summaryOf(ipc(handTable(HAND), 'stream')).summary;
    expect(engine.caseFileInfo()?.format).toBe('stream');
    expect(Array.from(b.sumCost)).toEqual(Array.from(a.sumCost));
    expect(b.labels).toEqual(a.labels);
  });

  it('dictionary-encoded departments give the same result as plain text', () => {
    const plain = summaryOf(ipc(handTable(HAND))).byName('骨科');
    const dict = summaryOf(ipc(handTable(HAND, { dictionary: true }))).byName('骨科');
    expect(dict).toEqual(plain);
  });

  it('merges departments across record batches with different dictionaries', () => {
    const first = handTable(HAND.slice(0, 2), { dictionary: true }); // 骨科, 儿科
    const second = handTable([{ department: '眼科', total_cost: 100, los: 1 }, { department: '骨科', total_cost: 0.9, los: 1 }], { dictionary: true });
    // Re-use the first schema so both batches share one dictionary id; the stream carries a replacement.
    const table = new Table([first.batches[0], new RecordBatch(first.schema, second.batches[0].data)]);
    const { byName, summary } = summaryOf(ipc(table, 'stream'));
    expect(engine.caseFileInfo()?.batches).toBe(2);
    expect([...summary.labels].sort()).toEqual(['儿科', '眼科', '骨科'].sort());
    expect(byName('骨科').cases).toBe(2);
    expect(byName('骨科').sumCost.toFixed(2)).toBe('1001.00');
    expect(byName('眼科').cases).toBe(1);
  });

  it.each(['date32', 'date64', 'timestamp-s'] as const)('§1 LOS derived from %s dates: discharge − admit, minimum 1', (dates) => {
    const cases: HandCase[] = [
      { department: 'A', total_cost: 1, admit: '2024-02-27', discharge: '2024-03-02' }, // leap year: 4 days
      { department: 'A', total_cost: 1, admit: '2024-05-01', discharge: '2024-05-01' }, // same day → 1
      { department: 'B', total_cost: 1, admit: '1969-12-30', discharge: '1970-01-02' }, // before the epoch: 3
    ];
    const { byName } = summaryOf(ipc(handTable(cases, { dates })));
    expect(byName('A').sumLos).toBe(5);
    expect(byName('B').sumLos).toBe(3);
  });
});

describe('Wasm kernel agrees with the TypeScript reference', () => {
  it('on 60,000 generated cases, to the cent (bit-identical sums)', () => {
    const { summary } = summaryOf(demoArrowBytes({ cases: 60_000, seed: 7 }));
    const c = engine.coreColumns();
    const ref = unitSummaryReference(c.departmentLabels.length, c.department, c.totalCost, c.los, c.dischargeStatus);
    expect(Array.from(summary.cases)).toEqual(Array.from(ref.cases));
    expect(Array.from(summary.deaths)).toEqual(Array.from(ref.deaths));
    expect(Array.from(summary.sumLos)).toEqual(Array.from(ref.sumLos));
    for (let u = 0; u < summary.labels.length; u++) {
      expect(summary.sumCost[u]).toBe(ref.sumCost[u]);
      expect(summary.sumCost[u].toFixed(2)).toBe(ref.sumCost[u].toFixed(2));
    }
  });

  it('the reference LOS rule matches the kernel on edge values', () => {
    expect(Array.from(deriveLosReference(Int32Array.of(10, 10, 10), Int32Array.of(9, 10, 13)))).toEqual([1, 1, 3]);
  });
});
