// §5 evaluation on the engine's own resident columns: generated cases grouped by the demo ruleset, the
// evaluation table consistent with the grouping page, and `casemix evaluate` (text table, CSV with BOM).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateCommand, parseEvaluateOptions } from '../../src/cli/evaluate-command.ts';
import { CaseGenerator } from '../../src/demo/synthetic-cases.ts';
import { evaluate } from '../../src/engine/engine-evaluation.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { createNodeEngine } from '../../src/engine/node/engine-node.ts';
import { EVALUATION_NA_REASONS } from '../../src/evaluation/unit-indicators.ts';
import { buildDemoRuleset } from '../../src/rules/demo/build-demo-ruleset.ts';
import { COMPOSITE_NAME } from '../../src/scenario/composite-presets.ts';

const CASES = 20_000;
let engine: Engine;
const dir = mkdtempSync(join(tmpdir(), 'casemix-evaluate-'));

beforeAll(async () => {
  engine = await createNodeEngine();
  expect(engine.loadRulesetText(JSON.stringify(buildDemoRuleset()), 'demo.json').ok).toBe(true);
  const loaded = engine.loadCases(new CaseGenerator({ cases: CASES, seed: 5, hospitals: 3, years: 2 }).toUint8Array(), 'g.arrow');
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
}, 60_000);

const col = (t: ReturnType<typeof evaluate>, name: string) => t.indicators.find((c) => c.name === name)!;
const sum = (a: ArrayLike<number>) => Array.from(a).reduce((x, y) => x + y, 0);

describe('§5 evaluation over the engine\'s resident columns', () => {
  it('hospital rows pool to the grouping summary: Σ 入组病例数 = grouped cases, Σ 总权重 ÷ Σ 入组 = CMI', () => {
    const summary = engine.groupingSummary();
    if (!summary.ok) throw new Error('no summary');
    const t = evaluate(engine.core, engine.analysisColumns(), { level: 'hospital', period: 'all' });
    expect(t.rows).toBe(3);
    expect(t.totals).toEqual({ cases: CASES, matched: CASES, unassigned: 0 });
    expect(sum(col(t, '病例数').values)).toBe(CASES);
    expect(sum(col(t, '入组病例数').values)).toBe(summary.value.groupedCases);
    expect(sum(col(t, '总权重').values) / sum(col(t, '入组病例数').values)).toBeCloseTo(summary.value.cmi, 12);
    // the whole population is its own reference: the case-weighted mean of the hospitals' indices is 1
    const inIndex = t.coverage.timeIndexCases;
    const pooled = (name: string) => sum(Array.from(col(t, name).values, (x, i) => x * inIndex[i]!)) / sum(inIndex);
    expect(pooled('时间消耗指数')).toBeCloseTo(1, 12);
    expect(t.reference.riskGroups[1]).toBeGreaterThan(0);
    expect(t.composite.formulas.at(-1)!.name).toBe(COMPOSITE_NAME);
  });

  it('departments by year: one row per department and year, peers per year, composites computed', () => {
    const t = evaluate(engine.core, engine.analysisColumns(), { level: 'department', period: 'year' });
    expect(t.peerGroups).toEqual(['2023', '2024']);
    expect(new Set(t.unitKey.map((k, i) => `${k}@${t.period[i]}`)).size).toBe(t.rows);
    const composite = t.composite.formulas.at(-1)!;
    const valid = composite.reasons.filter((r) => r === 0).length;
    expect(valid).toBeGreaterThan(t.rows / 2);
    for (let i = 0; i < t.rows; i++) {
      if (composite.reasons[i]) expect(EVALUATION_NA_REASONS[composite.reasons[i]!]).toBeDefined();
      else expect(Number.isFinite(composite.values[i])).toBe(true);
    }
  });
});

describe('casemix evaluate', () => {
  it('parses its options and refuses bad ones with a reason', () => {
    const ok = parseEvaluateOptions(['cases.arrow', '--by', 'department', '--period', 'year', '--parent', 'hospital=H01', '--compare', '2023,2024', '--out', 'x.csv']);
    expect(ok).toMatchObject({ cases: 'cases.arrow', args: { by: 'department', period: 'year', parent: { hospital: 'H01' }, compare: ['2023', '2024'], out: 'x.csv' } });
    expect(parseEvaluateOptions(['cases.arrow', '--by', 'bed'])).toMatch(/--by must be one of/);
    expect(parseEvaluateOptions(['cases.arrow', '--by', 'ward', '--period', 'week'])).toMatch(/--period/);
    expect(parseEvaluateOptions(['--by', 'ward'])).toBe('give one case file');
    expect(parseEvaluateOptions(['a', '--by', 'ward', '--compare', '2023'])).toMatch(/two periods/);
  });

  it('prints the indicator table and writes CSV (UTF-8 with BOM) with every indicator, the composites and n/a notes', () => {
    const out = join(dir, 'departments.csv');
    const lines: string[] = [];
    const errors: string[] = [];
    const code = evaluateCommand(engine, { by: 'department', period: 'year', out, log: (l) => lines.push(l), error: (l) => errors.push(l) });
    expect(errors).toEqual([]);
    expect(code).toBe(0);
    const text = lines.join('\n');
    expect(text).toMatch(/department × year row\(s\)/);
    expect(text).toMatch(/period\s+hospital\s+department\s+病例数\s+入组率/);
    expect(text).toContain(COMPOSITE_NAME);
    const csv = readFileSync(out);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const header = csv.toString('utf8').slice(1).split('\r\n')[0]!.split(',');
    expect(header.slice(0, 8)).toEqual(['period', 'hospital', 'department', '病例数', '入组病例数', '入组率', 'DRG组数', '总权重']);
    expect(header).toEqual(expect.arrayContaining(['CMI', '时间消耗指数', '低风险组死亡率', COMPOSITE_NAME, 'notes']));
    expect(csv.toString('utf8')).not.toMatch(/NaN|Infinity/);
  });

  it('year-on-year with a benchmark and a user formula; a formula error is reported and exits 1', () => {
    const bench = join(dir, 'bench.csv');
    writeFileSync(bench, 'DRG编码,平均住院日,次均费用\nZZ99,3,1000\n');
    const out = join(dir, 'yoy.csv');
    const lines: string[] = [];
    const errors: string[] = [];
    const code = evaluateCommand(engine, {
      by: 'hospital', compare: ['2023', '2024'], benchmark: bench, formula: '效率 = 1 ÷ 时间消耗指数\n错 = 不存在 + 1', out,
      log: (l) => lines.push(l), error: (l) => errors.push(l),
    });
    expect(code).toBe(1);
    expect(errors.join('\n')).toMatch(/formula error \[unknown-indicator\]: line 2, column 5/);
    const text = lines.join('\n');
    expect(text).toContain('note [evaluation.benchmark_unknown_drgs]');
    expect(text).toContain('note [evaluation.benchmark_missing_drgs]');
    expect(text).toMatch(/CMI 2023\s+2024\s+change/);
    const csv = readFileSync(out, 'utf8');
    expect(csv.split('\r\n')[0]).toContain('CMI 2023,CMI 2024,CMI change');
    expect(csv).toContain('时间消耗指数 change: no-reference');
  });

  it('an unknown parent is an error on stderr with exit code 1', () => {
    const errors: string[] = [];
    expect(evaluateCommand(engine, { by: 'department', parent: { hospital: 'nowhere' }, log: () => {}, error: (l) => errors.push(l) })).toBe(1);
    expect(errors).toEqual(['error [evaluation.unknown_parent]: no hospital "nowhere" in the loaded cases']);
  });
});
