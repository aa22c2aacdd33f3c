// Hand-written Pratt parser for §10 formula texts: named definitions → a typed AST, every problem an error value.
// It never evaluates anything and never uses eval/Function; names are resolved later against the indicators.
//
// Grammar (binding power rises down the list; all binary operators associate to the left):
//   program     := sep* [definition (sep+ definition)*] sep*          sep := ';' | line break
//   definition  := NAME '=' expr
//   expr        := expr 'or' expr                                      (1)
//                | expr 'and' expr                                     (2)
//                | 'not' expr                                          (3, prefix)
//                | sum CMP sum          CMP ∈ < <= > >= == != (≤ ≥ ≠); a < b < c is an error   (4)
//                | sum
//   sum         := term (('+' | '-') term)*                             (5)
//   term        := unary (('*' | '/') unary)*                           (6)
//   unary       := ('-' | '+') unary | primary                          (7)
//   primary     := NUMBER ['%'] | NAME | NAME '(' [expr (',' expr)*] ')' | '(' expr ')'
// Types: every expression is a number or a condition. Comparisons make conditions; and/or/not take
// conditions; if(cond, a, b) is the only place a condition becomes a number again — so comparisons
// are in practice usable only inside if(). A definition must be a number.
// A line break after a binary operator, or inside parentheses, continues the formula — unless the next
// line starts with `name =`, which always begins a new definition ('=' never occurs inside an
// expression). So an unclosed '(' is reported at its line's end instead of swallowing the text below.
import { errorAt, KEYWORDS, lex, makeError, type FormulaError, type Token } from './formula-lexer.ts';

export interface Span {
  offset: number;
  length: number;
  line: number;
  column: number;
}

export type BinaryOp = '+' | '-' | '*' | '/' | '<' | '<=' | '>' | '>=' | '==' | '!=' | 'and' | 'or';

export type Expr =
  | { kind: 'number'; value: number; at: Span; text: string }
  | { kind: 'name'; name: string; at: Span }
  | { kind: 'unary'; op: '-' | '+' | 'not'; operand: Expr; at: Span }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; at: Span }
  | { kind: 'call'; fn: FunctionName; args: Expr[]; at: Span; text: string };

export interface Definition {
  name: string;
  at: Span;
  expr: Expr;
  /** The formula's right-hand side as typed, for display beside the result. */
  source: string;
}

export interface ParsedProgram {
  definitions: Definition[];
  errors: FormulaError[];
  /** Names whose definitions failed to parse: later uses of them are not "unknown" but broken. */
  brokenNames: Set<string>;
}

export type ValueType = 'number' | 'condition';

export type FunctionName = 'min' | 'max' | 'sqrt' | 'cbrt' | 'ln' | 'clamp' | 'if' | 'mean' | 'total' | 'sum' | 'pooled';

export interface FunctionInfo {
  name: FunctionName;
  /** 'peer' functions reduce over the peer units to one number; 'pooled' takes a ratio indicator's name. */
  kind: 'math' | 'if' | 'peer' | 'pooled';
  minArgs: number;
  maxArgs: number;
  signature: string;
  en: string;
  zh: string;
}

