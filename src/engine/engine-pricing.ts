// Payment what-if over the grouped cases (domain §3, §4, §10): base vs what-if parameter sets priced by the
// Wasm pricing core, summed per hospital, department, MDC, DRG and DIP group. Never regroups or reparses.
import type { CompiledRuleset } from '../rules/ruleset-compile.ts';
import { validatePricingParameters, type ParameterProblem, type PricingParameters } from '../scenario/pricing-parameters.ts';
import { DEFAULT_TRIM, recalibrateDipScores, recalibrateDrgWeights, trimOf, type Recalibration, type TrimOptions } from '../scenario/weight-recalibration.ts';
import type { ReadonlyScenario } from '../scenario/scenario.ts';
import { drgMdcIds, scenarioDrgWeights } from '../scenario/weight-adjustments.ts';
import type { AnalysisColumns, GroupedColumns } from './case-columns.ts';
import { buildPricingInputs, type CaseSums, type PricingCalibration, type PricingRows, type ResolvedPricing } from './pricing-layout.ts';
import { pricingSummary, settle, type GroupPricing, type HospitalPricing } from './pricing-summary.ts';
import type { RatioHistogram } from './reference/pricing.ts';
import { WasmPricing, type ResidentPricingCases } from './wasm-pricing.ts';
import type { Block, WasmCore } from './wasm-core.ts';
import type { ExportColumn } from '../data/table-export.ts';

/** One side of a comparison: a parameter set, and the DRG weights / DIP scores it prices with. */
export interface PricingSide {
  parameters: PricingParameters;
  /** Per DRG id, replacing the ruleset's weights (bulk adjustments and overrides already applied). */
  drgWeight?: Float64Array;
  /** Use the weights and scores recalibrated from the loaded cases (§3) under drgWeight and the overrides. */
  useRecalibratedWeights?: boolean;
}

export type PaymentMethod = 'drg' | 'dip';

/** What one parameter set gives for one breakdown's rows (one entry per row). */
export interface SideColumns {
  paymentYuan: Float64Array;
  /** Fund share of the payment; null where the table does not split by insurance type (MDC, groups). */
  fundYuan: Float64Array | null;
  high: Float64Array;
  low: Float64Array;
  unpriced: Float64Array;
  /** DRG: Σ payment standard; DIP: Σ case score. */
  standardOrScore: Float64Array;
}

/** Rows of a breakdown: hospital, department (within its hospital), MDC, DRG or DIP group. */
export interface PaymentBreakdown {
  codes: string[];
  names: string[];
  /** Hospital code of each row (departments only). */
  parents: string[] | null;
  cases: Float64Array;
  costYuan: Float64Array;
  base: SideColumns;
  whatIf: SideColumns;
}

/** Headline figures of one method under one parameter set (yuan, unrounded). */
export interface PaymentTotals {
  /** The fund's share of payments plus what settlement adds (overrun sharing) or takes back (surplus). */
  fundYuan: number;
  /** Σ payment + settlement adjustments: what hospitals receive. */
  revenueYuan: number;
  /** revenue − cost (医保盈亏 after settlement). */
  marginYuan: number;
  patientYuan: number;
  paymentYuan: number;
  adjustmentYuan: number;
  high: number;
  low: number;
  unpriced: number;
  /** DRG: cases on the ≥ 2× special-review list. */
  review: number;
}

export interface MethodResult {
  cases: number;
  costYuan: number;
  base: PaymentTotals;
  whatIf: PaymentTotals;
  hospitals: PaymentBreakdown;
  /** null when hospitals × departments is too many rows to sum per case. */
  departments: PaymentBreakdown | null;
  /** DRG only. */
  mdcs: PaymentBreakdown | null;
  groups: PaymentBreakdown;
  histogram: { base: Int32Array; whatIf: Int32Array };
}

export interface PaymentComparison {
  resolved: { base: ResolvedPricing; whatIf: ResolvedPricing };
  drg: MethodResult;
  dip: MethodResult;
  /** Histogram bins: HISTOGRAM_BINS equal bins over [0, HISTOGRAM_MAX_RATIO), then one for r ≥ the maximum. */
  histogramMaxRatio: number;
  ms: number;
}

