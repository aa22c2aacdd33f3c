// Two rulesets compared through the engine (issue 12, "region at a glance"): the mini ruleset of docs/examples
// against a copy with HC23 split on MCC only, HS21 reweighted and HL1 removed, over four hand cases whose DRGs
// under each are worked out by hand in the titles. The loaded ruleset and its grouping must not change.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.ts';
import { createNodeEngine } from '../../src/engine/node/engine-node.ts';
import { ROOT } from '../../src/engine/node/wasm-build.ts';
import type { Ruleset } from '../../src/rules/ruleset-format.ts';
import { handTable, ipc } from '../fixtures/case-tables.ts';

const MINI_TEXT = readFileSync(join(ROOT, 'docs', 'examples', 'mini-ruleset.json'), 'utf8');
const A = { text: MINI_TEXT, file: 'mini-ruleset.json' };

function nextVersion(): Ruleset {
  const r = JSON.parse(MINI_TEXT) as Ruleset;
  r.meta.version = '2025.1';
  r.adrgs.find((a) => a.code === 'HC2')!.splits[0]!.when = { has_mcc: true };
  r.drgs.find((d) => d.code === 'HS21')!.weight = 1.1;
  r.adrgs = r.adrgs.filter((a) => a.code !== 'HL1');
  r.drgs = r.drgs.filter((d) => d.code !== 'HL19');
  r.mdcs[0]!.steps = r.mdcs[0]!.steps.filter((s) => !('adrg' in s) || s.adrg !== 'HL1');
  return r;
}
const B = { text: JSON.stringify(nextVersion()), file: 'mini-2025.json' };

// M1: CC E11.900 → HC23 under A (MCC or CC), HC25 under B (MCC only). M2: K83.000 excluded by the principal → HC25
// under both. M3: MCC J96.000 → HS21 under both. M4: N40.x00 is in no MDC → 0000 under both.
const CASES = ipc(handTable([
  { case_id: 'M1', department: '普外科', total_cost: 21000, los: 8, principal_dx: 'K80.100', principal_proc: '51.2300', secondary_dx: ['E11.900'] },
  { case_id: 'M2', department: '普外科', total_cost: 16000, los: 6, principal_dx: 'K80.100', principal_proc: '51.2300', secondary_dx: ['K83.000'] },
  { case_id: 'M3', department: '消化内科', total_cost: 15000, los: 9, principal_dx: 'K80.100', secondary_dx: ['J96.000'] },
  { case_id: 'M4', department: '泌尿外科', total_cost: 9000, los: 5, principal_dx: 'N40.x00', secondary_dx: [] },
], { dictionary: true }));

let engine: Engine;
beforeAll(async () => {
  engine = await createNodeEngine();
});

