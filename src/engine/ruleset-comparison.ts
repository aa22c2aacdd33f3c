// Two rulesets side by side (a region moving from one version to the next): what differs in their tables, and the
// loaded cases regrouped under both with the Wasm DRG grouper. Never touches the loaded ruleset or its grouping.
import { exportColumns, type ExportColumn, type ExportFormat } from '../data/table-export.ts';
import { diffRulesets, type CodeName, type RulesetDiff } from '../rules/ruleset-diff.ts';
import type { CompiledRuleset } from '../rules/ruleset-compile.ts';
import type { Ruleset } from '../rules/ruleset-format.ts';
import type { Result } from '../shared/errors.ts';
import type { CaseStore } from './case-store.ts';
import { encodeCases } from './drg-grouping.ts';
import { prepareRuleset, rulesetDocument, type PreparedRuleset, type RulesetInfo } from './ruleset-loading.ts';
import type { WasmCore } from './wasm-core.ts';
import { WasmDrgGrouper } from './wasm-drg-grouper.ts';

/** A ruleset file's text and name, as the library keeps it. */
export interface RulesetText {
  text: string;
  file: string;
}

/** The DRG code pairs cases move between, most cases first; `0000` stands for ungrouped. */
export interface DrgTransitions {
  from: string[];
  fromName: string[];
  to: string[];
  toName: string[];
  cases: Int32Array;
}

/** One side's grouping figures, as the Grouping page counts them. */
export interface ComparedGrouping {
  /** Cases in a proper DRG (not 0000, not an ambiguity group). */
  groupedCases: number;
  /** Σ RW ÷ grouped cases; null when the ruleset gives no weights. */
  cmi: number | null;
}

export interface CaseRegrouping {
  totalCases: number;
  /** Cases whose DRG code differs between the two. */
  changedCases: number;
  a: ComparedGrouping;
  b: ComparedGrouping;
  transitions: DrgTransitions;
  groupMs: number;
}

export type ComparisonTable = 'transitions' | 'diff';

export interface RulesetComparison {
  a: RulesetInfo;
  b: RulesetInfo;
  diff: RulesetDiff;
  /** Null while no cases are loaded. */
  regrouping: CaseRegrouping | null;
  /** Both tables as files to download (CSV with BOM, Arrow): small, built once with the comparison. */
  files: Record<ComparisonTable, Record<ExportFormat, Uint8Array>>;
}

const UNGROUPED_CODE = '0000';

/** The document the engine would load: CHS-DRG reference rules are imported first, as prepareRulesetText does. */

/** Each DRG's grouping of the store's cases under a compiled ruleset; the grouper's tables are freed after. */
function groupedDrgs(core: WasmCore, compiled: CompiledRuleset, store: CaseStore): Int32Array {
  const grouper = new WasmDrgGrouper(core, compiled);
  try {
    return grouper.group(encodeCases(core, compiled, store.codes, store.numbers)).drg;
  } finally {
    grouper.free();
  }
}

/** CMI as the Grouping page computes it: ambiguity groups left out, a DRG without weight counting 0. */
function comparedGrouping(compiled: CompiledRuleset, casesPerDrg: Int32Array): ComparedGrouping {
  const t = compiled.tables;
  let grouped = 0, sumWeight = 0, weighted = false;
  for (let g = 0; g < casesPerDrg.length; g++) {
    if (t.drgAmbiguous[g]) continue;
    grouped += casesPerDrg[g]!;
    if (Number.isFinite(t.drgWeight[g])) {
      weighted = true;
      sumWeight += casesPerDrg[g]! * t.drgWeight[g]!;
    }
  }
  return { groupedCases: grouped, cmi: weighted && grouped ? sumWeight / grouped : null };
}

/**
 * Counts cases per DRG on each side and per (from, to) pair of differing codes. A plain loop over two Int32Arrays
 * in the engine's thread: DRG ids are first mapped to one shared code list, so a pair is one integer key.
 */
function countTransitions(drgA: Int32Array, drgB: Int32Array, a: CompiledRuleset, b: CompiledRuleset) {
  const codes = [...new Set([...a.strings.drgCodes, ...b.strings.drgCodes, UNGROUPED_CODE])];
  const at = new Map(codes.map((c, i) => [c, i]));
  const ungrouped = at.get(UNGROUPED_CODE)!;
  const shared = (drgCodes: string[]) => Int32Array.from(drgCodes, (c) => at.get(c)!);
  const mapA = shared(a.strings.drgCodes), mapB = shared(b.strings.drgCodes);
  const perDrgA = new Int32Array(mapA.length), perDrgB = new Int32Array(mapB.length);
  const pairs = new Map<number, number>();
  let changed = 0;
  for (let i = 0; i < drgA.length; i++) {
    const x = drgA[i]!, y = drgB[i]!;
    if (x >= 0) perDrgA[x]!++;
    if (y >= 0) perDrgB[y]!++;
    const from = x >= 0 ? mapA[x]! : ungrouped, to = y >= 0 ? mapB[y]! : ungrouped;
    if (from === to) continue;
    changed++;
    const key = from * codes.length + to;
    pairs.set(key, (pairs.get(key) ?? 0) + 1);
  }
  return { codes, perDrgA, perDrgB, pairs, changed };
}

