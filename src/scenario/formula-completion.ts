// Completion for the formula editor: what may be typed at the cursor — indicators, functions, earlier formulas.
// Works on half-typed, broken text; it only reads tokens and never reports errors (the parser does that).
import { EVALUATION_INDICATORS, FORMULA_LABELS, INDICATOR_RATIOS, type IndicatorInfo } from './composite-presets.ts';
import type { FormulaLocale, RatioDefinition } from './formula-evaluator.ts';
import { isNamePart, KEYWORDS, lex, type Token } from './formula-lexer.ts';
import { FUNCTIONS } from './formula-parser.ts';

export interface CompletionCandidate {
  /** What the list shows. */
  label: string;
  /** What replaces text[from, to): a function comes with its '('. */
  insert: string;
  kind: 'formula' | 'indicator' | 'function' | 'keyword';
  /** A short explanation in the requested language (English name, signature, alias). */
  detail: string;
}

export interface CompletionResult {
  /** UTF-16 offsets of the word being completed (the whole word under the cursor). */
  from: number;
  to: number;
  prefix: string;
  candidates: CompletionCandidate[];
}

export interface CompletionOptions {
  /** The indicators the data supplies (default: all §5 indicators). */
  indicators?: readonly IndicatorInfo[];
  ratios?: ReadonlyMap<string, RatioDefinition>;
  locale?: FormulaLocale;
  limit?: number;
}

/** Candidates for the word at `cursor` (a UTF-16 offset, as a textarea's selectionStart gives). */
export function completeFormula(text: string, cursor: number, options: CompletionOptions = {}): CompletionResult {
  const at = Math.max(0, Math.min(cursor, text.length));
  const { from, to } = wordAround(text, at);
  const prefix = text.slice(from, at);
  const none: CompletionResult = { from, to, prefix, candidates: [] };
  if (/^[0-9]/.test(prefix) || inComment(text, from)) return none;

  // Tokens of the current formula up to the word; a text before its '=' is a new name, not a use.
  const before = lex(text.slice(0, from)).tokens.filter((t) => t.kind !== 'eof');
  let start = before.length;
  while (start > 0 && before[start - 1].kind !== 'separator') start--;
  const statement = before.slice(start);
  if (!statement.some((t) => t.kind === 'assign')) return none;

  const locale = options.locale ?? 'en';
  const indicators = options.indicators ?? EVALUATION_INDICATORS;
  const ratios = options.ratios ?? INDICATOR_RATIOS;
  const lowerPrefix = prefix.toLowerCase();
  const ranked: { rank: number; order: number; c: CompletionCandidate }[] = [];
  const offer = (c: CompletionCandidate, keys: string[]): void => {
    const order = ranked.length;
    if (!lowerPrefix) return void ranked.push({ rank: 0, order, c });
    const lower = keys.map((k) => k.toLowerCase());
    if (lower[0].startsWith(lowerPrefix)) ranked.push({ rank: 0, order, c });
    else if (lower.some((k) => k.startsWith(lowerPrefix))) ranked.push({ rank: 1, order, c });
    else if (lower.some((k) => k.includes(lowerPrefix))) ranked.push({ rank: 2, order, c });
  };
  const describe = (i: IndicatorInfo): string => (locale === 'en' ? `${i.en} · ${i.alias}` : i.alias);

  // Inside pooled( only ratio indicators make sense.
  const last = statement[statement.length - 1];
  const beforeLast = statement[statement.length - 2];
  if (last?.kind === 'lparen' && beforeLast?.kind === 'name' && beforeLast.value.toLowerCase() === 'pooled') {
    for (const i of indicators) {
      const r = ratios.get(i.name);
      if (r) offer({ label: i.name, insert: i.name, kind: 'indicator', detail: `${describe(i)} = ${r.numerator} ÷ ${r.denominator}` }, [i.name, i.alias, i.en]);
    }
    return finish(from, to, prefix, ranked, options.limit);
  }

  for (const name of definedBefore(before.slice(0, start))) {
    const label = FORMULA_LABELS.get(name);
    offer({ label: name, insert: name, kind: 'formula', detail: label ? (locale === 'en' ? label.en : label.zh) : locale === 'en' ? 'formula' : '公式' }, [name, label?.en ?? '']);
  }
  for (const i of indicators) offer({ label: i.name, insert: i.name, kind: 'indicator', detail: describe(i) }, [i.name, i.alias, i.en]);
  for (const f of FUNCTIONS.values()) offer({ label: f.signature, insert: `${f.name}(`, kind: 'function', detail: locale === 'en' ? f.en : f.zh }, [f.name]);
  if (lowerPrefix) for (const k of KEYWORDS) offer({ label: k, insert: k, kind: 'keyword', detail: locale === 'en' ? 'condition, inside if(…)' : '条件，用于 if(…)' }, [k]);
  return finish(from, to, prefix, ranked, options.limit);
}

function finish(from: number, to: number, prefix: string, ranked: { rank: number; order: number; c: CompletionCandidate }[], limit = 50): CompletionResult {
  ranked.sort((a, b) => a.rank - b.rank || a.order - b.order);
  return { from, to, prefix, candidates: ranked.slice(0, limit).map((r) => r.c) };
}

/** The name characters around the cursor, stepping over surrogate pairs whole. */
function wordAround(text: string, at: number): { from: number; to: number } {
  let from = at;
  while (from > 0) {
    const step = from >= 2 && /[\uDC00-\uDFFF]/.test(text[from - 1]) && /[\uD800-\uDBFF]/.test(text[from - 2]) ? 2 : 1;
    if (!isNamePart(text.slice(from - step, from))) break;
    from -= step;
  }
  let to = at;
  while (to < text.length) {
    const step = /[\uD800-\uDBFF]/.test(text[to]) && /[\uDC00-\uDFFF]/.test(text[to + 1] ?? '') ? 2 : 1;
    if (!isNamePart(text.slice(to, to + step))) break;
    to += step;
  }
  return { from, to };
}

function inComment(text: string, at: number): boolean {
  const lineStart = Math.max(text.lastIndexOf('\n', at - 1), text.lastIndexOf('\r', at - 1)) + 1;
  return text.slice(lineStart, at).includes('#');
}

/** Names defined as `name =` at the start of an earlier formula. */
function definedBefore(tokens: Token[]): string[] {
  const names: string[] = [];
  let atStart = true;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (atStart && t.kind === 'name' && tokens[k + 1]?.kind === 'assign' && !names.includes(t.value)) names.push(t.value);
    atStart = t.kind === 'separator';
  }
  return names;
}
