// What differs between two casemix-ruleset/1 documents (an old and a new version of a region's rules): MDC order,
// MDCs, ADRGs and DRGs added or removed, DRG splits changed, weights changed. Pure; reads valid documents only.
import type { Ruleset } from './ruleset-format.ts';

export interface CodeName {
  code: string;
  name: string;
}

/** An MDC tried at another place among the MDCs both versions have (0-based positions). */
export interface MdcMove {
  code: string;
  before: number;
  after: number;
}

/**
 * How a DRG is reached changed: `adrg` — another ADRG gives it; `order` — its split sits at another place
 * among its ADRG's splits (or became / stopped being the fallback); `condition` — its split's `when` differs.
 */
export interface SplitChange {
  drg: string;
  name: string;
  adrg: string;
  change: 'adrg' | 'order' | 'condition';
}

/** A DRG both versions have whose relative weight differs; null where a version gives none. */
export interface WeightChange {
  drg: string;
  name: string;
  before: number | null;
  after: number | null;
}

export interface RulesetDiff {
  mdcOrder: MdcMove[];
  mdcs: { added: CodeName[]; removed: CodeName[] };
  adrgs: { added: CodeName[]; removed: CodeName[]; conditionChanged: CodeName[] };
  drgs: { added: CodeName[]; removed: CodeName[] };
  splits: SplitChange[];
  weights: WeightChange[];
}

/** JSON with object keys sorted, so two conditions written with keys in another order compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

type Named = { code: string; name?: string };

function byCode<T extends Named>(rows: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const list = m.get(r.code);
    if (list) list.push(r);
    else m.set(r.code, [r]);
  }
  return m;
}

/** Codes of `b` missing from `a`, in `b`'s order, with the name `b` gives. */
function missingFrom<T extends Named>(a: Map<string, T[]>, b: Map<string, T[]>): CodeName[] {
  return [...b].filter(([code]) => !a.has(code)).map(([code, rows]) => ({ code, name: rows[0]!.name ?? '' }));
}

function addedRemoved<T extends Named>(a: Map<string, T[]>, b: Map<string, T[]>): { added: CodeName[]; removed: CodeName[] } {
  return { added: missingFrom(a, b), removed: missingFrom(b, a) };
}

/** MDCs of both versions whose place among the shared MDCs moved. */
function mdcMoves(a: Ruleset, b: Ruleset): MdcMove[] {
  const inB = new Set(b.mdcs.map((m) => m.code));
  const inA = new Set(a.mdcs.map((m) => m.code));
  const orderA = [...new Set(a.mdcs.map((m) => m.code).filter((c) => inB.has(c)))];
  const orderB = [...new Set(b.mdcs.map((m) => m.code).filter((c) => inA.has(c)))];
  const at = new Map(orderB.map((c, i) => [c, i]));
  return orderA.flatMap((code, before) => (at.get(code) === before ? [] : [{ code, before, after: at.get(code)! }]));
}

/** Where each DRG is given: per ADRG entry, its split position (or `fallback`) and that split's condition. */
interface DrgPlace {
  adrg: string;
  position: string;
  when: string;
}

function drgPlaces(r: Ruleset): Map<string, DrgPlace[]> {
  const places = new Map<string, DrgPlace[]>();
  const add = (drg: string, p: DrgPlace) => {
    const list = places.get(drg);
    if (list) list.push(p);
    else places.set(drg, [p]);
  };
  for (const adrg of r.adrgs) {
    adrg.splits.forEach((s, i) => add(s.drg, { adrg: adrg.code, position: String(i), when: canonical(s.when ?? true) }));
    if (adrg.fallback !== undefined) add(adrg.fallback, { adrg: adrg.code, position: 'fallback', when: 'true' });
  }
  return places;
}

function splitChanges(a: Ruleset, b: Ruleset, drgsB: Map<string, Named[]>): SplitChange[] {
  const placesA = drgPlaces(a), placesB = drgPlaces(b);
  const changes: SplitChange[] = [];
  for (const [drg, before] of placesA) {
    const after = placesB.get(drg);
    if (!after) continue;
    const sig = (ps: DrgPlace[], f: (p: DrgPlace) => string) => ps.map(f).join('|');
    const change = sig(before, (p) => p.adrg) !== sig(after, (p) => p.adrg) ? 'adrg'
      : sig(before, (p) => p.position) !== sig(after, (p) => p.position) ? 'order'
        : sig(before, (p) => p.when) !== sig(after, (p) => p.when) ? 'condition' : null;
    if (change) changes.push({ drg, name: drgsB.get(drg)?.[0]!.name ?? '', adrg: after[0]!.adrg, change });
  }
  return changes;
}

function weightChanges(a: Map<string, Ruleset['drgs']>, b: Map<string, Ruleset['drgs']>): WeightChange[] {
  const changes: WeightChange[] = [];
  for (const [drg, rowsB] of b) {
    const rowA = a.get(drg)?.[0];
    if (!rowA) continue;
    const before = rowA.weight ?? null, after = rowsB[0]!.weight ?? null;
    if (before !== after) changes.push({ drg, name: rowsB[0]!.name ?? rowA.name ?? '', before, after });
  }
  return changes;
}

/** ADRGs both versions have whose entry conditions (all entries of the code, in order) differ. */
function adrgConditionChanges(a: Map<string, Ruleset['adrgs']>, b: Map<string, Ruleset['adrgs']>): CodeName[] {
  const when = (rows: Ruleset['adrgs']) => rows.map((r) => canonical(r.when)).join('|');
  return [...b].filter(([code, rows]) => a.has(code) && when(a.get(code)!) !== when(rows)).map(([code, rows]) => ({ code, name: rows[0]!.name ?? '' }));
}

/** Everything that differs from `a` (the version before) to `b` (the version after). */
export function diffRulesets(a: Ruleset, b: Ruleset): RulesetDiff {
  const adrgsA = byCode(a.adrgs), adrgsB = byCode(b.adrgs);
  const drgsA = byCode(a.drgs), drgsB = byCode(b.drgs);
  return {
    mdcOrder: mdcMoves(a, b),
    mdcs: addedRemoved(byCode(a.mdcs), byCode(b.mdcs)),
    adrgs: { ...addedRemoved(adrgsA, adrgsB), conditionChanged: adrgConditionChanges(adrgsA, adrgsB) },
    drgs: addedRemoved(drgsA, drgsB),
    splits: splitChanges(a, b, drgsB),
    weights: weightChanges(drgsA, drgsB),
  };
}

/** Nothing differs in what the diff looks at. */
export function isEmptyDiff(d: RulesetDiff): boolean {
  return !d.mdcOrder.length && !d.mdcs.added.length && !d.mdcs.removed.length && !d.adrgs.added.length && !d.adrgs.removed.length
    && !d.adrgs.conditionChanged.length && !d.drgs.added.length && !d.drgs.removed.length && !d.splits.length && !d.weights.length;
}
