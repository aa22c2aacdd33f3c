// Tokens of the §10 formula language: numbers (with %), names (Chinese or ASCII), operators in ASCII,
// Unicode (× ÷ − ≤ ≥ ≠) and full-width IME forms (（ ） ， ；). Never throws: bad input becomes an error value.

export type TokenKind =
  | 'number'
  | 'name'
  | 'keyword' // and, or, not (any letter case)
  | 'op' // + - * / < <= > >= == !=
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'assign' // =
  | 'separator' // ; or a line break (the parser decides when a break only continues a formula)
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** Normalised text: '×' arrives as '*', '（' as '(', a keyword in lower case. */
  value: string;
  /** The characters as the user typed them. */
  text: string;
  /** Parsed value of a number token ('0.5%' → 0.005). */
  number?: number;
  /** UTF-16 offset and length, for editor highlighting. */
  offset: number;
  length: number;
  /** 1-based line and column; the column counts characters (code points), not UTF-16 units. */
  line: number;
  column: number;
}

/** Everything that can go wrong in a formula text, lexing to evaluation-time column checks. */
export type FormulaErrorCode =
  | 'unexpected-character'
  | 'invalid-number'
  | 'unexpected-token'
  | 'unexpected-end'
  | 'expected-closing-paren'
  | 'expected-assignment'
  | 'chained-comparison'
  | 'nesting-too-deep'
  | 'empty-formula'
  | 'no-formulas'
  | 'unknown-function'
  | 'wrong-arity'
  | 'type-mismatch'
  | 'not-poolable'
  | 'reserved-name'
  | 'unknown-indicator'
  | 'duplicate-name'
  | 'self-reference'
  | 'use-before-definition'
  | 'missing-column'
  | 'column-length';

export interface FormulaError {
  code: FormulaErrorCode;
  /** English text for the CLI and logs; `describeFormulaError` gives zh-CN or en for the UI. */
  message: string;
  line: number;
  column: number;
  /** The offending token as typed ('' at the end of the text). */
  token: string;
  /** What would have been accepted here, as the user would type it: ["')'", "','"]. */
  expected: string[];
  offset: number;
  length: number;
  /** Values the message was built from (names, counts), for the localised text. */
  params?: Record<string, string | number>;
}

export const KEYWORDS: ReadonlySet<string> = new Set(['and', 'or', 'not']);

// IME and typographic forms mapped to the ASCII token they stand for.
const SYMBOLS: ReadonlyMap<string, [TokenKind, string]> = new Map([
  ['+', ['op', '+']], ['＋', ['op', '+']],
  ['-', ['op', '-']], ['−', ['op', '-']], ['－', ['op', '-']],
  ['*', ['op', '*']], ['×', ['op', '*']], ['＊', ['op', '*']], ['·', ['op', '*']],
  ['/', ['op', '/']], ['÷', ['op', '/']], ['／', ['op', '/']],
  ['≤', ['op', '<=']], ['≥', ['op', '>=']], ['≠', ['op', '!=']],
  ['<', ['op', '<']], ['>', ['op', '>']], ['＜', ['op', '<']], ['＞', ['op', '>']],
  ['(', ['lparen', '(']], ['（', ['lparen', '(']],
  [')', ['rparen', ')']], ['）', ['rparen', ')']],
  [',', ['comma', ',']], ['，', ['comma', ',']], ['、', ['comma', ',']],
  [';', ['separator', ';']], ['；', ['separator', ';']],
  ['=', ['assign', '=']], ['＝', ['assign', '=']],
] as [string, [TokenKind, string]][]);

const TWO_CHAR_OPS: ReadonlyMap<string, string> = new Map([
  ['<=', '<='], ['>=', '>='], ['==', '=='], ['!=', '!='], ['＜＝', '<='], ['＞＝', '>='], ['＝＝', '=='],
]);

const NAME_START = /[\p{L}_]/u;
const NAME_PART = /[\p{L}\p{N}_]/u;
const DIGIT = /[0-9]/;

export interface LexResult {
  tokens: Token[];
  errors: FormulaError[];
}

/**
 * Splits a formula text into tokens. Every line break becomes a separator token; `#` starts a comment
 * to the end of the line.
 */
