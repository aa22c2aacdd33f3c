// DIP grouping (domain §4): hand-built cases on a small ruleset, the validator's DIP problems, the demo's
// score rule, and the Wasm core against the TypeScript reference on 200,000 random demo cases.
import { beforeAll, describe, expect, it } from 'vitest';
import { compileRuleset } from '../../src/rules/ruleset-compile.ts';
import { validateRuleset } from '../../src/rules/ruleset-validate.ts';
import type { Ruleset } from '../../src/rules/ruleset-format.ts';
import type { CaseInput } from '../../src/rules/case-encoding.ts';
import { encodeDipCaseRecords, type DipCaseColumns } from '../../src/rules/dip-encoding.ts';
import { buildDemoRuleset } from '../../src/rules/demo/build-demo-ruleset.ts';
import { DIP_UNGROUPED, dipCodesOf, explainDip, groupDip, type DipOutput } from '../../src/engine/reference/dip-grouper.ts';
import { loadCoreModule } from '../../src/engine/node/engine-node.ts';
import { WasmCore } from '../../src/engine/wasm-core.ts';
import { DIP_OUTPUT_BYTES_PER_CASE, WasmDipGrouper } from '../../src/engine/wasm-dip-grouper.ts';
import { randomDipCases } from '../fixtures/dip-random-cases.ts';

/** A small DIP ruleset: dictionaries with classes, a catalog keyed by subcategory, comprehensive groups. */
function dipRuleset(): Ruleset {
  return {
    format: 'casemix-ruleset/1',
    meta: { name: 'dip test', version: '1', dip_score_factor: 1000 },
    code_matching: { dx: { fallback_lengths: [5, 3] }, proc: { fallback_lengths: [5] } },
    diagnoses: [{ code: 'K80' }, { code: 'K80.1' }, { code: 'K81.000' }, { code: 'I10.x00' }],
    procedures: [
      { code: '51.23', dip_class: 3 }, { code: '51.22', dip_class: 3 }, { code: '51.41', dip_class: 3 },
      { code: '45.13', dip_class: 1 }, { code: '99.04', dip_class: 2 }, { code: '86.22', dip_class: 3 },
      { code: '88.76', dip_class: 1 }, { code: '99.99' }, // 99.99: no class
    ],
    mdcs: [], adrgs: [], drgs: [],
    dip_catalog: [
      { dx: 'K80.1', procs: [], name: 'K80.1 保守', score: 550, mean_cost: 5500 },
      { dx: 'K80.1', procs: ['51.23'], score: 1210, mean_cost: 12100 },
      { dx: 'K80.1', procs: ['51.41', '51.23'], score: 2710, mean_cost: 27100 }, // unsorted on purpose
      { dx: 'K80.2', procs: ['51.23'], score: 1100, mean_cost: 11000 }, // K80.2 is not in the dictionary
      { dx: 'K81.0', procs: ['51.23'], score: 1150 },
      { dx: 'I10.x', procs: ['88.76'], score: 450 },
    ],
    dip_comprehensive: [
      { dx: 'K80', proc_class: 0, score: 600 }, { dx: 'K80', proc_class: 1, score: 770 },
      { dx: 'K80', proc_class: 2, score: 1050 }, { dx: 'K80', proc_class: 3, score: 1620, name: 'K80 相关手术' },
      { dx: 'K81', proc_class: 0, score: 500 },
      { dx: 'I10', proc_class: 0, score: 400 }, // I10 has no surgical comprehensive group
    ],
  };
}

const compiled = compileRuleset(dipRuleset());

function group(c: CaseInput) {
  const cols = encodeDipCaseRecords(compiled, [c]);
  const out = groupDip(compiled, cols);
  return { ...dipCodesOf(compiled, out, 0), id: out.group[0]!, score: out.score[0]!, explain: () => explainDip(compiled, 0, cols) };
}
const dip = (principal_dx: string | null, ...procs: string[]): CaseInput =>
  ({ principal_dx, principal_proc: procs[0] ?? null, other_procs: procs.slice(1) });

