// Composite scores (§5, §10) over the rows of an evaluation table: formulas compiled once against the table's
// indicators, then evaluated per peer group so mean(…), total(…) and pooled(…) see only a row's peers.
import type { FormulaError } from '../scenario/formula-lexer.ts';
import { compileFormulas, evaluateFormulas, NA_REASONS } from '../scenario/formula-evaluator.ts';
import { COMPOSITE_PRESETS, FORMULA_LABELS, INDICATOR_RATIOS } from '../scenario/composite-presets.ts';
import { NA, TABLE_INDICATOR_ALIASES, TABLE_INDICATORS, type ValueColumn } from './unit-indicators.ts';

/** A formula's result column; reasons use EVALUATION_NA_REASONS like every other column of the table. */
export interface FormulaColumn extends ValueColumn {
  name: string;
  /** The right-hand side as typed. */
  source: string;
  /** zh / en labels for the preset names (综合得分 → Composite score); absent for the user's own names. */
  label?: { zh: string; en: string };
}

export interface CompositeScores {
  text: string;
  /** The formulas that compiled, in text order; the last one of a preset is 综合得分. */
  formulas: FormulaColumn[];
  /** Every problem with its line and column (an unknown indicator names the closest known one). */
  errors: FormulaError[];
}

/** Short names the CLI and scenarios may use for the presets. */
const PRESET_NAMES: ReadonlyMap<string, string> = new Map([
  ...COMPOSITE_PRESETS.map((p) => [p.id, p.text] as const),
  ['product', COMPOSITE_PRESETS[0]!.text], ['seed', COMPOSITE_PRESETS[0]!.text], ['default', COMPOSITE_PRESETS[0]!.text],
  ['geometric', COMPOSITE_PRESETS[1]!.text],
]);

/** A preset's text by id or short name (seed-004-product / product, seed-004-geometric / geometric); null otherwise. */
export function presetText(name: string): string | null {
  return PRESET_NAMES.get(name.trim().toLowerCase()) ?? null;
}

/** Maps the formula evaluator's reason indices onto EVALUATION_NA_REASONS. */
const FROM_FORMULA = Uint8Array.from(NA_REASONS, (r) => (r === 'ok' ? 0 : NA[r]));

/**
 * Evaluates `text` for every row. `peerGroup[r]` is the row's peer group (rows of one level, period and parent);
 * `columns` holds the indicator columns by name, NaN where n/a — formulas read those as "missing value".
 */
export function compositeScores(text: string, columns: ReadonlyMap<string, ValueColumn>, peerGroup: Int32Array): CompositeScores {
  const compiled = compileFormulas(text, {
    indicators: TABLE_INDICATORS.map((i) => i.name).filter((n) => columns.has(n)),
    aliases: TABLE_INDICATOR_ALIASES,
    ratios: INDICATOR_RATIOS,
  });
  const program = compiled.program;
  const errors = [...compiled.errors];
  const m = peerGroup.length;
  const formulas: FormulaColumn[] = program.formulas.map((f) => ({
    name: f.name, source: f.source, values: new Float64Array(m).fill(NaN), reasons: new Uint8Array(m).fill(NA['missing-value']),
    ...(FORMULA_LABELS.has(f.name) ? { label: FORMULA_LABELS.get(f.name)! } : {}),
  }));
  if (!formulas.length) return { text, formulas, errors };
  const groups = new Map<number, number[]>();
  for (let r = 0; r < m; r++) {
    const g = peerGroup[r]!;
    let list = groups.get(g);
    if (!list) groups.set(g, (list = []));
    list.push(r);
  }
  for (const rows of groups.values()) {
    const subset = new Map<string, Float64Array>();
    for (const name of program.indicators) {
      const col = columns.get(name)!;
      subset.set(name, Float64Array.from(rows, (r) => col.values[r]!));
    }
    const result = evaluateFormulas(program, { unitCount: rows.length, columns: subset });
    if (!result.ok) {
      errors.push(...result.errors);
      break;
    }
    result.results.forEach((res, k) => {
      const out = formulas[k]!;
      rows.forEach((r, j) => {
        out.values[r] = res.values[j]!;
        out.reasons[r] = FROM_FORMULA[res.reasons[j]!]!;
      });
    });
  }
  return { text, formulas, errors };
}