function transitionsOf(counted: ReturnType<typeof countTransitions>, a: CompiledRuleset, b: CompiledRuleset): DrgTransitions {
  const { codes, pairs } = counted;
  const nameIn = (c: CompiledRuleset) => new Map(c.strings.drgCodes.map((code, i) => [code, c.strings.drgNames[i] ?? '']));
  const namesA = nameIn(a), namesB = nameIn(b);
  const ranked = [...pairs].map(([key, cases]) => ({ from: codes[Math.floor(key / codes.length)]!, to: codes[key % codes.length]!, cases }))
    .sort((p, q) => q.cases - p.cases || p.from.localeCompare(q.from) || p.to.localeCompare(q.to));
  return {
    from: ranked.map((p) => p.from), fromName: ranked.map((p) => namesA.get(p.from) ?? ''),
    to: ranked.map((p) => p.to), toName: ranked.map((p) => namesB.get(p.to) ?? ''),
    cases: Int32Array.from(ranked, (p) => p.cases),
  };
}

function regroup(core: WasmCore, a: CompiledRuleset, b: CompiledRuleset, store: CaseStore): CaseRegrouping {
  const t0 = performance.now();
  const counted = countTransitions(groupedDrgs(core, a, store), groupedDrgs(core, b, store), a, b);
  return {
    totalCases: store.rows, changedCases: counted.changed,
    a: comparedGrouping(a, counted.perDrgA), b: comparedGrouping(b, counted.perDrgB),
    transitions: transitionsOf(counted, a, b), groupMs: performance.now() - t0,
  };
}

/** The transitions as export columns. */
export function transitionColumns(t: DrgTransitions): ExportColumn[] {
  return [
    { name: 'from_drg', kind: 'text', values: t.from }, { name: 'from_name', kind: 'text', values: t.fromName },
    { name: 'to_drg', kind: 'text', values: t.to }, { name: 'to_name', kind: 'text', values: t.toName },
    { name: 'cases', kind: 'int', values: t.cases },
  ];
}

/** The diff as one long table: what changed (`weight`, `drg_added`, `split_condition`, …), code, name, before, after. */
export function diffColumns(d: RulesetDiff): ExportColumn[] {
  type Row = [change: string, code: string, name: string, before: string, after: string];
  const listed = (change: string, list: CodeName[]): Row[] => list.map((m) => [change, m.code, m.name, '', '']);
  const rows: Row[] = [
    ...d.mdcOrder.map((m): Row => ['mdc_order', m.code, '', String(m.before + 1), String(m.after + 1)]),
    ...listed('mdc_added', d.mdcs.added), ...listed('mdc_removed', d.mdcs.removed),
    ...listed('adrg_added', d.adrgs.added), ...listed('adrg_removed', d.adrgs.removed), ...listed('adrg_condition', d.adrgs.conditionChanged),
    ...listed('drg_added', d.drgs.added), ...listed('drg_removed', d.drgs.removed),
    ...d.splits.map((s): Row => [`split_${s.change}`, s.drg, s.name, '', s.adrg]),
    ...d.weights.map((w): Row => ['weight', w.drg, w.name, w.before?.toFixed(4) ?? '', w.after?.toFixed(4) ?? '']),
  ];
  return ['change', 'code', 'name', 'before', 'after'].map((name, i): ExportColumn => ({ name, kind: 'text', values: rows.map((r) => r[i]!) }));
}

function filesOf(diff: RulesetDiff, transitions: DrgTransitions | null): RulesetComparison['files'] {
  const both = (columns: ExportColumn[]) => ({ csv: exportColumns(columns, 'csv'), arrow: exportColumns(columns, 'arrow') });
  const empty: DrgTransitions = { from: [], fromName: [], to: [], toName: [], cases: new Int32Array(0) };
  return { transitions: both(transitionColumns(transitions ?? empty)), diff: both(diffColumns(diff)) };
}

/**
 * Compiles both rulesets (either refused whole, with every problem, as a load would be), diffs their documents and,
 * when cases are loaded, groups them under each. Everything placed in the core for this is freed before returning.
 */
export function compareRulesets(core: WasmCore, a: RulesetText, b: RulesetText, store: CaseStore | null): Result<RulesetComparison> {
  const prepared: PreparedRuleset[] = [];
  const documents: Ruleset[] = [];
  for (const side of [a, b]) {
    // The document the diff reads is the one compiled: parsed (and imported) once.
    const doc = rulesetDocument(side.text, side.file);
    if (!doc.ok) return doc;
    const p = prepareRuleset(doc.value.json, side.file, doc.value.warnings);
    if (!p.ok) return p;
    prepared.push(p.value);
    documents.push(doc.value.json as Ruleset);
  }
  const [pa, pb] = prepared as [PreparedRuleset, PreparedRuleset];
  const diff = diffRulesets(documents[0]!, documents[1]!);
  const regrouping = store ? regroup(core, pa.compiled, pb.compiled, store) : null;
  return { ok: true, value: { a: pa.info, b: pb.info, diff, regrouping, files: filesOf(diff, regrouping?.transitions ?? null) } };
}