export const HISTOGRAM_BINS = 60;
export const HISTOGRAM_MAX_RATIO = 3;
/** Beyond this many hospital × department rows, departments are not broken down (the table would dwarf the data). */
const MAX_UNIT_ROWS = 200_000;

/** One side priced: its summary and ratio histogram, under the key of the side it priced. */
interface SideRun {
  key: string;
  summary: ReturnType<typeof pricingSummary>;
  histogram: RatioHistogram;
}

/** Problems of a side, or of both (field names prefixed `base.` / `whatIf.`). */
export function comparisonProblems(base: PricingSide, whatIf: PricingSide, drgCodes: readonly string[]): ParameterProblem[] {
  const prefixed = (side: string, ps: ParameterProblem[]) => ps.map((p) => ({ ...p, where: { field: `${side}.${p.where.field}` } }));
  return [...prefixed('base', validatePricingParameters(base.parameters, drgCodes)), ...prefixed('whatIf', validatePricingParameters(whatIf.parameters, drgCodes))];
}

/**
 * Pricing state for one grouped case set: the resident case descriptor, the per-unit composite ids, the
 * once-per-case-set sums, a Wasm context per side, and the last run of each side (a slider moves the what-if).
 */
export class PricingSession {
  private readonly wasm: { base: WasmPricing; whatIf: WasmPricing };
  private readonly cases: ResidentPricingCases;
  private readonly unitIds: Block | null;
  private readonly nUnits: number;
  private readonly sums: CaseSums;
  /** MDC id per DRG id (the MDC breakdown's fold), derived once from the ruleset's MDC steps. */
  private readonly drgMdc: Int32Array;
  /** The last recalibration and the trimming it used (a scenario may change the percentiles). */
  private recalibration: { key: string; drg: Recalibration; dip: Recalibration } | null = null;
  /** The last run of each side: a slider moves only the what-if, and an export of the table on screen prices nothing. */
  private last: { base: SideRun | null; whatIf: SideRun | null } = { base: null, whatIf: null };

  constructor(
    private readonly core: WasmCore,
    private readonly columns: AnalysisColumns,
    grouped: GroupedColumns,
    private readonly compiled: CompiledRuleset,
    /** Per-case DRG ids and costs in JavaScript, for recalibration only. */
    private readonly plain: () => { drg: Int32Array; dipGroup: Int32Array; costYuan: Float64Array },
  ) {
    const nh = columns.hospital.labels.length, nd = columns.department.labels.length;
    // Sums run per (hospital, department); hospital totals are their departments' sums.
    const useUnits = nh * nd > 0 && nh * nd <= MAX_UNIT_ROWS;
    this.nUnits = useUnits ? nh * nd : nh;
    if (useUnits) {
      this.unitIds = core.alloc(columns.n * 4);
      core.exports.pairIds(columns.n, columns.hospital.ids.ptr, columns.department.ids.ptr, nd, this.unitIds.ptr);
    } else {
      this.unitIds = null;
    }
    this.wasm = { base: new WasmPricing(core), whatIf: new WasmPricing(core) };
    this.cases = this.wasm.base.residentCases(columns.n, {
      drg: grouped.drg.ptr, dipGroup: grouped.dipGroup.ptr, costYuan: columns.totalCost.ptr,
      hospitalLevel: columns.hospitalLevel.ptr, insuranceType: columns.insuranceType.ids.ptr,
      hospital: (this.unitIds ?? columns.hospital.ids).ptr,
    });
    const t = compiled.tables;
    this.drgMdc = drgMdcIds(compiled);
    this.sums = this.wasm.base.caseSums(this.cases, this.nUnits, t.drgWeight.length, t.dipGroupScore.length);
  }

  free(): void {
    this.wasm.base.releaseCases(this.cases);
    this.wasm.base.free();
    this.wasm.whatIf.free();
    this.core.free(this.unitIds);
  }

  /** Prices both sides; each side's last result is reused while its parameters stay the same. */
  compare(base: PricingSide, whatIf: PricingSide): PaymentComparison {
    const t0 = performance.now();
    const b = this.runOnce('base', base);
    const w = this.runOnce('whatIf', whatIf);
    const p = { base: base.parameters, whatIf: whatIf.parameters };
    // The runs stay cached here: hand out copies of their histograms, since results are transferred to the page.
    return {
      resolved: { base: b.summary.resolved, whatIf: w.summary.resolved },
      drg: this.method('drg', b.summary, w.summary, p, { base: b.histogram.drg.slice(), whatIf: w.histogram.drg.slice() }),
      dip: this.method('dip', b.summary, w.summary, p, { base: b.histogram.dip.slice(), whatIf: w.histogram.dip.slice() }),
      histogramMaxRatio: HISTOGRAM_MAX_RATIO,
      ms: performance.now() - t0,
    };
  }

