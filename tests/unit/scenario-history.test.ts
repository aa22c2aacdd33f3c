// Undo/redo of scenario edits (issue #5): steps, redo cleared by a new change, a bounded depth, frozen snapshots,
// and coalescing — a slider drag (same field, quick pushes, or one gesture) is one step.
import { describe, expect, it } from 'vitest';
import { ScenarioHistory } from '../../src/scenario/scenario-history.ts';
import { baseScenario, cloneScenario, type Scenario, type ScenarioContext } from '../../src/scenario/scenario.ts';
import { defaultPricingParameters } from '../../src/scenario/pricing-parameters.ts';

const ctx: ScenarioContext = {
  ruleset: { name: 'test', version: '1' }, defaults: defaultPricingParameters(), formulas: '',
  drgCodes: [], mdcCodes: [], adrgCodes: [],
};

/** A history on a fake clock; `rate(h, v)` is the edited copy with level-3 rate v. */
function setup(options: { depth?: number; coalesceMs?: number } = {}) {
  let t = 0;
  const h = new ScenarioHistory<Scenario>(baseScenario(ctx), { ...options, now: () => t });
  const tick = (ms: number) => { t += ms; };
  return { h, tick };
}
function rate(h: ScenarioHistory<Scenario>, v: number): Scenario {
  const s = cloneScenario(h.current);
  s.parameters.drgBaseRateYuan[3] = v;
  return s;
}
const rateOf = (s: { parameters: { drgBaseRateYuan: { 3: number } } } | undefined) => s?.parameters.drgBaseRateYuan[3];

describe('undo / redo', () => {
  it('steps back and forth; nothing to undo or redo at the ends', () => {
    const { h } = setup();
    expect([h.canUndo, h.canRedo]).toEqual([false, false]);
    expect(h.undo()).toBeUndefined();
    h.push(rate(h, 13000));
    h.push(rate(h, 14000));
    expect([h.canUndo, h.canRedo, h.undoSteps]).toEqual([true, false, 2]);
    expect(rateOf(h.undo())).toBe(13000);
    expect(rateOf(h.undo())).toBe(12000);
    expect([h.canUndo, h.canRedo]).toEqual([false, true]);
    expect(rateOf(h.redo())).toBe(13000);
    expect(rateOf(h.current)).toBe(13000);
    expect(h.redoSteps).toBe(1);
  });

  it('a new change clears redo', () => {
    const { h } = setup();
    h.push(rate(h, 13000));
    h.push(rate(h, 14000));
    h.undo();
    h.push(rate(h, 15000));
    expect(h.canRedo).toBe(false);
    expect(h.redo()).toBeUndefined();
    expect(rateOf(h.undo())).toBe(13000);
  });

  it('pushing the current state again is not a step', () => {
    const { h } = setup();
    expect(h.push(cloneScenario(h.current))).toBe(false);
    expect(h.canUndo).toBe(false);
  });

  it('depth is bounded: the oldest steps are dropped', () => {
    const { h } = setup({ depth: 3 });
    for (let v = 1; v <= 5; v++) h.push(rate(h, v));
    expect(h.undoSteps).toBe(3);
    h.undo(); h.undo();
    expect(rateOf(h.undo())).toBe(2);
    expect(h.canUndo).toBe(false);
  });

  it('snapshots are frozen copies: editing what was pushed, or what came back, changes no step', () => {
    const { h } = setup();
    const s = rate(h, 13000);
    h.push(s);
    s.parameters.drgBaseRateYuan[3] = 99;
    expect(rateOf(h.current)).toBe(13000);
    expect(Object.isFrozen(h.current.parameters.drgBaseRateYuan)).toBe(true);
    expect(() => { (h.current.parameters.drgBaseRateYuan as { 3: number })[3] = 1; }).toThrow(TypeError);
  });

  it('reset starts over with no undo or redo', () => {
    const { h } = setup();
    h.push(rate(h, 13000));
    h.undo();
    h.reset(rate(h, 17000));
    expect([h.canUndo, h.canRedo, rateOf(h.current)]).toEqual([false, false, 17000]);
  });
});

describe('coalescing: a slider drag is one step', () => {
  const field = 'parameters.drgBaseRateYuan.3';

  it('same field, pushes closer than the window (it slides with each push)', () => {
    const { h, tick } = setup({ coalesceMs: 500 });
    for (let v = 12100; v <= 13000; v += 100) { h.push(rate(h, v), { field }); tick(400); }
    expect(h.undoSteps).toBe(1);
    expect(rateOf(h.current)).toBe(13000);
    expect(rateOf(h.undo())).toBe(12000);
  });

  it('a pause longer than the window, or another field, starts a new step', () => {
    const { h, tick } = setup({ coalesceMs: 500 });
    h.push(rate(h, 12500), { field });
    tick(600);
    h.push(rate(h, 13000), { field });
    tick(10);
    const s = cloneScenario(h.current);
    s.parameters.hospitalCoefficient[3] = 1.1;
    h.push(s, { field: 'parameters.hospitalCoefficient.3' });
    expect(h.undoSteps).toBe(3);
    const plain = rate(h, 14000);
    h.push(plain);
    h.push(rate(h, 15000));
    expect(h.undoSteps).toBe(5); // pushes naming no field never merge
  });

  it('one gesture is one step however long it takes; seal() ends it', () => {
    const { h, tick } = setup({ coalesceMs: 100 });
    for (let v = 12100; v <= 12500; v += 100) { h.push(rate(h, v), { gesture: 'drag-1' }); tick(5000); }
    expect(h.undoSteps).toBe(1);
    h.seal();
    h.push(rate(h, 12600), { gesture: 'drag-1' });
    expect(h.undoSteps).toBe(2);
    h.push(rate(h, 12700), { gesture: 'drag-2' });
    expect(h.undoSteps).toBe(3);
  });

  it('a drag that ends where it began leaves no step', () => {
    const { h } = setup();
    h.push(rate(h, 13000));
    h.push(rate(h, 13500), { gesture: 'g' });
    h.push(rate(h, 13000), { gesture: 'g' });
    expect([h.undoSteps, rateOf(h.current)]).toEqual([1, 13000]);
    h.push(rate(h, 13200), { gesture: 'g' }); // the drag goes on: a new step, the earlier one intact
    expect(h.undoSteps).toBe(2);
    expect(rateOf(h.undo())).toBe(13000);
  });

  it('undo ends coalescing: the next push of the same field is a new step', () => {
    const { h } = setup();
    h.push(rate(h, 13000), { field });
    h.push(rate(h, 14000), { field: 'other' });
    h.undo();
    h.push(rate(h, 13100), { field: 'other' });
    expect(h.undoSteps).toBe(2);
    expect(rateOf(h.undo())).toBe(13000);
  });
});