describe('§4 core combinations (核心病种)', () => {
  it('§4 key = principal dx at subcategory level + exact procedure set; order and repeats do not matter', () => {
    const expected = { group: 'K80.1|51.23+51.41', kind: 'core', score: 2710 };
    expect(group(dip('K80.100', '51.2300', '51.4100'))).toMatchObject(expected);
    expect(group(dip('K80.100', '51.4100', '51.2300', '51.2300'))).toMatchObject(expected);
    expect(group(dip('k80.101 ', '51.4100', '51.2300', '51.4100'))).toMatchObject(expected);
    expect(group(dip('K80.100', '51.2300', '51.4100')).id).toBe(2); // core id = catalog index
  });

  it('§4 procedure codes map to the catalog level through the dictionary and fallback lengths (51.2300 → 51.23)', () => {
    const g = group(dip('K80.100', '51.2300'));
    expect(g).toMatchObject({ group: 'K80.1|51.23', kind: 'core', score: 1210 });
    const proc = g.explain().records.find((r) => r.step === 'procedure')!;
    expect(proc).toMatchObject({ subject: '51.23', outcome: 'counted', detail: { catalog_code: '51.23', class: 3 } });
  });

  it('§4 no procedure is the conservative combination of the key', () => {
    expect(group(dip('K80.100'))).toMatchObject({ group: 'K80.1|', kind: 'core', score: 550, name: 'K80.1 保守' });
  });

  it('§4 the key is read from the case code even when the dictionary stops at the category (K80.200 → K80.2)', () => {
    expect(group(dip('K80.200', '51.2300'))).toMatchObject({ group: 'K80.2|51.23', kind: 'core', score: 1100 });
    expect(group(dip('I10.x00', '88.7600'))).toMatchObject({ group: 'I10.X|88.76', kind: 'core' });
  });

  it('§4 a set that is a subset or superset of a catalog set is not a match', () => {
    expect(group(dip('K80.100', '51.4100')).kind).toBe('comprehensive');
    expect(group(dip('K80.100', '51.2300', '51.4100', '51.2200')).kind).toBe('comprehensive');
  });
});

describe('§4 comprehensive groups (综合病种) by the highest procedure class', () => {
  it('§4 class 0 conservative: no procedure and no core combination for the key', () => {
    expect(group(dip('K80.900'))).toMatchObject({ group: 'K80|0', kind: 'comprehensive', score: 600 });
    expect(group(dip('K81.000'))).toMatchObject({ group: 'K81|0', kind: 'comprehensive', score: 500 });
  });
  it('§4 class 1 diagnostic', () => {
    expect(group(dip('K80.100', '45.1300'))).toMatchObject({ group: 'K80|1', score: 770 });
  });
  it('§4 class 2 therapeutic', () => {
    expect(group(dip('K80.100', '45.1300', '99.0400'))).toMatchObject({ group: 'K80|2', score: 1050 });
  });
  it('§4 class 3 surgery wins over lower classes, whatever the order', () => {
    expect(group(dip('K80.100', '45.1300', '86.2200', '99.0400'))).toMatchObject({ group: 'K80|3', score: 1620, name: 'K80 相关手术' });
    expect(group(dip('K80.100', '99.0400', '45.1300', '86.2200'))).toMatchObject({ group: 'K80|3' });
  });
  it('§4 a procedure without a class does not raise the class; an unknown procedure neither', () => {
    expect(group(dip('K80.100', '99.9900'))).toMatchObject({ group: 'K80|0' });
    expect(group(dip('K80.100', '12.3456'))).toMatchObject({ group: 'K80|0' });
    // An unknown code also keeps the case out of the core combination its other procedures form.
    expect(group(dip('K80.100', '51.2300', '12.3456'))).toMatchObject({ group: 'K80|3' });
  });
  it('§4 explain names the key tried, the set, the fallback and the class', () => {
    const e = group(dip('K80.100', '45.1300', '99.0400')).explain();
    expect(e).toMatchObject({ group: 'K80|2', kind: 'comprehensive', score: 1050 });
    expect(e.records.map((r) => [r.step, r.outcome])).toEqual([
      ['input', 'match'], ['procedure', 'not_in_catalog'], ['procedure', 'not_in_catalog'], ['core', 'fallback'], ['comprehensive', 'match'], ['result', 'grouped'],
    ]);
    expect(e.records[0]).toMatchObject({ subject: 'K80.1', detail: { key: 'K80.1', category: 'K80' } });
    expect(e.records[4]).toMatchObject({ subject: 'K80|2', detail: { class: 2, class_name: 'therapeutic' } });
  });
});