  private runOnce(which: 'base' | 'whatIf', side: PricingSide): SideRun {
    const key = JSON.stringify(side, (_k, v: unknown) => (v instanceof Float64Array ? Array.from(v) : v));
    if (this.last[which]?.key !== key) this.last[which] = { key, ...this.run(this.wasm[which], side) };
    return this.last[which]!;
  }

  /** A scenario as a side: its parameters and its effective DRG weights (bulk rules, then overrides). */
  sideOf(s: ReadonlyScenario): PricingSide {
    const recalibrated = s.useRecalibratedWeights ? this.recalibrated(trimOf(s.parameters)).drg.value : null;
    return { parameters: s.parameters, drgWeight: scenarioDrgWeights(this.compiled, s, recalibrated), useRecalibratedWeights: s.useRecalibratedWeights };
  }

  /** Per-case payment columns of every case under one side, `slice` cases per call of `visit`; one resolve. */
  priceSlices(side: PricingSide, slice: number, visit: (first: number, rows: PricingRows) => void): void {
    const ctx = this.wasm.whatIf;
    ctx.setInputs(this.inputs(side));
    ctx.resolve(this.cases);
    for (let first = 0; first < this.cases.n; first += slice) visit(first, ctx.priceRows(this.cases, null, Math.min(slice, this.cases.n - first), first));
  }

  private inputs(side: PricingSide) {
    const calibration = side.useRecalibratedWeights ? this.calibration(side.parameters) : {};
    const drgWeight = side.drgWeight ?? calibration.drgWeight;
    return buildPricingInputs(side.parameters, this.compiled, this.columns.insuranceType.labels, { ...calibration, drgWeight });
  }

  private run(ctx: WasmPricing, side: PricingSide) {
    ctx.setInputs(this.inputs(side));
    const summary = pricingSummary(ctx.repriceAggregate(this.cases, this.sums), side.parameters);
    const histogram = ctx.ratioHistogram(this.cases, HISTOGRAM_BINS, HISTOGRAM_MAX_RATIO);
    return { summary, histogram };
  }

  /** §3 recalibration from the loaded cases, once per case set and trimming (a sort per group, in JavaScript). */
  recalibrated(trim: TrimOptions = DEFAULT_TRIM): { drg: Recalibration; dip: Recalibration } {
    const key = `${trim.lowPercentile}/${trim.highPercentile}/${trim.minCases}`;
    if (this.recalibration?.key !== key) {
      const { drg, dipGroup, costYuan } = this.plain();
      this.recalibration = {
        key, drg: recalibrateDrgWeights(this.compiled, drg, costYuan, trim),
        dip: recalibrateDipScores(this.compiled, dipGroup, costYuan, undefined, trim),
      };
    }
    return this.recalibration;
  }

  private calibration(p: PricingParameters): PricingCalibration {
    const r = this.recalibrated(trimOf(p));
    return { drgWeight: r.drg.value, dipScore: r.dip.value, dipMeanCostYuan: r.dip.meanCostYuan };
  }

