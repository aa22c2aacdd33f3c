// Effective DRG weights of a scenario (domain §3 "weights … editable", issue #5): the ruleset's (or recalibrated)
// weights, then the bulk ±% rules in order, then single-DRG overrides, which win. Pure; prices nothing.
//
// Which MDC a DRG is in comes from the compiled MDC steps: an ADRG belongs to the first MDC whose steps name
// it; an ambiguity group (xQY) to the MDC whose ambiguity step names it. An ADRG no MDC names is in no MDC.
//
// The result can go to buildPricingInputs as `calibration.drgWeight` (pricing-layout.ts); it applies the same
// overrides again, which changes nothing.
import { STEP_ADRG, normaliseCode, type CompiledRuleset, type CompiledTables } from '../rules/ruleset-compile.ts';
import type { ReadonlyScenario, WeightAdjustment } from './scenario.ts';

/** The parts of a compiled ruleset the weight rules read (a hand-built stand-in is enough for tests). */
export interface WeightRuleset {
  strings: Pick<CompiledRuleset['strings'], 'drgCodes' | 'mdcCodes' | 'adrgCodes'>;
  tables: Pick<CompiledTables, 'drgWeight' | 'drgAdrg' | 'mdcStepStart' | 'mdcStepEnd' | 'stepKind' | 'stepTarget'>;
}

/** Per ADRG id: its MDC id, -1 when no MDC's steps name it. */
export function adrgMdcIds(r: WeightRuleset): Int32Array {
  const t = r.tables;
  const mdc = new Int32Array(r.strings.adrgCodes.length).fill(-1);
  for (let m = 0; m < t.mdcStepStart.length; m++) {
    for (let k = t.mdcStepStart[m]!; k < t.mdcStepEnd[m]!; k++) {
      const adrg = t.stepKind[k] === STEP_ADRG ? t.stepTarget[k]! : t.drgAdrg[t.stepTarget[k]!]!;
      if (adrg >= 0 && mdc[adrg] === -1) mdc[adrg] = m;
    }
  }
  return mdc;
}

/** Per DRG id: its MDC id (-1 none). */
export function drgMdcIds(r: WeightRuleset): Int32Array {
  const adrgMdc = adrgMdcIds(r);
  return Int32Array.from(r.tables.drgAdrg, (a) => (a >= 0 ? adrgMdc[a]! : -1));
}

/** The DRG ids a bulk rule reaches, ascending; none for an unknown code. `drgMdc` saves recomputing. */
export function drgsInScope(r: WeightRuleset, rule: Pick<WeightAdjustment, 'scope' | 'code'>, drgMdc?: Int32Array): Int32Array {
  const code = normaliseCode(rule.code);
  const isMdc = rule.scope === 'mdc';
  const target = (isMdc ? r.strings.mdcCodes : r.strings.adrgCodes).findIndex((c) => normaliseCode(c) === code);
  if (target < 0 || (rule.scope !== 'mdc' && rule.scope !== 'adrg')) return new Int32Array(0);
  const of = isMdc ? drgMdc ?? drgMdcIds(r) : r.tables.drgAdrg;
  const ids: number[] = [];
  for (let d = 0; d < of.length; d++) if (of[d] === target) ids.push(d);
  return Int32Array.from(ids);
}

/** Per DRG id: the weight (NaN = none) times each rule's (1 + percent ÷ 100), in order, from `base`. */
function applyRules(r: WeightRuleset, rules: readonly Readonly<WeightAdjustment>[], base: ArrayLike<number>): Float64Array {
  const w = Float64Array.from(base);
  const drgMdc = rules.some((a) => a.scope === 'mdc') ? drgMdcIds(r) : undefined;
  for (const rule of rules) {
    const factor = 1 + rule.percent / 100;
    for (const d of drgsInScope(r, rule, drgMdc)) w[d] = w[d]! * factor;
  }
  return w;
}

/**
 * Effective weight per DRG id: `baseWeights` (default the ruleset's drgWeight; pass recalibrated ones for
 * "use recalibrated weights"), the bulk rules in order (compounding), then `overrides` by DRG code, which win.
 * Rules and overrides naming codes the ruleset lacks change nothing (validateScenario reports them).
 */
export function effectiveDrgWeights(
  r: WeightRuleset, adjustments: readonly Readonly<WeightAdjustment>[], overrides: Readonly<Record<string, number>>,
  baseWeights: ArrayLike<number> = r.tables.drgWeight,
): Float64Array {
  const w = applyRules(r, adjustments, baseWeights);
  const ids = new Map(r.strings.drgCodes.map((c, i) => [normaliseCode(c), i]));
  for (const [code, v] of Object.entries(overrides)) {
    const id = ids.get(normaliseCode(code));
    if (id !== undefined) w[id] = v;
  }
  return w;
}

/** A scenario's effective weights; `recalibrated` is used when the scenario asks for it and it is given. */
export function scenarioDrgWeights(r: WeightRuleset, s: ReadonlyScenario, recalibrated?: ArrayLike<number> | null): Float64Array {
  const base = s.useRecalibratedWeights && recalibrated ? recalibrated : r.tables.drgWeight;
  return effectiveDrgWeights(r, s.weightAdjustments, s.parameters.drgWeightOverrides, base);
}

/**
 * The weights bulk rule `index` sets, as an override map (DRG code → weight) for the weight table: each DRG
 * it reaches, at its weight after the rules before it, × the rule's factor. DRGs without a weight, and DRGs
 * with a single override (the override wins), are left out.
 */
export function bulkRuleOverrides(
  r: WeightRuleset, adjustments: readonly Readonly<WeightAdjustment>[], index: number,
  overrides: Readonly<Record<string, number>> = {}, baseWeights: ArrayLike<number> = r.tables.drgWeight,
): Record<string, number> {
  const rule = adjustments[index];
  if (!rule) return {};
  const before = applyRules(r, adjustments.slice(0, index), baseWeights);
  const overridden = new Set(Object.keys(overrides).map(normaliseCode));
  const factor = 1 + rule.percent / 100;
  const out: Record<string, number> = {};
  for (const d of drgsInScope(r, rule)) {
    const code = r.strings.drgCodes[d]!;
    if (Number.isFinite(before[d]) && !overridden.has(normaliseCode(code))) out[code] = before[d]! * factor;
  }
  return out;
}