function compared(a = A, b = B) {
  const r = engine.compareRulesets(a, b);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

describe('compareRulesets through the engine', () => {
  it('without cases: the diff alone (HL1 and HL19 removed, HC23 split, HS21 0.98 → 1.1), no regrouping', () => {
    const c = compared();
    expect(c.regrouping).toBeNull();
    expect([c.a.version, c.b.version]).toEqual(['2024.1', '2025.1']);
    expect(c.diff.adrgs.removed.map((x) => x.code)).toEqual(['HL1']);
    expect(c.diff.drgs.removed.map((x) => x.code)).toEqual(['HL19']);
    expect(c.diff.splits.map((s) => [s.drg, s.change])).toEqual([['HC23', 'condition']]);
    expect(c.diff.weights.map((w) => [w.drg, w.before, w.after])).toEqual([['HS21', 0.98, 1.1]]);
  });

  it('§2 one case of four changes DRG (M1 HC23 → HC25); §5 CMI (1.28 + 1.02 + 0.98) ÷ 3 → (1.02 + 1.02 + 1.1) ÷ 3', () => {
    expect(engine.loadRulesetText(MINI_TEXT, 'mini-ruleset.json').ok).toBe(true);
    expect(engine.loadCases(CASES, 'mini.arrow').ok).toBe(true);
    const g = compared().regrouping!;
    expect(g.totalCases).toBe(4);
    expect(g.changedCases).toBe(1);
    expect(g.transitions.from).toEqual(['HC23']);
    expect(g.transitions.to).toEqual(['HC25']);
    expect(g.transitions.fromName).toEqual(['胆囊切除手术，伴并发症或合并症']);
    expect(g.transitions.toName).toEqual(['胆囊切除手术，不伴并发症或合并症']);
    expect(Array.from(g.transitions.cases)).toEqual([1]);
    expect(g.a).toEqual({ groupedCases: 3, cmi: expect.closeTo((1.28 + 1.02 + 0.98) / 3, 12) });
    expect(g.b).toEqual({ groupedCases: 3, cmi: expect.closeTo((1.02 + 1.02 + 1.1) / 3, 12) });
  });

  it('the other way round, M1 goes HC25 → HC23; the same ruleset twice changes nothing', () => {
    const back = compared(B, A).regrouping!;
    expect([back.changedCases, back.transitions.from[0], back.transitions.to[0]]).toEqual([1, 'HC25', 'HC23']);
    const same = compared(A, A);
    expect(same.regrouping!.changedCases).toBe(0);
    expect(same.regrouping!.transitions.cases.length).toBe(0);
  });

  it('§2 the cases of a removed ADRG go where the new version sends them (M5, an ERCP: HL19 → HS25); CMI 1.15 → 0.55', () => {
    // M5 has an ERCP (51.8800) and no cholecystectomy: HL19 under A; under B, HL1 is gone and HS2 takes it → HS25.
    const withErcp = ipc(handTable([
      { case_id: 'M5', department: '消化内科', total_cost: 12000, los: 4, principal_dx: 'K80.100', principal_proc: '51.8800', secondary_dx: [] },
      { case_id: 'M6', department: '泌尿外科', total_cost: 9000, los: 5, principal_dx: 'N40.x00', secondary_dx: [] },
    ], { dictionary: true }));
    expect(engine.loadCases(withErcp, 'ercp.arrow').ok).toBe(true);
    const g = compared().regrouping!;
    expect([g.changedCases, g.transitions.from[0], g.transitions.to[0], g.transitions.cases[0]]).toEqual([1, 'HL19', 'HS25', 1]);
    expect(g.a.cmi).toBeCloseTo(1.15, 12);
    expect(g.b.cmi).toBeCloseTo(0.55, 12);
    expect(engine.loadCases(CASES, 'mini.arrow').ok).toBe(true);
  });

  it('the loaded ruleset and its grouping stay as they were', () => {
    compared();
    expect(engine.rulesetInfo()?.version).toBe('2024.1');
    const s = engine.groupingSummary();
    expect(s.ok && s.value.cmi).toBeCloseTo((1.28 + 1.02 + 0.98) / 3, 12);
    const e = engine.explainCase({ caseId: 'M1' });
    expect(e.ok && e.value.drg).toBe('HC23');
  });

  it('a ruleset with problems is refused with each problem naming its file; nothing else changes', () => {
    const bad = { text: JSON.stringify({ ...nextVersion(), drgs: [] }), file: 'broken.json' };
    const r = engine.compareRulesets(A, bad);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.length).toBeGreaterThan(1);
    expect(r.errors.every((e) => e.message.startsWith('broken.json'))).toBe(true);
    const notJson = engine.compareRulesets({ text: '{', file: 'cut.json' }, A);
    expect(!notJson.ok && notJson.errors[0]!.code).toBe('ruleset.bad_json');
    expect(engine.rulesetInfo()?.version).toBe('2024.1');
  });

  it('exports the transitions and the diff as CSV (UTF-8 with BOM)', () => {
    const c = compared();
    const text = (b: Uint8Array) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(b);
    expect(text(c.files.transitions.csv)).toBe('\ufefffrom_drg,from_name,to_drg,to_name,cases\r\nHC23,胆囊切除手术，伴并发症或合并症,HC25,胆囊切除手术，不伴并发症或合并症,1\r\n');
    const diff = text(c.files.diff.csv).split('\r\n');
    expect(diff[0]).toBe('\ufeffchange,code,name,before,after');
    expect(diff).toContain('adrg_removed,HL1,肝胆胰系统的诊断性及治疗性操作,,');
    expect(diff).toContain('split_condition,HC23,胆囊切除手术，伴并发症或合并症,,HC2');
    expect(diff).toContain('weight,HS21,胆道疾患，伴严重并发症或合并症,0.9800,1.1000');
    expect(c.files.transitions.arrow.byteLength).toBeGreaterThan(0);
  });
});