  private method(
    m: PaymentMethod, base: ReturnType<typeof pricingSummary>, whatIf: ReturnType<typeof pricingSummary>,
    p: { base: PricingParameters; whatIf: PricingParameters }, histogram: { base: Int32Array; whatIf: Int32Array },
  ): MethodResult {
    const cols = this.columns;
    const nh = cols.hospital.labels.length, nd = cols.department.labels.length;
    const units = { base: base.hospitals, whatIf: whatIf.hospitals };
    const unitCases = units.base.cases, unitCost = units.base.costYuan;
    const side = (h: HospitalPricing): SideColumns => (m === 'drg'
      ? { paymentYuan: h.drgPaymentYuan, fundYuan: h.drgFundYuan, high: h.drgHigh, low: h.drgLow, unpriced: h.drgUnpriced, standardOrScore: h.drgStandardYuan }
      : { paymentYuan: h.dipPaymentYuan, fundYuan: h.dipFundYuan, high: h.dipHigh, low: h.dipLow, unpriced: h.dipUnpriced, standardOrScore: h.dipScore });
    const unitSide = { base: side(units.base), whatIf: side(units.whatIf) };

    // Units are (hospital, department) rows plus one row for cases without either; hospitals sum them.
    const byUnits = this.unitIds !== null;
    const hospitalOf = new Int32Array(this.nUnits + 1);
    for (let u = 0; u < this.nUnits; u++) hospitalOf[u] = byUnits ? Math.floor(u / nd) : u;
    hospitalOf[this.nUnits] = nh;
    const collapse = (a: Float64Array) => {
      const out = new Float64Array(nh + 1);
      for (let u = 0; u <= this.nUnits; u++) out[hospitalOf[u]!] += a[u]!;
      return out;
    };
    const unknown = '—';
    const hospitals = keepRows({
      codes: [...cols.hospital.labels, unknown], names: [...cols.hospital.labels, unknown], parents: null,
      cases: collapse(unitCases), costYuan: collapse(unitCost),
      base: mapSide(unitSide.base, collapse), whatIf: mapSide(unitSide.whatIf, collapse),
    });
    const departments = byUnits ? keepRows({
      codes: Array.from({ length: this.nUnits + 1 }, (_, u) => (u < this.nUnits ? cols.department.labels[u % nd]! : unknown)),
      names: Array.from({ length: this.nUnits + 1 }, (_, u) => (u < this.nUnits ? cols.department.labels[u % nd]! : unknown)),
      parents: Array.from({ length: this.nUnits + 1 }, (_, u) => (u < this.nUnits ? cols.hospital.labels[Math.floor(u / nd)]! : unknown)),
      cases: unitCases, costYuan: unitCost, base: unitSide.base, whatIf: unitSide.whatIf,
    }) : null;

    const str = this.compiled.strings;
    const groupTable = (g: { base: GroupPricing; whatIf: GroupPricing }, codes: string[], names: string[], none: string): PaymentBreakdown => {
      return keepRows({ codes: [...codes, none], names: [...names, ''], parents: null, cases: g.base.cases, costYuan: g.base.costYuan, base: groupSide(g.base), whatIf: groupSide(g.whatIf) });
    };
    const groupPricing = m === 'drg' ? { base: base.drgs!, whatIf: whatIf.drgs! } : { base: base.dipGroups!, whatIf: whatIf.dipGroups! };
    const groups = m === 'drg' ? groupTable(groupPricing, str.drgCodes, str.drgNames, '0000') : groupTable(groupPricing, str.dipGroupCodes, str.dipGroupNames, '—');
    const mdcs = m === 'drg' ? this.mdcTable(groupPricing) : null;

    const totals = (h: HospitalPricing, params: PricingParameters): PaymentTotals => {
      const s = side(h);
      const pay = collapse(s.paymentYuan), fund = collapse(s.fundYuan!), cost = collapse(unitCost);
      // §3 settlement is per hospital; cases without a hospital are settled as one more "hospital".
      const st = settle(pay, cost, params.surplusShare, params.overrunShare);
      const adjustment = sumOf(st.adjustmentYuan), payment = sumOf(pay), fundShare = sumOf(fund);
      return {
        fundYuan: fundShare + adjustment, revenueYuan: payment + adjustment, marginYuan: sumOf(st.hospitalResultYuan),
        patientYuan: payment - fundShare, paymentYuan: payment, adjustmentYuan: adjustment,
        high: sumOf(s.high), low: sumOf(s.low), unpriced: sumOf(s.unpriced), review: m === 'drg' ? sumOf(h.specialReview) : 0,
      };
    };
    return {
      cases: sumOf(unitCases), costYuan: sumOf(unitCost),
      base: totals(units.base, p.base), whatIf: totals(units.whatIf, p.whatIf),
      hospitals, departments, mdcs, groups, histogram,
    };
  }