describe('§4 ungrouped', () => {
  it('§4 unknown or missing principal diagnosis → ungrouped (-1, kind none, no score)', () => {
    for (const pdx of ['Q99.999', '', null]) {
      const g = group(dip(pdx, '51.2300'));
      expect(g).toMatchObject({ id: DIP_UNGROUPED, kind: 'none', group: '' });
      expect(g.score).toBeNaN();
    }
    expect(group(dip('Q99.999')).explain().records[0]).toMatchObject({ reason: 'unknown_principal_dx' });
  });
  it('§4 no comprehensive group for the category and class → ungrouped', () => {
    const g = group(dip('I10.x00', '86.2200'));
    expect(g).toMatchObject({ id: DIP_UNGROUPED, kind: 'none' });
    expect(g.explain().records.find((r) => r.step === 'comprehensive')).toMatchObject({ outcome: 'none', reason: 'no_comprehensive_group' });
  });
});

describe('§4 ruleset: comprehensive groups in the format, validation, compiled tables', () => {
  const problems = (edit: (rs: Ruleset) => void) => {
    const rs = dipRuleset();
    edit(rs);
    return validateRuleset(rs).map((p) => [p.code, p.where.table, p.where.row, p.where.field]);
  };
  it('§4 the hand-built ruleset and the demo ruleset validate', () => {
    expect(validateRuleset(dipRuleset())).toEqual([]);
    expect(validateRuleset(buildDemoRuleset())).toEqual([]);
  });
  it('§4 duplicate combinations (after sorting, de-duplicating, normalising) and duplicate comprehensive groups', () => {
    expect(problems((rs) => rs.dip_catalog!.push({ dx: 'k80.1', procs: ['51.23', '51.41', '51.41'] }))).toEqual([['code.duplicate', 'dip_catalog', 6, undefined]]);
    expect(problems((rs) => rs.dip_comprehensive!.push({ dx: 'K80', proc_class: 3 }))).toEqual([['code.duplicate', 'dip_comprehensive', 6, undefined]]);
  });
  it('§4 bad class, bad key levels, unreachable keys and procedures, bad numbers', () => {
    expect(problems((rs) => { rs.dip_comprehensive![0]!.proc_class = 4 as never; })).toEqual([['field.type', 'dip_comprehensive', 0, 'proc_class']]);
    expect(problems((rs) => { rs.dip_comprehensive![0]!.dx = 'K80.1'; })).toEqual([['dip.bad_key', 'dip_comprehensive', 0, 'dx']]);
    expect(problems((rs) => { rs.dip_catalog![0]!.dx = 'K80'; })).toEqual([['dip.bad_key', 'dip_catalog', 0, 'dx']]);
    expect(problems((rs) => { rs.dip_catalog![0]!.dx = 'Z99.9'; })).toEqual([['dip.unknown_dx', 'dip_catalog', 0, 'dx']]);
    expect(problems((rs) => { rs.dip_catalog![1]!.procs = ['51.2']; })).toEqual([['dip.unknown_proc', 'dip_catalog', 1, 'procs']]);
    expect(problems((rs) => { rs.dip_catalog![1]!.score = -1; })).toEqual([['field.type', 'dip_catalog', 1, 'score']]);
    expect(problems((rs) => { (rs as { dip_comprehensive: unknown }).dip_comprehensive = {}; })).toEqual([['table.bad', 'dip_comprehensive', undefined, undefined]]);
  });
  it('§4 compiled: per dx id its category, per proc id its catalog procedure, groups core first then comprehensive', () => {
    const t = compiled.tables, s = compiled.strings;
    expect(s.dipCategories[t.dxDipCategory[compiled.dxLookup.get('K81.000')!]!]).toBe('K81');
    expect(s.dipProcs[t.procDipProc[compiled.procLookup.get('51.23')!]!]).toBe('51.23');
    expect(t.procDipProc[compiled.procLookup.get('45.13')!]).toBe(-1);
    expect(Array.from(t.dipGroupKind)).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);
    expect(s.dipGroupCodes.slice(0, 3)).toEqual(['K80.1|', 'K80.1|51.23', 'K80.1|51.23+51.41']);
    expect(t.dipGroupScore[4]).toBe(1150);
    expect(t.dipGroupMeanCost[4]).toBeNaN();
  });
  it('§4 demo: score = mean cost of the combination ÷ mean cost of all cases × factor (K80.1 + 51.23)', () => {
    const rs = buildDemoRuleset();
    const e = rs.dip_catalog.find((x) => x.dx === 'K80.1' && x.procs.join() === '51.23')!;
    const mean = rs.parameters!.dip_reference_mean_cost_yuan as number;
    expect([e.mean_cost, mean, rs.meta.dip_score_factor]).toEqual([12100, 10000, 1000]);
    expect(e.score).toBe(1210); // 12,100 ÷ 10,000 × 1000
    expect(e.score).toBe(Math.round((e.mean_cost! / mean) * rs.meta.dip_score_factor!));
    // The compiled demo carries the score to the case unchanged.
    const c = compileRuleset(rs);
    const out = groupDip(c, encodeDipCaseRecords(c, [dip('K80.100', '51.2300')]));
    expect(dipCodesOf(c, out, 0)).toMatchObject({ group: 'K80.1|51.23', kind: 'core' });
    expect(out.score[0]).toBe(1210);
  });
});

