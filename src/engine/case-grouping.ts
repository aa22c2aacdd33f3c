// The loaded ruleset's Wasm groupers, and the grouping of a case store under them (§2 DRG, §4 DIP). Each is
// built whole or not at all, so the engine can keep the previous one until its replacement exists.
import type { DipCaseColumns } from '../rules/dip-encoding.ts';
import type { CompiledRuleset } from '../rules/ruleset-compile.ts';
import { scenarioContext, type ScenarioContext } from '../scenario/scenario.ts';
import { adrgMdcIds } from '../scenario/weight-adjustments.ts';
import type { GroupedColumns } from './case-columns.ts';
import type { CaseStore } from './case-store.ts';
import { encodeCases, encodeDipKeys, summariseGrouping, type GroupingSummary } from './drg-grouping.ts';
import type { DipOutput } from './reference/dip-grouper.ts';
import type { DrgOutput } from './reference/drg-grouper.ts';
import type { PreparedRuleset } from './ruleset-loading.ts';
import type { WasmCore } from './wasm-core.ts';
import { WasmDipGrouper } from './wasm-dip-grouper.ts';
import { WasmDrgGrouper } from './wasm-drg-grouper.ts';

/** A compiled ruleset with its tables placed in the core, and what scenarios are checked against. */
export interface LoadedRuleset extends PreparedRuleset {
  grouper: WasmDrgGrouper;
  dip: WasmDipGrouper;
  scenario: ScenarioContext;
}

/** The grouped result of a case store under a ruleset. */
export interface Grouping {
  compiled: CompiledRuleset;
  cases: DipCaseColumns;
  out: DrgOutput;
  dipOut: DipOutput;
  summary: GroupingSummary;
  /** out.drg and dipOut.group again, resident in Wasm for the pricing and evaluation kernels. */
  resident: GroupedColumns;
}

/** Places a prepared ruleset's tables for both groupers; frees what it placed if either fails. */
export function loadGroupers(core: WasmCore, prepared: PreparedRuleset): LoadedRuleset {
  const c = prepared.compiled;
  const grouper = new WasmDrgGrouper(core, c);
  let dip: WasmDipGrouper | null = null;
  try {
    dip = new WasmDipGrouper(core, c);
    const scenario = { ...scenarioContext({ meta: c.meta, parameters: c.parameters }, c.strings), adrgMdc: adrgMdcIds(c) };
    return { ...prepared, grouper, dip, scenario };
  } catch (e) {
    grouper.free();
    dip?.free();
    throw e;
  }
}

export function freeGroupers(r: LoadedRuleset): void {
  r.grouper.free();
  r.dip.free();
}

/** Groups every case of a store: codes encoded once per distinct label, then the Wasm groupers. */
export function groupCases(core: WasmCore, r: LoadedRuleset, s: CaseStore): Grouping {
  const t0 = performance.now();
  const cases = encodeCases(core, r.compiled, s.codes, s.numbers);
  const out = r.grouper.group(cases);
  const dipCases: DipCaseColumns = { ...cases, principalDxDipKey: encodeDipKeys(core, r.compiled, s.codes.principalDx) };
  const dipOut = r.dip.group(dipCases);
  const groupMs = performance.now() - t0;
  const summary = summariseGrouping(core, r.compiled, out, dipOut, { cost: s.totalCost, los: s.los, status: s.dischargeStatus }, groupMs);
  const drg = core.placeI32(out.drg);
  try {
    return { compiled: r.compiled, cases: dipCases, out, dipOut, summary, resident: { drg, dipGroup: core.placeI32(dipOut.group) } };
  } catch (e) {
    core.free(drg);
    throw e;
  }
}

export function freeGrouping(core: WasmCore, g: Grouping): void {
  core.free(g.resident.drg);
  core.free(g.resident.dipGroup);
}

/** The summary with fresh arrays: the grouping keeps its own, and results may be transferred away. */
export function summaryCopy(s: GroupingSummary): GroupingSummary {
  const d = s.drgs, g = s.dip.groups;
  return {
    ...s,
    drgs: { ...d, cases: d.cases.slice(), weight: d.weight.slice(), meanLos: d.meanLos.slice(), meanCost: d.meanCost.slice(), deaths: d.deaths.slice(), totalWeight: d.totalWeight.slice() },
    dip: { ...s.dip, groups: { ...g, kind: g.kind.slice(), cases: g.cases.slice(), score: g.score.slice(), meanCost: g.meanCost.slice(), rulesetMeanCost: g.rulesetMeanCost.slice() } },
  };
}
