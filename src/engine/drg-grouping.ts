// From the cases the engine holds to grouper input columns, and from grouper output to the summaries
// the Grouping page shows (入组率, cases by MDC, the DRG table, reasons). Per-row work runs in Wasm.
import { createCodeEncoder, createDepartmentEncoder, encodeSex, type CaseColumns } from '../rules/case-encoding.ts';
import type { CompiledRuleset } from '../rules/ruleset-compile.ts';
import { REASON_CODES, REASON_NAMES } from '../rules/ruleset-format.ts';
import type { DrgOutput } from './reference/drg-grouper.ts';
import type { DipOutput } from './reference/dip-grouper.ts';
import { dipKeyMapOfLabels } from '../rules/dip-encoding.ts';
import type { ExportColumn } from '../data/table-export.ts';
import type { IdListColumn } from './column-placement.ts';
import type { WasmCore, Block } from './wasm-core.ts';

/** Ruleset-independent code columns: interned ids per row plus the distinct labels. */
export interface CodeColumns {
  principalDx: { ids: Int32Array; labels: string[] };
  principalProc: { ids: Int32Array; labels: string[] };
  secondaryDx: IdListColumn;
  otherProcs: IdListColumn;
  /** The department column's interned ids (−1 missing) and labels: conditions may compare it (e.g. ICU). */
  department: { ids: Int32Array; labels: string[] };
}

/** Numbers the grouper reads, -1 where missing; sex 1/2/0. */
export interface GrouperNumbers {
  ageYears: Int32Array;
  ageDays: Int32Array;
  sex: Uint8Array;
  birthWeightG: Int32Array;
  los: Int32Array;
  dischargeStatus: Int32Array;
  /** Whole hours in intensive care, −1 missing. */
  icuHours: Int32Array;
}

/** out[i] = map[ids[i]] (−1 stays −1), done by the core. */
function remap(core: WasmCore, ids: Int32Array, map: Int32Array): Int32Array {
  const src = core.placeI32(ids);
  const m = core.placeI32(map.length ? map : Int32Array.of(-1));
  core.exports.remapIds(src.ptr, ids.length, m.ptr, src.ptr);
  const out = core.i32(src, ids.length).slice();
  core.free(src);
  core.free(m);
  return out;
}

function remapList(core: WasmCore, list: IdListColumn, map: Int32Array): { ids: Int32Array; offsets: Int32Array } {
  const rows = list.offsets.length - 1;
  const ids = core.placeI32(list.ids.length ? list.ids : Int32Array.of(-1));
  const m = core.placeI32(map.length ? map : Int32Array.of(-1));
  const offsets = core.placeI32(list.offsets);
  core.exports.remapIds(ids.ptr, list.ids.length, m.ptr, ids.ptr);
  const total = core.exports.compactList(ids.ptr, offsets.ptr, rows);
  const out = { ids: core.i32(ids, total).slice(), offsets: core.i32(offsets, rows + 1).slice() };
  for (const b of [ids, m, offsets]) core.free(b);
  return out;
}

/** Encodes codes against a ruleset: once per distinct label, then one remap per column in Wasm. */
export function encodeCases(core: WasmCore, compiled: CompiledRuleset, codes: CodeColumns, numbers: GrouperNumbers): CaseColumns {
  const dx = createCodeEncoder(compiled, 'dx');
  const proc = createCodeEncoder(compiled, 'proc');
  const dxMap = (labels: string[]) => Int32Array.from(labels, (l) => dx(l));
  const procMap = (labels: string[]) => Int32Array.from(labels, (l) => proc(l));
  const secondary = remapList(core, codes.secondaryDx, dxMap(codes.secondaryDx.labels));
  const others = remapList(core, codes.otherProcs, procMap(codes.otherProcs.labels));
  const dept = createDepartmentEncoder(compiled);
  return {
    n: codes.principalDx.ids.length,
    principalDx: remap(core, codes.principalDx.ids, dxMap(codes.principalDx.labels)),
    secondaryDx: secondary.ids,
    secondaryDxOffsets: secondary.offsets,
    principalProc: remap(core, codes.principalProc.ids, procMap(codes.principalProc.labels)),
    otherProcs: others.ids,
    otherProcsOffsets: others.offsets,
    department: remap(core, codes.department.ids, Int32Array.from(codes.department.labels, (l) => dept(l))),
    ...numbers,
  };
}

export { encodeSex };

/** The DIP key column (principal dx at subcategory level, §4): one encoding per distinct label, one remap. */
export function encodeDipKeys(core: WasmCore, compiled: CompiledRuleset, principalDx: CodeColumns['principalDx']): Int32Array {
  return remap(core, principalDx.ids, dipKeyMapOfLabels(compiled, principalDx.labels));
}

