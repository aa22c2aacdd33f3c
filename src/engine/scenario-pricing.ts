// §10 scenarios priced (§3, §4) over the grouped cases: every scenario checked against the loaded ruleset first
// (refused whole, each problem naming its field), then priced by the PricingSession. Never regroups.
import { EngineFailure } from '../shared/errors.ts';
import { validateScenario, type ReadonlyScenario, type ScenarioContext } from '../scenario/scenario.ts';
import type { Recalibration, TrimOptions } from '../scenario/weight-recalibration.ts';
import type { UnitColumn } from './case-columns.ts';
import type { CaseSession } from './case-session.ts';
import { caseIdAt, costColumn } from './case-store.ts';
import { comparisonProblems, type PaymentComparison, type PricingSide } from './engine-pricing.ts';
import type { PricingRows } from './pricing-layout.ts';

/** A case on the §3 special-review list. */
export interface ReviewCase {
  row: number;
  caseId: string;
  hospital: string;
  department: string;
  drg: string;
  costYuan: number;
  standardYuan: number;
  /** cost ÷ payment standard. */
  ratio: number;
}

/** Cases priced per call when the engine walks every case (bounded temporaries in the core). */
const PRICING_SLICE = 262_144;

/** Refuses scenarios with problems, every problem named with its field (prefixed by the side, when given). */
export function checkScenarios(ctx: ScenarioContext, sides: readonly { scenario: ReadonlyScenario; side?: 'base' | 'whatIf' }[]): void {
  const problems = sides.flatMap(({ scenario, side }) => validateScenario(scenario, ctx).map((p) => (side
    ? { code: p.code, message: p.message, params: { ...p.params, side }, where: { field: `${side}.${p.where.field}` } }
    : { code: p.code, message: p.message, params: p.params, where: { field: p.where.field } })));
  if (problems.length) throw new EngineFailure(problems);
}

/** Base vs what-if parameter sets priced; refused with every problem (`whatIf.budgetYuan`) before pricing. */
export function comparePayments(session: CaseSession, base: PricingSide, whatIf: PricingSide): PaymentComparison {
  const problems = comparisonProblems(base, whatIf, session.grouped().compiled.strings.drgCodes);
  if (problems.length) {
    throw new EngineFailure(problems.map((p) => ({ code: p.code, message: p.message, params: { field: p.where.field }, where: { field: p.where.field } })));
  }
  return session.pricing().compare(base, whatIf);
}

/** Base vs what-if scenarios priced; a scenario with problems is refused, its fields prefixed by the side. */
export function compareScenarios(session: CaseSession, ctx: ScenarioContext, base: ReadonlyScenario, whatIf: ReadonlyScenario): PaymentComparison {
  checkScenarios(ctx, [{ scenario: base, side: 'base' }, { scenario: whatIf, side: 'whatIf' }]);
  const pricing = session.pricing();
  return pricing.compare(pricing.sideOf(base), pricing.sideOf(whatIf));
}

/**
 * Per-case payment columns of every case under one scenario (checked first), handed to `visit` a slice at a
 * time (rows [first, first + rows length)) so the core's temporaries stay small; priced with one resolve.
 */
export function pricedSlices(session: CaseSession, ctx: ScenarioContext, scenario: ReadonlyScenario, visit: (first: number, rows: PricingRows) => void): void {
  checkScenarios(ctx, [{ scenario }]);
  const pricing = session.pricing();
  pricing.priceSlices(pricing.sideOf(scenario), PRICING_SLICE, visit);
}

/**
 * §3 special-review list (Yantai practice): cases at or above special_review_multiple × their payment
 * standard under a scenario, costliest ratio first; priced in slices so temporaries stay small.
 */
export function specialReviewCases(session: CaseSession, ctx: ScenarioContext, scenario: ReadonlyScenario, offset: number, limit: number): { total: number; rows: ReviewCase[] } {
  const { core, store: s } = session;
  const g = session.grouped();
  const hits: { row: number; ratio: number; standard: number }[] = [];
  const cost = costColumn(core, s);
  pricedSlices(session, ctx, scenario, (first, { specialReview, drgStandardYuan }) => {
    for (let k = 0; k < specialReview.length; k++) {
      if (specialReview[k]) hits.push({ row: first + k, ratio: cost[first + k]! / drgStandardYuan[k]!, standard: drgStandardYuan[k]! });
    }
  });
  hits.sort((a, b) => b.ratio - a.ratio || a.row - b.row);
  const a = s.analysis;
  const label = (c: UnitColumn, row: number) => {
    const id = core.i32(c.ids, s.rows)[row]!;
    return id >= 0 ? c.labels[id]! : '';
  };
  const rows = hits.slice(offset, offset + limit).map((h): ReviewCase => ({
    row: h.row, caseId: caseIdAt(s, h.row), hospital: label(a.hospital, h.row), department: label(a.department, h.row),
    drg: g.compiled.strings.drgCodes[g.out.drg[h.row]!] ?? '0000', costYuan: cost[h.row]!, standardYuan: h.standard, ratio: h.ratio,
  }));
  return { total: hits.length, rows };
}

/** §3 weights and §4 scores recalibrated from the loaded cases: copies, since the session keeps its own. */
export function recalibration(session: CaseSession, trim?: TrimOptions): { drg: Recalibration; dip: Recalibration } {
  const r = session.pricing().recalibrated(trim);
  const copy = (x: Recalibration): Recalibration => ({
    ...x, value: x.value.slice(), meanCostYuan: x.meanCostYuan.slice(), cases: x.cases.slice(), keptCases: x.keptCases.slice(), source: x.source.slice(),
  });
  return { drg: copy(r.drg), dip: copy(r.dip) };
}
