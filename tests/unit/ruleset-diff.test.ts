// What differs between two versions of a ruleset (issue 12, "region at a glance"): hand-varied copies of the
// mini ruleset of docs/examples, each change stated next to the value the diff must report for it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../src/engine/node/wasm-build.ts';
import { diffRulesets, isEmptyDiff } from '../../src/rules/ruleset-diff.ts';
import type { Ruleset } from '../../src/rules/ruleset-format.ts';

const MINI = JSON.parse(readFileSync(join(ROOT, 'docs', 'examples', 'mini-ruleset.json'), 'utf8')) as Ruleset;
const copy = (): Ruleset => structuredClone(MINI);

describe('diffRulesets', () => {
  it('a copy differs in nothing, even with the keys of an entry written in another order', () => {
    const b = copy();
    b.drgs[0] = { weight: 1.28, code: 'HC23', adrg: 'HC2', name: b.drgs[0]!.name, mean_los: 8.1, mean_cost: 21500 };
    const d = diffRulesets(MINI, b);
    expect(isEmptyDiff(d)).toBe(true);
  });

  it('a weight changed is listed old → new; a weight dropped is null', () => {
    const b = copy();
    b.drgs.find((d) => d.code === 'HS21')!.weight = 1.1;
    delete b.drgs.find((d) => d.code === 'HL19')!.weight;
    expect(diffRulesets(MINI, b).weights).toEqual([
      { drg: 'HL19', name: '肝胆胰系统的诊断性及治疗性操作', before: 1.15, after: null },
      { drg: 'HS21', name: '胆道疾患，伴严重并发症或合并症', before: 0.98, after: 1.1 },
    ]);
  });

  it('§2 an ADRG removed with its DRG and step: ADRG and DRG listed as removed, nothing else', () => {
    const b = copy();
    b.adrgs = b.adrgs.filter((a) => a.code !== 'HL1');
    b.drgs = b.drgs.filter((d) => d.code !== 'HL19');
    b.mdcs[0]!.steps = b.mdcs[0]!.steps.filter((s) => !('adrg' in s) || s.adrg !== 'HL1');
    const d = diffRulesets(MINI, b);
    expect(d.adrgs.removed).toEqual([{ code: 'HL1', name: '肝胆胰系统的诊断性及治疗性操作' }]);
    expect(d.drgs.removed.map((x) => x.code)).toEqual(['HL19']);
    expect(d.adrgs.added).toEqual([]);
    expect(d.drgs.added).toEqual([]);
    expect(d.splits).toEqual([]);
    expect(d.weights).toEqual([]);
    // and the other way round, the same things are added
    const back = diffRulesets(b, MINI);
    expect(back.adrgs.added.map((x) => x.code)).toEqual(['HL1']);
    expect(back.drgs.added.map((x) => x.code)).toEqual(['HL19']);
  });

  it('§2.6 a split whose condition changed (HC23: MCC only), and splits whose order changed', () => {
    const b = copy();
    b.adrgs.find((a) => a.code === 'HC2')!.splits[0]!.when = { has_mcc: true };
    const hs2 = b.adrgs.find((a) => a.code === 'HS2')!;
    hs2.splits = [hs2.splits[1]!, hs2.splits[0]!, hs2.splits[2]!];
    const d = diffRulesets(MINI, b);
    expect(d.splits).toEqual([
      { drg: 'HC23', name: '胆囊切除手术，伴并发症或合并症', adrg: 'HC2', change: 'condition' },
      { drg: 'HS21', name: '胆道疾患，伴严重并发症或合并症', adrg: 'HS2', change: 'order' },
      { drg: 'HS23', name: '胆道疾患，伴一般并发症或合并症', adrg: 'HS2', change: 'order' },
    ]);
  });

  it('a split that became the fallback changed order; a DRG given by another ADRG changed ADRG', () => {
    const b = copy();
    const hc2 = b.adrgs.find((a) => a.code === 'HC2')!;
    hc2.splits = [hc2.splits[0]!];
    hc2.fallback = 'HC25';
    b.adrgs.find((a) => a.code === 'HL1')!.splits = [{ drg: 'HS25' }];
    b.adrgs.find((a) => a.code === 'HS2')!.splits.push({ drg: 'HL19' });
    const d = diffRulesets(MINI, b);
    expect(d.splits.map((s) => [s.drg, s.change])).toEqual([['HC25', 'order'], ['HL19', 'adrg'], ['HS25', 'adrg']]);
  });

  it('MDC order: an MDC added in front moves nobody; two MDCs swapped are both listed', () => {
    const two = copy();
    two.mdcs.push({ code: 'MDCN', name: 'N', guard: false, steps: [] }, { code: 'MDCM', name: 'M', guard: false, steps: [] });
    const swapped = structuredClone(two);
    swapped.mdcs = [swapped.mdcs[0]!, swapped.mdcs[2]!, swapped.mdcs[1]!];
    expect(diffRulesets(two, swapped).mdcOrder).toEqual([{ code: 'MDCN', before: 1, after: 2 }, { code: 'MDCM', before: 2, after: 1 }]);
    const front = structuredClone(two);
    front.mdcs.unshift({ code: 'MDCP', name: 'P', guard: false, steps: [] });
    const d = diffRulesets(two, front);
    expect(d.mdcOrder).toEqual([]);
    expect(d.mdcs.added).toEqual([{ code: 'MDCP', name: 'P' }]);
  });

  it('an ADRG whose own condition changed is listed', () => {
    const b = copy();
    b.adrgs.find((a) => a.code === 'HL1')!.when = { any_in: ['all_procs', 'cholecystectomy'] };
    expect(diffRulesets(MINI, b).adrgs.conditionChanged).toEqual([{ code: 'HL1', name: '肝胆胰系统的诊断性及治疗性操作' }]);
  });
});