/** The DIP side of the Grouping page (§4): cases by kind, Σ score, and the groups used. */
export interface DipSummary {
  coreCases: number;
  comprehensiveCases: number;
  ungroupedCases: number;
  /** Σ combination score over grouped cases (before deviation-case adjustment, which is pricing). */
  totalScore: number;
  groups: {
    codes: string[];
    names: string[];
    kind: Uint8Array;
    cases: Int32Array;
    score: Float64Array;
    meanCost: Float64Array;
    rulesetMeanCost: Float64Array;
  };
}

export function summariseDip(core: WasmCore, compiled: CompiledRuleset, out: DipOutput, cols: { cost: Block; los: Block; status: Block }): DipSummary {
  const s = compiled.strings;
  const t = compiled.tables;
  const nGroups = s.dipGroupCodes.length;
  const sums = sumsByUnit(core, out.group, nGroups, cols);
  const meanCost = new Float64Array(nGroups);
  let coreCases = 0, comprehensiveCases = 0, totalScore = 0;
  for (let g = 0; g < nGroups; g++) {
    const c = sums.cases[g];
    meanCost[g] = c ? sums.sumCost[g] / c : 0;
    if (t.dipGroupKind[g] === 1) coreCases += c;
    else comprehensiveCases += c;
    if (Number.isFinite(t.dipGroupScore[g])) totalScore += c * t.dipGroupScore[g];
  }
  return {
    coreCases, comprehensiveCases, ungroupedCases: out.group.length - coreCases - comprehensiveCases, totalScore,
    groups: {
      codes: s.dipGroupCodes, names: s.dipGroupNames, kind: t.dipGroupKind.slice(), cases: sums.cases,
      score: t.dipGroupScore.slice(), meanCost, rulesetMeanCost: t.dipGroupMeanCost.slice(),
    },
  };
}

export interface GroupCount {
  code: string;
  name: string;
  cases: number;
}

/** The Grouping page's figures: small arrays, computed in the worker from the output columns. */
export interface GroupingSummary {
  ruleset: { name: string; version: string; teachingOnly: boolean };
  totalCases: number;
  /** Cases in a proper DRG (not 0000, not an ambiguity group xQY). */
  groupedCases: number;
  ambiguousCases: number;
  ungroupedCases: number;
  /** groupedCases ÷ totalCases (入组率). */
  groupingRate: number;
  byMdc: GroupCount[];
  reasons: { reason: string; cases: number }[];
  drgs: {
    codes: string[];
    names: string[];
    adrgs: string[];
    cases: Int32Array;
    weight: Float64Array;
    meanLos: Float64Array;
    meanCost: Float64Array;
    deaths: Int32Array;
    /** Σ weight of the cases in the DRG (for CMI). */
    totalWeight: Float64Array;
  };
  /** Σ RW over grouped cases ÷ grouped cases (§5 CMI over the whole file). */
  cmi: number;
  groupMs: number;
  dip: DipSummary;
}

/** Sums per unit id with the core's unitSummary kernel over resident cost/LOS/status columns. */
export function sumsByUnit(core: WasmCore, unitIds: Int32Array, nUnits: number, cols: { cost: Block; los: Block; status: Block }) {
  const n = unitIds.length;
  const unit = core.placeI32(unitIds);
  const outs = [core.alloc(Math.max(1, nUnits) * 4), core.alloc(Math.max(1, nUnits) * 8), core.alloc(Math.max(1, nUnits) * 8), core.alloc(Math.max(1, nUnits) * 4)];
  core.exports.unitSummary(n, nUnits, unit.ptr, cols.cost.ptr, cols.los.ptr, cols.status.ptr, outs[0].ptr, outs[1].ptr, outs[2].ptr, outs[3].ptr);
  const result = {
    cases: core.i32(outs[0], nUnits).slice(), sumCost: core.f64(outs[1], nUnits).slice(),
    sumLos: core.f64(outs[2], nUnits).slice(), deaths: core.i32(outs[3], nUnits).slice(),
  };
  for (const b of [unit, ...outs]) core.free(b);
  return result;
}