export function lex(source: string): LexResult {
  const tokens: Token[] = [];
  const errors: FormulaError[] = [];
  const chars = Array.from(source); // code points, so a column counts what the user sees
  let i = 0;
  let offset = 0;
  let line = 1;
  let column = 1;

  // never called across a line break: those are counted where they are lexed
  const advance = (count: number): void => {
    for (let k = 0; k < count && i < chars.length; k++) {
      offset += chars[i++].length;
      column++;
    }
  };
  const push = (kind: TokenKind, value: string, text: string, start: { offset: number; line: number; column: number }, number?: number): void => {
    tokens.push({ kind, value, text, offset: start.offset, length: text.length, line: start.line, column: start.column, ...(number === undefined ? {} : { number }) });
  };

  while (i < chars.length) {
    const c = chars[i];
    const start = { offset, line, column };

    if (c === '\r' && chars[i + 1] === '\n') {
      // \r\n is one break: step over the \r and let the \n below count the line
      i++;
      offset++;
      continue;
    }
    if (c === '\n' || c === '\r') {
      i++;
      offset++;
      line++;
      column = 1;
      push('separator', '\n', c, start);
      continue;
    }
    if (/\s/u.test(c)) {
      advance(1);
      continue;
    }
    if (c === '#') {
      while (i < chars.length && chars[i] !== '\n' && chars[i] !== '\r') advance(1);
      continue;
    }
    if (DIGIT.test(c) || (c === '.' && DIGIT.test(chars[i + 1] ?? ''))) {
      let j = i;
      while (j < chars.length && DIGIT.test(chars[j])) j++;
      let bad = false;
      if (chars[j] === '.') {
        j++;
        if (!DIGIT.test(chars[j] ?? '')) bad = true;
        while (j < chars.length && DIGIT.test(chars[j])) j++;
      }
      // 1e5 is allowed; 1e alone is not a number
      if ((chars[j] === 'e' || chars[j] === 'E') && (DIGIT.test(chars[j + 1] ?? '') || (/[+-]/.test(chars[j + 1] ?? '') && DIGIT.test(chars[j + 2] ?? '')))) {
        j += 2;
        while (j < chars.length && DIGIT.test(chars[j])) j++;
      }
      // a second decimal point or letters glued to the digits ("1.2.3", "3x") make one bad token
      while (j < chars.length && (chars[j] === '.' || NAME_PART.test(chars[j]))) {
        bad = true;
        j++;
      }
      let digits = chars.slice(i, j).join('');
      const percent = chars[j] === '％' || chars[j] === '%';
      if (percent) j++;
      const text = chars.slice(i, j).join('');
      advance(j - i);
      if (bad) {
        errors.push(makeError('invalid-number', `"${text}" is not a number`, start, text, ['a number such as 12, 0.5 or 0.5%'], { text }));
        push('number', text, text, start, NaN);
        continue;
      }
      if (percent) digits = `${digits}e-2`; // Number('0.5e-2') rounds once, unlike 0.5 / 100
      const number = Number(digits);
      if (!Number.isFinite(number)) errors.push(makeError('invalid-number', `${text} is too large`, start, text, ['a number below 1e308'], { text }));
      push('number', text, text, start, number);
      continue;
    }
    if (NAME_START.test(c)) {
      let j = i + 1;
      while (j < chars.length && NAME_PART.test(chars[j])) j++;
      const text = chars.slice(i, j).join('');
      advance(j - i);
      const lower = text.toLowerCase();
      if (KEYWORDS.has(lower)) push('keyword', lower, text, start);
      else push('name', text, text, start);
      continue;
    }
    const pair = c + (chars[i + 1] ?? '');
    const two = TWO_CHAR_OPS.get(pair);
    if (two) {
      advance(2);
      push('op', two, pair, start);
      continue;
    }
    const sym = SYMBOLS.get(c);
    if (sym) {
      advance(1);
      push(sym[0], sym[1], c, start);
      continue;
    }
    advance(1);
    const hint = c === '%' ? ['a number before %'] : c === '!' ? ["'!='", "'not'"] : c === '^' ? ['sqrt(…) or cbrt(…) for roots'] : [];
    errors.push(makeError('unexpected-character', `unexpected character "${c}"`, start, c, hint, { char: c }));
  }
  tokens.push({ kind: 'eof', value: '', text: '', offset, length: 0, line, column });
  return { tokens, errors };
}

export function makeError(
  code: FormulaErrorCode,
  message: string,
  at: { offset: number; line: number; column: number },
  token: string,
  expected: string[],
  params?: Record<string, string | number>,
): FormulaError {
  return { code, message, line: at.line, column: at.column, token, expected, offset: at.offset, length: token.length, ...(params ? { params } : {}) };
}

/** An error located at a token. */
export function errorAt(code: FormulaErrorCode, message: string, token: Token, expected: string[] = [], params?: Record<string, string | number>): FormulaError {
  // a line break is reported as an empty token at the end of its line, like the end of the text
  return makeError(code, message, token, token.kind === 'separator' && token.value === '\n' ? '' : token.text, expected, params);
}

/** True for characters that may continue a name; the completion scans back over these. */
export function isNamePart(c: string): boolean {
  return NAME_PART.test(c);
}