export const FUNCTIONS: ReadonlyMap<string, FunctionInfo> = new Map(
  (
    [
      { name: 'min', kind: 'math', minArgs: 2, maxArgs: Infinity, signature: 'min(a, b, …)', en: 'smallest of the values (of this unit)', zh: '取最小值（本单元）' },
      { name: 'max', kind: 'math', minArgs: 2, maxArgs: Infinity, signature: 'max(a, b, …)', en: 'largest of the values (of this unit)', zh: '取最大值（本单元）' },
      { name: 'sqrt', kind: 'math', minArgs: 1, maxArgs: 1, signature: 'sqrt(x)', en: 'square root; n/a below 0', zh: '平方根；小于 0 时无法计算' },
      { name: 'cbrt', kind: 'math', minArgs: 1, maxArgs: 1, signature: 'cbrt(x)', en: 'cube root', zh: '立方根' },
      { name: 'ln', kind: 'math', minArgs: 1, maxArgs: 1, signature: 'ln(x)', en: 'natural logarithm; n/a at 0 or below', zh: '自然对数；小于等于 0 时无法计算' },
      { name: 'clamp', kind: 'math', minArgs: 3, maxArgs: 3, signature: 'clamp(x, lo, hi)', en: 'x kept between lo and hi', zh: '将 x 限制在 lo 与 hi 之间' },
      { name: 'if', kind: 'if', minArgs: 3, maxArgs: 3, signature: 'if(condition, a, b)', en: 'a where the condition holds, else b', zh: '条件成立取 a，否则取 b' },
      { name: 'mean', kind: 'peer', minArgs: 1, maxArgs: 1, signature: 'mean(x)', en: 'mean of x over the peer units', zh: '同类单元 x 的平均值' },
      { name: 'total', kind: 'peer', minArgs: 1, maxArgs: 1, signature: 'total(x)', en: 'sum of x over the peer units', zh: '同类单元 x 的合计' },
      { name: 'sum', kind: 'peer', minArgs: 1, maxArgs: 1, signature: 'sum(x)', en: 'same as total(x)', zh: '同 total(x)' },
      { name: 'pooled', kind: 'pooled', minArgs: 1, maxArgs: 1, signature: 'pooled(CMI)', en: 'a ratio over all peers together: Σ numerator ÷ Σ denominator', zh: '全部同类单元合并计算的比值：Σ分子 ÷ Σ分母' },
    ] satisfies FunctionInfo[]
  ).map((f) => [f.name, f]),
);

/** Function names and keywords cannot name a formula. */
export function isReservedName(name: string): boolean {
  const lower = name.toLowerCase();
  return FUNCTIONS.has(lower) || KEYWORDS.has(lower);
}

const INFIX: ReadonlyMap<string, number> = new Map([
  ['or', 1], ['and', 2],
  ['<', 4], ['<=', 4], ['>', 4], ['>=', 4], ['==', 4], ['!=', 4],
  ['+', 5], ['-', 5], ['*', 6], ['/', 6],
]);
const COMPARISON_BP = 4;
const NOT_BP = 3;
const UNARY_BP = 7;
/** Deeper nesting than this is refused rather than risking the call stack. */
export const MAX_NESTING = 200;
const START_OF_VALUE = ['a number', 'a name', "'('", "'-'"];

// Internal only: unwinds one definition's parse; always caught in this file.
class Stop {
  constructor(readonly error: FormulaError) {}
}