describe('§4 the Wasm DIP grouper equals the reference', () => {
  let core: WasmCore;
  beforeAll(async () => {
    core = new WasmCore(await loadCoreModule());
  });

  const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  function firstDifference(a: DipOutput, b: DipOutput, n: number): string | null {
    for (const k of ['group', 'kind', 'score'] as const) {
      if (a[k].length !== n || b[k].length !== n) return `${k}: lengths ${a[k].length} / ${b[k].length}`;
      if (bytesOf(a[k]).equals(bytesOf(b[k]))) continue; // bytes: NaN scores compare too
      for (let i = 0; i < n; i++) if (!Object.is(a[k][i], b[k][i])) return `case ${i} ${k}: wasm ${a[k][i]} ≠ reference ${b[k][i]}`;
    }
    return null;
  }
  function both(c: typeof compiled, cols: DipCaseColumns): DipOutput {
    const grouper = new WasmDipGrouper(core, c);
    try {
      const ref = groupDip(c, cols);
      expect(firstDifference(grouper.group(cols), ref, cols.n)).toBeNull();
      return ref;
    } finally {
      grouper.free();
    }
  }

  it('§4 the hand-built cases, case by case', () => {
    const cases = [
      dip('K80.100', '51.2300', '51.4100'), dip('K80.100', '51.4100', '51.2300', '51.2300'), dip('K80.100'), dip('K80.200', '51.2300'),
      dip('K80.900'), dip('K80.100', '45.1300', '86.2200', '99.0400'), dip('K80.100', '99.9900'), dip('K80.100', '51.2300', '12.3456'),
      dip('Q99.999', '51.2300'), dip(''), dip(null), dip('I10.x00', '86.2200'), dip('I10.x00', '88.7600'), dip('K81.000'),
    ];
    const ref = both(compiled, encodeDipCaseRecords(compiled, cases));
    expect(Array.from(ref.kind)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 0, 0, 1, 2]);
  });

  it('§4 200,000 random demo cases (seeded): every output column identical; explain agrees with groupDip', () => {
    const rs = buildDemoRuleset();
    const c = compileRuleset(rs);
    const cols = randomDipCases(c, rs, 200_000);
    const ref = both(c, cols);
    const kinds = [0, 0, 0];
    for (const k of ref.kind) kinds[k]!++;
    // The draw exercises every branch: ungrouped, core and comprehensive.
    expect(kinds[0]).toBeGreaterThan(1000);
    expect(kinds[1]).toBeGreaterThan(20_000);
    expect(kinds[2]).toBeGreaterThan(20_000);
    for (let i = 0; i < 2000; i += 7) expect(explainDip(c, i, cols).group).toBe(dipCodesOf(c, ref, i).group);
    expect(DIP_OUTPUT_BYTES_PER_CASE).toBe(13);
  });

  it('§4 resident slices: grouping [from, to) in two halves equals one call', () => {
    const rs = buildDemoRuleset();
    const c = compileRuleset(rs);
    const cols = randomDipCases(c, rs, 5000, 7);
    const grouper = new WasmDipGrouper(core, c);
    const cases = grouper.placeCases(cols);
    const out = grouper.allocOutput(cols.n);
    try {
      grouper.groupResident(cases, out, 0, 2500);
      grouper.groupResident(cases, out, 2500, 5000);
      expect(firstDifference(grouper.readOutput(out), groupDip(c, cols), cols.n)).toBeNull();
    } finally {
      grouper.releaseOutput(out);
      grouper.releaseCases(cases);
      grouper.free();
    }
  });
});