export function summariseGrouping(
  core: WasmCore, compiled: CompiledRuleset, out: DrgOutput, dipOut: DipOutput, cols: { cost: Block; los: Block; status: Block }, groupMs: number,
): GroupingSummary {
  const s = compiled.strings;
  const t = compiled.tables;
  const n = out.drg.length;
  const nDrg = s.drgCodes.length;
  const byDrg = sumsByUnit(core, out.drg, nDrg, cols);
  const byMdc = sumsByUnit(core, out.mdc, s.mdcCodes.length, cols);
  const reasonIds = Int32Array.from(out.reason); // typed-array conversion, no JS loop of ours
  const byReason = sumsByUnit(core, reasonIds, REASON_NAMES.length, cols);

  const weight = new Float64Array(nDrg), meanLos = new Float64Array(nDrg), meanCost = new Float64Array(nDrg);
  const totalWeight = new Float64Array(nDrg);
  let ambiguousCases = 0, sumWeight = 0;
  for (let g = 0; g < nDrg; g++) {
    const c = byDrg.cases[g];
    weight[g] = t.drgWeight[g];
    meanLos[g] = c ? byDrg.sumLos[g] / c : 0;
    meanCost[g] = c ? byDrg.sumCost[g] / c : 0;
    totalWeight[g] = c * (Number.isFinite(t.drgWeight[g]) ? t.drgWeight[g] : 0);
    if (t.drgAmbiguous[g]) ambiguousCases += c;
    else sumWeight += totalWeight[g];
  }
  const assigned = byDrg.cases.reduce((a, b) => a + b, 0);
  const groupedCases = assigned - ambiguousCases;
  return {
    ruleset: { name: compiled.meta.name, version: compiled.meta.version, teachingOnly: !!compiled.meta.teaching_only },
    totalCases: n,
    groupedCases,
    ambiguousCases,
    ungroupedCases: n - assigned,
    groupingRate: n ? groupedCases / n : 0,
    byMdc: s.mdcCodes.map((code, i) => ({ code, name: s.mdcNames[i] ?? '', cases: byMdc.cases[i] })).filter((m) => m.cases > 0),
    // Why cases ended 0000; ambiguity groups have their own count.
    reasons: REASON_NAMES.map((reason, i) => ({ reason, cases: byReason.cases[i] }))
      .filter((r) => r.cases > 0 && r.reason !== 'grouped' && r.reason !== 'ambiguous'),
    drgs: {
      codes: s.drgCodes, names: s.drgNames, adrgs: Array.from(t.drgAdrg, (a) => (a >= 0 ? s.adrgCodes[a] : '')),
      cases: byDrg.cases, weight, meanLos, meanCost, deaths: byDrg.deaths, totalWeight,
    },
    cmi: groupedCases ? sumWeight / groupedCases : 0,
    groupMs,
    dip: summariseDip(core, compiled, dipOut, cols),
  };
}

/** The DRG table of a grouping as export columns (groups with cases; weight to four places). */
export function drgTableColumns(s: GroupingSummary): ExportColumn[] {
  const d = s.drgs;
  const used = Array.from(d.codes, (_, g) => g).filter((g) => d.cases[g] > 0);
  const pick = <T extends Int32Array | Float64Array>(a: T) => (a instanceof Int32Array ? Int32Array.from(used, (g) => a[g]) : Float64Array.from(used, (g) => a[g]));
  return [
    { name: 'drg', kind: 'text', values: used.map((g) => d.codes[g]) },
    { name: 'name', kind: 'text', values: used.map((g) => d.names[g] ?? '') },
    { name: 'adrg', kind: 'text', values: used.map((g) => d.adrgs[g] ?? '') },
    { name: 'cases', kind: 'int', values: pick(d.cases) as Int32Array },
    { name: 'weight', kind: 'float', values: pick(d.weight) as Float64Array, decimals: 4 },
    { name: 'mean_los', kind: 'float', values: pick(d.meanLos) as Float64Array, decimals: 2 },
    { name: 'mean_cost', kind: 'float', values: pick(d.meanCost) as Float64Array, decimals: 2 },
    { name: 'deaths', kind: 'int', values: pick(d.deaths) as Int32Array },
  ];
}

/** The DIP groups used, as export columns. */
export function dipTableColumns(s: GroupingSummary): ExportColumn[] {
  const g = s.dip.groups;
  const used = Array.from(g.codes, (_, i) => i).filter((i) => g.cases[i] > 0);
  return [
    { name: 'dip_group', kind: 'text', values: used.map((i) => g.codes[i]) },
    { name: 'name', kind: 'text', values: used.map((i) => g.names[i] ?? '') },
    { name: 'kind', kind: 'text', values: used.map((i) => (g.kind[i] === 1 ? 'core' : 'comprehensive')) },
    { name: 'cases', kind: 'int', values: Int32Array.from(used, (i) => g.cases[i]) },
    { name: 'score', kind: 'float', values: Float64Array.from(used, (i) => g.score[i]), decimals: 4 },
    { name: 'mean_cost', kind: 'float', values: Float64Array.from(used, (i) => g.meanCost[i]), decimals: 2 },
  ];
}

export const REASON_GROUPED = REASON_CODES.grouped;
export const REASON_AMBIGUOUS = REASON_CODES.ambiguous;