class Parser {
  private pos = 0;
  private level = 0;
  private parens = 0;
  private currentName: string | undefined;
  private readonly depths = new WeakMap<Expr, number>();
  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
    private readonly lexErrors: FormulaError[] = [],
  ) {}

  peek(): Token {
    while (this.parens > 0 && this.isContinuation(this.pos)) this.pos++;
    return this.tokens[this.pos];
  }
  /** A line break that does not start a new `name =` definition. */
  isContinuation(pos: number): boolean {
    const t = this.tokens[pos];
    if (t.kind !== 'separator' || t.value !== '\n') return false;
    let k = pos + 1;
    while (this.tokens[k].kind === 'separator' && this.tokens[k].value === '\n') k++;
    return !(this.tokens[k].kind === 'name' && this.tokens[k + 1]?.kind === 'assign');
  }
  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }
  atEnd(): boolean {
    const t = this.peek();
    return t.kind === 'eof' || t.kind === 'separator';
  }
  skipSeparators(): void {
    while (this.peek().kind === 'separator') this.pos++;
  }
  /** After a binary operator: line breaks continue the formula (unless a definition follows). */
  skipContinuations(): void {
    while (this.isContinuation(this.pos)) this.pos++;
  }
  /** Skips to the next definition after an error: past a ';' or to a line that starts `name =`. */
  recover(): void {
    this.parens = 0;
    for (;;) {
      const t = this.tokens[this.pos];
      if (t.kind === 'eof' || (t.kind === 'separator' && (t.value === ';' || !this.isContinuation(this.pos)))) return;
      this.pos++;
    }
  }

  program(): ParsedProgram {
    const definitions: Definition[] = [];
    const errors: FormulaError[] = [];
    const brokenNames = new Set<string>();
    this.skipSeparators();
    let statements = 0;
    while (this.peek().kind !== 'eof') {
      statements++;
      const start = this.peek().offset;
      let definition: Definition | undefined;
      let error: FormulaError | undefined;
      this.currentName = undefined;
      this.level = 0;
      this.parens = 0;
      try {
        definition = this.definition();
      } catch (e) {
        if (!(e instanceof Stop)) throw e;
        error = e.error;
        if (this.currentName !== undefined) brokenNames.add(this.currentName);
        this.recover();
      }
      // A bad character or number already has its error; what the parser makes of the rest is noise.
      const end = this.peek().offset;
      const lexedBadly = this.lexErrors.some((l) => l.offset >= start && l.offset < end);
      if (!lexedBadly) {
        if (definition) definitions.push(definition);
        else if (this.currentName !== undefined) brokenNames.add(this.currentName);
        if (error) errors.push(error);
      }
      this.skipSeparators();
    }
    if (statements === 0 && this.lexErrors.length === 0) {
      const eof = this.peek();
      errors.push(errorAt('no-formulas', 'the text holds no formula; write one as: name = expression', eof, ['name = expression']));
    }
    return { definitions, errors, brokenNames };
  }

  definition(): Definition {
    const nameTok = this.next();
    if (nameTok.kind !== 'name') {
      throw new Stop(errorAt('unexpected-token', `a formula starts with its name, not "${nameTok.text}"`, nameTok, ['a formula name']));
    }
    const eqIndex = this.pos;
    const eq = this.peek();
    if (eq.kind !== 'assign') {
      const got = eq.kind === 'eof' || eq.kind === 'separator' ? 'the end of the line' : `"${eq.text}"`;
      throw new Stop(errorAt('expected-assignment', `expected '=' after the formula name ${nameTok.text}, found ${got}`, eq, ["'='"], { name: nameTok.text }));
    }
    this.next();
    this.currentName = nameTok.value;
    if (isReservedName(nameTok.value)) {
      throw new Stop(errorAt('reserved-name', `${nameTok.text} is a function name and cannot name a formula`, nameTok, ['another name'], { name: nameTok.text }));
    }
    if (this.atEnd()) {
      throw new Stop(errorAt('empty-formula', `the formula ${nameTok.text} has nothing after '='`, this.peek(), START_OF_VALUE, { name: nameTok.text }));
    }
    const expr = this.expression(0);
    const after = this.peek();
    if (!this.atEnd()) {
      const message = after.kind === 'rparen' ? `")" has no matching "("` : `unexpected "${after.text}" after a complete expression`;
      throw new Stop(errorAt('unexpected-token', message, after, ['an operator', "';' or a new line"]));
    }
    const typeError = expectType(expr, 'number');
    if (typeError) throw new Stop(typeError);
    const last = this.tokens[this.pos - 1]; // the closing ')' of "(a + b)" is not part of the node
    const source = this.source.slice(this.tokens[eqIndex + 1].offset, last.offset + last.length);
    return { name: nameTok.value, at: span(nameTok), expr, source };
  }

  expression(minBp: number): Expr {
    if (++this.level > MAX_NESTING) throw new Stop(errorAt('nesting-too-deep', `the formula nests deeper than ${MAX_NESTING} levels`, this.peek(), [], { max: MAX_NESTING }));
    const left = this.infix(this.prefix(), minBp);
    this.level--;
    return left;
  }

  /** Records a node's depth; a long chain a+a+…+a is deep without any recursion in the parser. */
  node(e: Expr, token: Token, ...children: Expr[]): Expr {
    let depth = 0;
    for (const c of children) depth = Math.max(depth, this.depths.get(c) ?? 0);
    if (depth + 1 > MAX_NESTING) throw new Stop(errorAt('nesting-too-deep', `the formula nests deeper than ${MAX_NESTING} levels`, token, [], { max: MAX_NESTING }));
    this.depths.set(e, depth + 1);
    return e;
  }

  infix(first: Expr, minBp: number): Expr {
    let left = first;
    for (;;) {
      const t = this.peek();
      const bp = t.kind === 'op' || t.kind === 'keyword' ? INFIX.get(t.value) : undefined;
      if (bp === undefined || bp <= minBp) break;
      this.next();
      this.skipContinuations(); // "a +⏎ b" continues on the next line
      const right = this.expression(bp);
      left = this.node({ kind: 'binary', op: t.value as BinaryOp, left, right, at: span(t) }, t, left, right);
      if (bp === COMPARISON_BP) {
        const again = this.peek();
        if (again.kind === 'op' && INFIX.get(again.value) === COMPARISON_BP) {
          throw new Stop(errorAt('chained-comparison', `comparisons cannot be chained; write (a ${t.value} b) and (b ${again.value} c)`, again, ["'and'", "'or'", "')'", "','"]));
        }
      }
    }
    return left;
  }

  prefix(): Expr {
    const end = this.peek();
    // not consumed: the line break is where the next definition starts
    if (end.kind === 'eof' || end.kind === 'separator') throw new Stop(errorAt('unexpected-end', 'the formula ends where a value was expected', end, START_OF_VALUE));
    const t = this.next();
    switch (t.kind) {
      case 'number':
        return { kind: 'number', value: t.number ?? NaN, at: span(t), text: t.text };
      case 'name':
        return this.peek().kind === 'lparen' ? this.call(t) : { kind: 'name', name: t.value, at: span(t) };
      case 'lparen': {
        this.parens++;
        const inner = this.expression(0);
        this.closeParen(t);
        return inner;
      }
      case 'op':
        if (t.value === '-' || t.value === '+') {
          this.skipContinuations();
          const operand = this.expression(UNARY_BP - 1);
          return this.node({ kind: 'unary', op: t.value, operand, at: span(t) }, t, operand);
        }
        break;
      case 'keyword':
        if (t.value === 'not') {
          const operand = this.expression(NOT_BP - 1);
          return this.node({ kind: 'unary', op: 'not', operand, at: span(t) }, t, operand);
        }
        break;
      default:
        break;
    }
    throw new Stop(errorAt('unexpected-token', `unexpected "${t.text}" where a value was expected`, t, START_OF_VALUE));
  }

  closeParen(open: Token): void {
    const t = this.peek();
    if (t.kind === 'rparen') {
      this.next();
      this.parens--;
      return;
    }
    const found = t.kind === 'eof' ? 'the end of the text' : t.kind === 'separator' && t.value === '\n' ? 'a line break' : `"${t.text}"`;
    throw new Stop(
      errorAt('expected-closing-paren', `expected ')' to close the '(' at line ${open.line}, column ${open.column}; found ${found}`, t, ["')'"], {
        openLine: open.line,
        openColumn: open.column,
      }),
    );
  }

  call(nameTok: Token): Expr {
    const open = this.next(); // '('
    this.parens++;
    const args: Expr[] = [];
    if (this.peek().kind !== 'rparen') {
      for (;;) {
        args.push(this.expression(0));
        if (this.peek().kind !== 'comma') break;
        this.next();
      }
    }
    const close = this.peek();
    if (close.kind !== 'rparen') {
      if (close.kind === 'eof' || close.kind === 'separator') this.closeParen(open);
      throw new Stop(errorAt('expected-closing-paren', `expected ',' or ')' in ${nameTok.text}(…), found "${close.text}"`, close, ["','", "')'"], { openLine: open.line, openColumn: open.column }));
    }
    this.next();
    this.parens--;
    const info = FUNCTIONS.get(nameTok.value.toLowerCase());
    if (!info) {
      throw new Stop(errorAt('unknown-function', `unknown function ${nameTok.text}(…)`, nameTok, [...FUNCTIONS.keys()].map((f) => `${f}(`), { name: nameTok.text }));
    }
    if (args.length < info.minArgs || args.length > info.maxArgs) {
      const want = info.maxArgs === Infinity ? `at least ${info.minArgs}` : `${info.minArgs}`;
      const hint = info.kind === 'math' && info.maxArgs === Infinity && args.length === 1 ? ' (for the peer units use mean(…) or total(…))' : '';
      throw new Stop(
        errorAt('wrong-arity', `${info.name}(…) takes ${want} argument${want === '1' ? '' : 's'}, found ${args.length}${hint}`, nameTok, [info.signature], {
          name: info.name,
          min: info.minArgs,
          max: info.maxArgs === Infinity ? -1 : info.maxArgs,
          found: args.length,
        }),
      );
    }
    if (info.kind === 'pooled' && args[0].kind !== 'name') {
      throw new Stop(makeError('not-poolable', `pooled(…) takes the name of a ratio indicator such as CMI`, args[0].at, exprText(this.source, args[0]), ['a ratio indicator such as CMI']));
    }
    const at = span(nameTok);
    return this.node({ kind: 'call', fn: info.name, args, at, text: this.source.slice(nameTok.offset, close.offset + close.length) }, nameTok, ...args);
  }
}

