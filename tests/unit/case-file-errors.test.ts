// Bad input gets a clear error naming file, column or row, and loses nothing: the earlier cases stay
// loaded and the engine keeps working (domain §1 schema; brief "Bad input").
import { beforeAll, describe, expect, it } from 'vitest';
import { DateDay, vectorFromArray, Float64, Table, Utf8 } from 'apache-arrow';
import type { Engine } from '../../src/engine/engine.ts';
import type { EngineError } from '../../src/shared/errors.ts';
import { createNodeEngine } from '../../src/engine/node/engine-node.ts';
import { handTable, ipc } from '../fixtures/case-tables.ts';

let engine: Engine;
const GOOD = ipc(handTable([
  { department: '骨科', total_cost: 100, los: 2 },
  { department: '儿科', total_cost: 50, los: 1 },
]));

beforeAll(async () => {
  engine = await createNodeEngine();
});

/** Loads `good.arrow`, then the bad bytes; returns the errors and checks the good data survived. */
function refuse(bytes: Uint8Array, file = 'bad.arrow'): EngineError[] {
  expect(engine.loadCases(GOOD, 'good.arrow').ok).toBe(true);
  const result = engine.loadCases(bytes, file);
  expect(result.ok).toBe(false);
  expect(engine.caseFileInfo()?.file).toBe('good.arrow');
  const summary = engine.departmentSummary();
  expect(summary.ok && summary.value.totalCases).toBe(2);
  return result.ok ? [] : result.errors;
}

describe('bad case files are refused with a clear error and the earlier data kept', () => {
  it('an empty file', () => {
    const [e] = refuse(new Uint8Array(0), 'empty.arrow');
    expect(e.code).toBe('file.empty');
    expect(e.message).toContain('empty.arrow');
  });

  it('a PNG renamed .arrow', () => {
    const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13);
    const [e] = refuse(png, 'picture.arrow');
    expect(e.code).toBe('file.foreign');
    expect(e.message).toMatch(/picture\.arrow.*PNG image/);
  });

  it('a CSV file given as Arrow', () => {
    const [e] = refuse(new TextEncoder().encode('case_id,department\nC1,骨科\n'), 'cases.arrow');
    expect(e.code).toBe('file.text');
  });

  it('a truncated Arrow file (file format)', () => {
    const [e] = refuse(GOOD.subarray(0, Math.floor(GOOD.length * 0.6)), 'cut.arrow');
    expect(e.code).toBe('file.corrupt');
    expect(e.where?.file).toBe('cut.arrow');
  });

  it('a truncated Arrow stream', () => {
    const stream = ipc(handTable([{ department: 'A', total_cost: 1, los: 1 }]), 'stream');
    const [e] = refuse(stream.subarray(0, stream.length - 100), 'cut.arrows');
    expect(e.code).toBe('file.truncated');
  });

  it('missing required columns: every one is named', () => {
    const errors = refuse(ipc(handTable([{ department: 'A', total_cost: 1, los: 1 }], { omit: ['principal_dx', 'sex'] })));
    expect(errors.map((e) => e.code)).toEqual(['schema.missing_column', 'schema.missing_column']);
    expect(errors.map((e) => e.where?.column)).toEqual(['sex', 'principal_dx']);
    expect(errors[1].message).toContain('"principal_dx"');
  });

  it('strings in a cost column: the column and types are named', () => {
    const table = handTable([{ department: 'A', total_cost: 1, los: 1 }]);
    const bad = new Table({ ...Object.fromEntries(table.schema.fields.map((f) => [f.name, table.getChild(f.name)!])), total_cost: vectorFromArray(['一百'], new Utf8()) });
    const [e] = refuse(ipc(bad));
    expect(e.code).toBe('schema.bad_type');
    expect(e.where?.column).toBe('total_cost');
    expect(e.params?.actual).toBe('Utf8');
  });

  it('§11 empty required values keep their rows and become findings naming column and row', () => {
    const table = handTable([
      { case_id: 'E1', department: 'A', total_cost: 1, los: 1 },
      { case_id: 'E2', department: 'A', total_cost: 2, los: 1, admit: '2024-01-03', discharge: '2024-01-06' },
      { case_id: 'E3', department: 'A', total_cost: 3, los: 1 },
    ]);
    const columns = Object.fromEntries(table.schema.fields.map((f) => [f.name, table.getChild(f.name)!]));
    const bad = new Table({
      ...columns,
      total_cost: vectorFromArray([1, null, 3], new Float64()),
      admit_date: vectorFromArray([new Date(Date.UTC(2024, 0, 1)), null, new Date(Date.UTC(2024, 0, 1))], new DateDay()),
    });
    const loaded = engine.loadCases(ipc(bad), 'holes.arrow');
    expect(loaded.ok && loaded.value.rows).toBe(3);
    const summary = engine.departmentSummary();
    expect(summary.ok && summary.value.totalCases).toBe(3);
    expect(summary.ok && summary.value.sumCost[0]).toBe(4); // the empty cost reads as 0
    const report = engine.qualityReport();
    expect(report.ok && report.value.findings.filter((f) => f.rule === 'missing_required_value'))
      .toEqual([{ rule: 'missing_required_value', column: 'admit_date', count: 1 }, { rule: 'missing_required_value', column: 'total_cost', count: 1 }]);
    const rows = engine.qualityRows('missing_required_value', 0, 10);
    expect(rows.ok && rows.value.rows.map((r) => [r.caseId, r.column])).toEqual([['E2', 'admit_date'], ['E2', 'total_cost']]);
    // The missing admission date borrows the discharge date: no stay below one day, no discharge-before-admission flag.
    expect(report.ok && report.value.findings.some((f) => f.rule === 'discharge_before_admit')).toBe(false);
  });

  it('zero rows', () => {
    const [e] = refuse(ipc(handTable([])));
    expect(e.code).toBe('file.no_rows');
  });

  it('asking for a summary before any file is loaded', async () => {
    const fresh = await createNodeEngine();
    const s = fresh.departmentSummary();
    expect(s.ok).toBe(false);
    expect(!s.ok && s.errors[0].code).toBe('engine.no_cases');
  });

  it('memory is reused: 200 loads of the same file do not grow the heap without bound', () => {
    const big = ipc(handTable(Array.from({ length: 5000 }, (_, i) => ({ department: `D${i % 40}`, total_cost: i, los: 1 }))));
    engine.loadCases(big, 'big.arrow');
    const before = engine.core.exports.memory.buffer.byteLength;
    for (let i = 0; i < 200; i++) expect(engine.loadCases(big, 'big.arrow').ok).toBe(true);
    expect(engine.core.exports.memory.buffer.byteLength).toBeLessThanOrEqual(before * 2);
  });
});

describe('files too large for a browser tab', () => {
  it('are refused before a byte is read, with sizes in MiB', async () => {
    const { fileTooLarge, MAX_CASE_FILE_BYTES } = await import('../../src/ui/engine-client.ts');
    expect(fileTooLarge('ok.arrow', MAX_CASE_FILE_BYTES)).toBeNull();
    const r = fileTooLarge('huge.arrow', 3 * 2 ** 30);
    expect(r && !r.ok && r.errors[0]).toMatchObject({ code: 'file.too_large', params: { file: 'huge.arrow', sizeMiB: 3072, limitMiB: 1536 } });
  });
});