  /** MDC rows from the DRG rows (DRG → ADRG → MDC); 0000 cases form their own row. */
  private mdcTable(g: { base: GroupPricing; whatIf: GroupPricing }): PaymentBreakdown {
    const str = this.compiled.strings, t = this.compiled.tables;
    const nMdc = str.mdcCodes.length, nDrg = t.drgWeight.length;
    const drgMdc = this.drgMdc;
    const mdcOf = (d: number) => (d < nDrg && drgMdc[d]! >= 0 ? drgMdc[d]! : nMdc);
    const fold = (a: Float64Array) => {
      const out = new Float64Array(nMdc + 1);
      for (let d = 0; d <= nDrg; d++) out[mdcOf(d)] += a[d]!;
      return out;
    };
    return keepRows({
      codes: [...str.mdcCodes, '0000'], names: [...str.mdcNames, ''], parents: null,
      cases: fold(g.base.cases), costYuan: fold(g.base.costYuan), base: mapSide(groupSide(g.base), fold), whatIf: mapSide(groupSide(g.whatIf), fold),
    });
  }
}

/** A DRG or DIP group table's columns as a side (groups are not split by insurance type: no fund column). */
function groupSide(x: GroupPricing): SideColumns {
  return { paymentYuan: x.paymentYuan, fundYuan: null, high: x.high, low: x.low, unpriced: x.unpriced, standardOrScore: x.standardOrScore };
}

/** Every column of a side through one function (collapse to hospitals, fold to MDCs, keep rows with cases). */
function mapSide(s: SideColumns, f: (a: Float64Array) => Float64Array): SideColumns {
  return {
    paymentYuan: f(s.paymentYuan), fundYuan: s.fundYuan && f(s.fundYuan), high: f(s.high), low: f(s.low),
    unpriced: f(s.unpriced), standardOrScore: f(s.standardOrScore),
  };
}

function sumOf(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

/** Only rows with cases: a region's 600 DRGs or 30,000 hospital × department pairs are mostly empty. */
function keepRows(b: PaymentBreakdown): PaymentBreakdown {
  const keep: number[] = [];
  for (let i = 0; i < b.cases.length; i++) if (b.cases[i]! > 0) keep.push(i);
  const pick = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]!);
  return {
    codes: keep.map((i) => b.codes[i]!), names: keep.map((i) => b.names[i]!), parents: b.parents && keep.map((i) => b.parents![i]!),
    cases: pick(b.cases), costYuan: pick(b.costYuan), base: mapSide(b.base, pick), whatIf: mapSide(b.whatIf, pick),
  };
}

/** A breakdown as export columns: code, name, cases, cost, payment and margin under base and what-if, deltas, outliers. */
export function paymentTableColumns(b: PaymentBreakdown, method: PaymentMethod): ExportColumn[] {
  const minus = (x: Float64Array, y: Float64Array) => x.map((v, i) => v - y[i]!);
  const money = (name: string, values: Float64Array): ExportColumn => ({ name, kind: 'float', values, decimals: 2 });
  const count = (name: string, values: Float64Array): ExportColumn => ({ name, kind: 'int', values: Int32Array.from(values) });
  const value = method === 'drg' ? 'standard_yuan' : 'score';
  return [
    ...(b.parents ? [{ name: 'hospital', kind: 'text', values: b.parents } as ExportColumn] : []),
    { name: 'code', kind: 'text', values: b.codes },
    { name: 'name', kind: 'text', values: b.names },
    count('cases', b.cases),
    money('cost_yuan', b.costYuan),
    { name: `base_${value}`, kind: 'float', values: b.base.standardOrScore, decimals: method === 'drg' ? 2 : 4 },
    money('base_payment_yuan', b.base.paymentYuan),
    money('base_margin_yuan', minus(b.base.paymentYuan, b.costYuan)),
    ...(b.base.fundYuan ? [money('base_fund_yuan', b.base.fundYuan)] : []),
    { name: `what_if_${value}`, kind: 'float', values: b.whatIf.standardOrScore, decimals: method === 'drg' ? 2 : 4 },
    money('what_if_payment_yuan', b.whatIf.paymentYuan),
    money('what_if_margin_yuan', minus(b.whatIf.paymentYuan, b.costYuan)),
    ...(b.whatIf.fundYuan ? [money('what_if_fund_yuan', b.whatIf.fundYuan)] : []),
    money('payment_change_yuan', minus(b.whatIf.paymentYuan, b.base.paymentYuan)),
    count('what_if_high_cost_cases', b.whatIf.high),
    count('what_if_low_cost_cases', b.whatIf.low),
    count('what_if_unpriced_cases', b.whatIf.unpriced),
  ];
}