function span(t: Token): Span {
  return { offset: t.offset, length: t.length, line: t.line, column: t.column };
}

function endOffset(e: Expr): number {
  switch (e.kind) {
    case 'number':
    case 'name':
      return e.at.offset + e.at.length;
    case 'call':
      return e.at.offset + e.text.length;
    case 'unary':
      return endOffset(e.operand);
    case 'binary':
      return endOffset(e.right);
  }
}

function startOffset(e: Expr): number {
  return e.kind === 'binary' ? startOffset(e.left) : e.at.offset;
}

function exprText(source: string, e: Expr): string {
  return source.slice(startOffset(e), endOffset(e));
}

/** The type an expression yields, or the first type error inside it. */
export function typeOf(e: Expr): ValueType | FormulaError {
  switch (e.kind) {
    case 'number':
    case 'name':
      return 'number';
    case 'unary':
      return expectType(e.operand, e.op === 'not' ? 'condition' : 'number') ?? (e.op === 'not' ? 'condition' : 'number');
    case 'binary': {
      const operands: ValueType = e.op === 'and' || e.op === 'or' ? 'condition' : 'number';
      const err = expectType(e.left, operands) ?? expectType(e.right, operands);
      if (err) return err;
      return INFIX.get(e.op)! <= COMPARISON_BP ? 'condition' : 'number';
    }
    case 'call': {
      for (let k = 0; k < e.args.length; k++) {
        const err = expectType(e.args[k], e.fn === 'if' && k === 0 ? 'condition' : 'number');
        if (err) return err;
      }
      return 'number';
    }
  }
}

function expectType(e: Expr, want: ValueType): FormulaError | undefined {
  const got = typeOf(e);
  if (typeof got !== 'string') return got;
  if (got === want) return undefined;
  const message =
    want === 'number'
      ? 'a condition (comparison, and/or/not) cannot be used as a number; wrap it as if(condition, a, b)'
      : 'a number cannot be used as a condition; compare it, e.g. x > 0';
  // the error points at the operator that made the condition, or at the start of the number
  const token = e.kind === 'binary' ? e.op : e.kind === 'unary' ? e.op : e.kind === 'number' ? e.text : e.kind === 'name' ? e.name : e.fn;
  return makeError('type-mismatch', message, e.at, token, [want === 'number' ? 'a number' : 'a condition'], { want, got });
}

/** Parses a text of named formulas separated by ';' or line breaks. Never throws. */
export function parseProgram(source: string): ParsedProgram {
  const { tokens, errors } = lex(source);
  const parsed = new Parser(tokens, source, errors).program();
  return { ...parsed, errors: [...errors, ...parsed.errors].sort((a, b) => a.offset - b.offset) };
}

/** Parses one expression (line breaks are plain spacing here). Never throws. */
export function parseExpression(source: string): { expr: Expr | null; errors: FormulaError[] } {
  const lexed = lex(source);
  const tokens = lexed.tokens.filter((t) => !(t.kind === 'separator' && t.value === '\n'));
  const p = new Parser(tokens, source);
  const errors = [...lexed.errors];
  try {
    if (p.peek().kind === 'eof') throw new Stop(errorAt('empty-formula', 'the formula is empty', p.peek(), START_OF_VALUE));
    const expr = p.expression(0);
    if (p.peek().kind !== 'eof') {
      const t = p.peek();
      throw new Stop(errorAt('unexpected-token', t.kind === 'rparen' ? `")" has no matching "("` : `unexpected "${t.text}" after a complete expression`, t, ['an operator', 'the end']));
    }
    const typeError = expectType(expr, 'number');
    if (typeError) throw new Stop(typeError);
    return { expr: errors.length ? null : expr, errors };
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    if (errors.length === 0) errors.push(e.error); // after a lexer error the parse error is noise
    return { expr: null, errors };
  }
}

const ZH_MESSAGES: Record<FormulaError['code'], (e: FormulaError, p: Record<string, string | number>) => string> = {
  'unexpected-character': (e) => `无法识别的字符“${e.token}”`,
  'invalid-number': (e) => `“${e.token}”不是有效的数字`,
  'unexpected-token': (e) => `此处不应出现“${e.token}”，应为：${e.expected.map(zhExpected).join('、')}`,
  'unexpected-end': () => '公式在此处中断，缺少数值',
  'expected-closing-paren': (_e, p) => `缺少“)”，与第 ${p.openLine} 行第 ${p.openColumn} 列的“(”配对`,
  'expected-assignment': (_e, p) => `公式名 ${p.name} 后应为“=”`,
  'chained-comparison': () => '比较不能连写，请写成 (a < b) and (b < c)',
  'nesting-too-deep': (_e, p) => `嵌套超过 ${p.max} 层`,
  'empty-formula': (_e, p) => (p.name === undefined ? '公式为空' : `公式 ${p.name} 的“=”后没有内容`),
  'no-formulas': () => '没有公式；请按“名称 = 表达式”书写',
  'unknown-function': (_e, p) => `未知函数 ${p.name}(…)`,
  'wrong-arity': (_e, p) => `${p.name}(…) 需要${p.max === -1 ? '至少 ' : ' '}${p.min} 个参数，实际为 ${p.found} 个`,
  'type-mismatch': (_e, p) => (p.want === 'number' ? '条件（比较、and/or/not）不能当作数值，请写成 if(条件, a, b)' : '数值不能当作条件，请加比较，例如 x > 0'),
  'not-poolable': (e, p) => `${p.name} 不能合并计算；pooled(…) 可用于：${e.expected.join('、') || '无'}`,
  'reserved-name': (_e, p) => `${p.name} 是函数名，不能用作公式名`,
  'unknown-indicator': (_e, p) => `未知的指标或公式“${p.name}”${p.suggestion === undefined ? '' : `，是否应为 ${p.suggestion}？`}`,
  'duplicate-name': (_e, p) => (p.line === undefined ? `${p.name} 已是指标名，请给公式另取名称` : `${p.name} 已在第 ${p.line} 行定义`),
  'self-reference': (_e, p) => `${p.name} 不能引用自身`,
  'use-before-definition': (_e, p) => `${p.name} 在后面第 ${p.line} 行才定义，请把该公式移到本行之前`,
  'missing-column': (_e, p) => `缺少指标 ${p.name} 的数据`,
  'column-length': (_e, p) => `指标 ${p.name} 有 ${p.found} 个值，应为 ${p.want} 个`,
};

const ZH_EXPECTED: Record<string, string> = {
  'a number': '数字',
  'a name': '名称',
  'an operator': '运算符',
  "';' or a new line": '“;”或换行',
  'a formula name': '公式名',
  'the end': '结尾',
};
const zhExpected = (s: string): string => ZH_EXPECTED[s] ?? s;

/** An error as one line for the UI: where, then what, in zh-CN or en. */
export function describeFormulaError(e: FormulaError, locale: 'zh-CN' | 'en', withLocation = true): string {
  const what = locale === 'en' ? e.message : ZH_MESSAGES[e.code](e, e.params ?? {});
  if (!withLocation) return what;
  return locale === 'en' ? `line ${e.line}, column ${e.column}: ${what}` : `第 ${e.line} 行第 ${e.column} 列：${what}`;
}
