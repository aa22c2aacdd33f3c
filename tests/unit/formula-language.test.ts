// §10 formula language and the §5 composite presets: grammar, every error kind with its location,
// evaluation with n/a reasons, peer statistics, the §12 seed facts, completion, and a seeded fuzz run.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lex, type FormulaError, type FormulaErrorCode } from '../../src/scenario/formula-lexer.ts';
import { describeFormulaError, parseExpression, parseProgram, MAX_NESTING, type Expr } from '../../src/scenario/formula-parser.ts';
import {
  compileFormulas,
  evaluateFormulas,
  formatFormulaValue,
  NA_REASONS,
  reasonOf,
  runFormulas,
  type FormulaInputs,
  type FormulaResult,
} from '../../src/scenario/formula-evaluator.ts';
import {
  COMPOSITE_NAME,
  COMPOSITE_PRESETS,
  evaluationEnvironment,
  GEOMETRIC_COMPOSITE,
  INDICATOR_ALIASES,
  INDICATOR_RATIOS,
  SEED_COMPOSITE,
} from '../../src/scenario/composite-presets.ts';
import { completeFormula } from '../../src/scenario/formula-completion.ts';

/** Fully parenthesised form of an expression, to pin precedence and associativity. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return String(e.value);
    case 'name':
      return e.name;
    case 'unary':
      return e.op === 'not' ? `(not ${show(e.operand)})` : `(${e.op}${show(e.operand)})`;
    case 'binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'call':
      return `${e.fn}(${e.args.map(show).join(', ')})`;
  }
}

function shape(text: string): string {
  const { expr, errors } = parseExpression(text);
  expect(errors).toEqual([]);
  return show(expr!);
}

/** Runs a program over columns keyed by name; fails the test on any error. */
function run(text: string, columns: Record<string, number[]>, extra: Partial<FormulaInputs> = {}): Map<string, FormulaResult> {
  const n = Object.values(columns)[0]?.length ?? 1;
  const cols = Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, Float64Array.from(v)]));
  const { compile, evaluation } = runFormulas(text, { unitCount: n, columns: cols, ...extra }, { aliases: INDICATOR_ALIASES, ratios: INDICATOR_RATIOS });
  expect(compile.errors).toEqual([]);
  if (!evaluation.ok) throw new Error(JSON.stringify(evaluation.errors));
  return evaluation.byName;
}

const value = (text: string): number => [...run(`x = ${text}`, { u: [0] }).get('x')!.values][0];

describe('§10 formula grammar', () => {
  it('precedence: × ÷ before + −, unary minus tightest, comparisons below arithmetic, not/and/or lowest', () => {
    expect(shape('a + b * c')).toBe('(a + (b * c))');
    expect(shape('a * b + c / d')).toBe('((a * b) + (c / d))');
    expect(shape('-a * b')).toBe('((-a) * b)');
    expect(shape('a - -b')).toBe('(a - (-b))');
    expect(shape('(a + b) * c')).toBe('((a + b) * c)');
    expect(shape('if(a + 1 < b * 2, 1, 0)')).toBe('if(((a + 1) < (b * 2)), 1, 0)');
    expect(shape('if(not a > 1 and b < 2 or c == 3, 1, 0)')).toBe('if((((not (a > 1)) and (b < 2)) or (c == 3)), 1, 0)');
    expect(shape('if(a > 0 or b > 1 and c < 1, 1, 0)')).toBe('if(((a > 0) or ((b > 1) and (c < 1))), 1, 0)');
  });

  it('associativity: every binary operator groups to the left', () => {
    expect(shape('a - b - c')).toBe('((a - b) - c)');
    expect(shape('a / b / c')).toBe('((a / b) / c)');
    expect(shape('a / b * c')).toBe('((a / b) * c)');
    expect(value('10 - 4 - 3')).toBe(3);
    expect(value('100 / 10 / 5')).toBe(2);
    expect(value('2 + 3 * 4')).toBe(14);
    expect(value('-2 * 3 + - -1')).toBe(-5);
  });

  it('Unicode and full-width operators mean the same as ASCII', () => {
    expect(shape('a × b ÷ c − d')).toBe(shape('a * b / c - d'));
    expect(value('6 ÷ 3 × 2 − 1')).toBe(3);
    expect(value('（1＋2）×3')).toBe(9);
    expect(value('max（1，2，3）')).toBe(3);
    expect(value('if(1 ≤ 1 and 2 ≥ 3 or 1 ≠ 2, 1, 0)')).toBe(1);
    expect(value('2·3')).toBe(6);
  });

  it('numbers: decimals, exponents and percents (0.5% = 0.005, rounded once)', () => {
    expect(value('0.5%')).toBe(0.005);
    expect(value('50% × 2')).toBe(1);
    expect(value('.25 + 1e2')).toBe(100.25);
    expect(value('0.25％')).toBe(0.0025);
  });

  it('Chinese and ASCII names, with a definition per line or per ;', () => {
    const p = parseProgram('产能 = DRG组数 × CMI; cap_2 = 产能 + 1\n# a comment\n\n综合得分 = cap_2  # trailing comment');
    expect(p.errors).toEqual([]);
    expect(p.definitions.map((d) => [d.name, d.source, d.at.line])).toEqual([
      ['产能', 'DRG组数 × CMI', 1],
      ['cap_2', '产能 + 1', 1],
      ['综合得分', 'cap_2', 4],
    ]);
  });

  it('a formula continues after a binary operator or inside parentheses, not before a new `name =`', () => {
    const p = parseProgram('a = 1 +\n  2\nb = max(1,\n\n  2)\r\nc = a');
    expect(p.errors).toEqual([]);
    expect(p.definitions.map((d) => d.name)).toEqual(['a', 'b', 'c']);
    expect(p.definitions[2].at.line).toBe(6);
    expect(p.definitions[1].source).toBe('max(1,\n\n  2)');
    expect(parseProgram('x = (1 + 2)  # sum').definitions[0].source).toBe('(1 + 2)');
    const open = parseProgram('a = min(1, 2\nb = 3');
    expect(open.errors.map((e) => [e.code, e.line, e.column])).toEqual([['expected-closing-paren', 1, 13]]);
    expect(open.definitions.map((d) => d.name)).toEqual(['b']);
  });

  it('function names and keywords are case-insensitive; indicator names are not', () => {
    expect(value('MAX(1, SQRT(16))')).toBe(4);
    expect(value('If(1 > 0 AND NOT 1 > 2, 5, 6)')).toBe(5);
    expect(compileFormulas('x = cmI', evaluationEnvironment()).errors[0].code).toBe('unknown-indicator');
  });

  it('columns count characters: a Chinese name is one column per character', () => {
    const [e] = parseProgram('产能 = 广度 @ 2').errors;
    expect([e.line, e.column, e.offset]).toEqual([1, 9, 8]);
    const astral = parseProgram('a = 𝑥 @');
    expect(astral.errors.at(-1)!.column).toBe(7); // 𝑥 is two UTF-16 units but one character
  });
});

interface ErrorCase {
  text: string;
  at: [line: number, column: number];
  token: string;
  expected?: string[];
  /** For the evaluation-time kinds. */
  inputs?: FormulaInputs;
}

// Typed as a Record over the code union: the compiler fails this file if a kind has no case.
const ERROR_CASES: Record<FormulaErrorCode, ErrorCase> = {
  'unexpected-character': { text: 'a = 1\nb = 2 $ 3', at: [2, 7], token: '$' },
  'invalid-number': { text: 'a = 1.2.3', at: [1, 5], token: '1.2.3', expected: ['a number such as 12, 0.5 or 0.5%'] },
  'unexpected-token': { text: 'a = 1 * * 2', at: [1, 9], token: '*', expected: ['a number', 'a name', "'('", "'-'"] },
  'unexpected-end': { text: 'a = 1 +', at: [1, 8], token: '', expected: ['a number', 'a name', "'('", "'-'"] },
  'expected-closing-paren': { text: 'a = 1\nb = (CMI + 1', at: [2, 13], token: '', expected: ["')'"] },
  'expected-assignment': { text: 'a = 1\n产能 CMI', at: [2, 4], token: 'CMI', expected: ["'='"] },
  'chained-comparison': { text: 'a = if(1 < CMI < 3, 1, 0)', at: [1, 16], token: '<', expected: ["'and'", "'or'", "')'", "','"] },
  'nesting-too-deep': { text: `a = ${'('.repeat(MAX_NESTING + 5)}1${')'.repeat(MAX_NESTING + 5)}`, at: [1, 5 + MAX_NESTING], token: '(' },
  'empty-formula': { text: 'a = 1\n效率 =   \nc = 2', at: [2, 8], token: '', expected: ['a number', 'a name', "'('", "'-'"] },
  'no-formulas': { text: '  # only a comment\n', at: [2, 1], token: '', expected: ['name = expression'] },
  'unknown-function': { text: 'a = 1 + average(CMI)', at: [1, 9], token: 'average' },
  'wrong-arity': { text: 'a = clamp(CMI, 0)', at: [1, 5], token: 'clamp', expected: ['clamp(x, lo, hi)'] },
  'type-mismatch': { text: 'a = 1 + (CMI > 1)', at: [1, 14], token: '>', expected: ['a number'] },
  'not-poolable': { text: 'a = pooled(DRG组数)', at: [1, 12], token: 'DRG组数', expected: ['CMI', '入组率', '低风险组死亡率', '中低风险组死亡率'] },
  'reserved-name': { text: 'mean = 1', at: [1, 1], token: 'mean', expected: ['another name'] },
  'unknown-indicator': { text: 'a = 1\nb = CMl × 2', at: [2, 5], token: 'CMl', expected: ['CMI'] },
  'duplicate-name': { text: 'a = 1\nb = 2\na = 3', at: [3, 1], token: 'a', expected: ['another name'] },
  'self-reference': { text: '产能 = 1 + 产能', at: [1, 10], token: '产能' },
  'use-before-definition': { text: 'a = b + 1\nb = 2', at: [1, 5], token: 'b' },
  'missing-column': {
    text: 'a = 1\nb = a + 总权重',
    at: [2, 9],
    token: '总权重',
    inputs: { unitCount: 1, columns: { CMI: Float64Array.of(1) } },
  },
  'column-length': {
    text: 'a = CMI',
    at: [1, 5],
    token: 'CMI',
    inputs: { unitCount: 2, columns: { CMI: Float64Array.of(1) } },
  },
};

function errorsOf(c: ErrorCase): FormulaError[] {
  const compiled = compileFormulas(c.text, evaluationEnvironment());
  if (!c.inputs) return compiled.errors;
  expect(compiled.errors).toEqual([]);
  const evaluation = evaluateFormulas(compiled.program, c.inputs);
  return evaluation.ok ? [] : evaluation.errors;
}

describe('§10 formula errors are values that point at the token', () => {
  for (const [code, c] of Object.entries(ERROR_CASES) as [FormulaErrorCode, ErrorCase][]) {
    it(`${code} at line ${c.at[0]}, column ${c.at[1]}`, () => {
      const errors = errorsOf(c);
      expect(errors.map((e) => e.code)).toEqual([code]);
      const [e] = errors;
      expect([e.line, e.column]).toEqual(c.at);
      expect(e.token).toBe(c.token);
      if (c.expected) expect(e.expected).toEqual(c.expected);
      expect(e.message.length).toBeGreaterThan(5);
      expect(describeFormulaError(e, 'zh-CN')).toMatch(new RegExp(`^第 ${c.at[0]} 行第 ${c.at[1]} 列：`));
      expect(describeFormulaError(e, 'zh-CN')).not.toMatch(/undefined|NaN/);
      expect(describeFormulaError(e, 'en')).toBe(`line ${c.at[0]}, column ${c.at[1]}: ${e.message}`);
    });
  }

  it('messages in Chinese name what was expected in Chinese', () => {
    const [arity] = parseProgram('a = min(1)').errors;
    expect(describeFormulaError(arity, 'zh-CN')).toBe('第 1 行第 5 列：min(…) 需要至少 2 个参数，实际为 1 个');
    const [token] = parseProgram('a = 1 2').errors;
    expect(describeFormulaError(token, 'zh-CN', false)).toBe('此处不应出现“2”，应为：运算符、“;”或换行');
  });

  it('each error kind has its own code', () => {
    expect(new Set(Object.keys(ERROR_CASES)).size).toBe(Object.keys(ERROR_CASES).length);
  });

  it('errors in several formulas are all reported, in text order; good formulas still compile', () => {
    const r = compileFormulas('a = 1 +\nb = foo(1)\nc = CMI × 2\nd = c + a', evaluationEnvironment());
    expect(r.errors.map((e) => [e.code, e.line])).toEqual([['unexpected-end', 1], ['unknown-function', 2]]);
    // d uses the broken a: it is skipped without a second, misleading "unknown a"
    expect(r.program.formulas.map((f) => f.name)).toEqual(['c']);
  });

  it('a cycle is a use before definition: a formula may only use names defined above it', () => {
    const r = compileFormulas('a = b\nb = a', evaluationEnvironment());
    expect(r.errors.map((e) => [e.code, e.token, e.params?.line])).toEqual([['use-before-definition', 'b', 2]]);
  });

  it('names: ASCII aliases reach the Chinese indicator; a function name alone gets a hint', () => {
    const r = compileFormulas('a = cmi × drg_count\nb = sqrt + 1', evaluationEnvironment());
    expect(r.program.formulas[0].uses.sort()).toEqual(['CMI', 'DRG组数']);
    expect(r.errors[0].message).toContain('write sqrt(x)');
    const empty = parseProgram('');
    expect([empty.errors[0].code, empty.errors[0].line, empty.errors[0].column]).toEqual(['no-formulas', 1, 1]);
    expect(parseExpression('   ').errors[0].code).toBe('empty-formula');
  });
});

describe('§10 evaluation over unit columns', () => {
  it('functions: min, max, sqrt, cbrt, ln, clamp, if', () => {
    const r = run('a = min(x, 2, 5)\nb = max(x, 2)\nc = sqrt(x)\nd = cbrt(x)\ne = ln(x)\nf = clamp(x, 1, 3)\ng = if(x >= 4, x, -x)', { x: [1, 4, 27] });
    const col = (n: string) => [...r.get(n)!.values];
    expect(col('a')).toEqual([1, 2, 2]);
    expect(col('b')).toEqual([2, 4, 27]);
    expect(col('c')[1]).toBe(2);
    expect(col('d')[2]).toBeCloseTo(3, 12);
    expect(col('e')[0]).toBe(0);
    expect(col('f')).toEqual([1, 3, 3]);
    expect(col('g')).toEqual([-1, 4, 27]);
  });

  it('invalid math is NaN inside with a reason per unit; on screen it reads n/a (why), never NaN', () => {
    const r = run('a = 1 / x\nb = ln(x)\nc = sqrt(x)\nd = clamp(1, x, 0)\ne = a + 1\nf = 1e200 * x * 1e200', { x: [0, -1, 2] });
    const reasons = (n: string) => [0, 1, 2].map((i) => reasonOf(r.get(n)!, i));
    expect(reasons('a')).toEqual(['division-by-zero', 'ok', 'ok']);
    expect(reasons('b')).toEqual(['ln-domain', 'ln-domain', 'ok']);
    expect(reasons('c')).toEqual(['ok', 'sqrt-domain', 'ok']);
    expect(reasons('d')).toEqual(['ok', 'ok', 'clamp-bounds']);
    expect(reasons('e')).toEqual(['division-by-zero', 'ok', 'ok']); // the reason travels with the value
    expect(reasons('f')).toEqual(['ok', 'overflow', 'overflow']);
    const a = r.get('a')!;
    expect(Number.isNaN(a.values[0])).toBe(true);
    expect(formatFormulaValue(a.values[0], a.reasons[0], 'en')).toBe('n/a (division by zero)');
    expect(formatFormulaValue(a.values[0], a.reasons[0], 'zh-CN')).toBe('无法计算（除数为零）');
    expect(formatFormulaValue(a.values[2], a.reasons[2], 'en')).toBe('0.50');
    // even a NaN that arrives without a reason is shown as n/a
    expect(formatFormulaValue(NaN, 0, 'en')).toBe('n/a (missing value)');
    expect(formatFormulaValue(Infinity, 0, 'zh-CN')).toBe('无法计算（缺少数值）');
    for (const res of r.values()) for (let i = 0; i < 3; i++) expect(Number.isNaN(res.values[i])).toBe(res.reasons[i] !== 0);
  });

  it('a missing input value is n/a (missing value); if() takes the reason of the branch chosen only', () => {
    const r = run('a = x × 2\nb = if(x > 0, 1 / x, 0)\nc = if(y > 0 and 1 / y > 1, 1, 0)\nd = if(y == 0 or 1 / y > 1, 1, 0)', { x: [NaN, 0, 4], y: [0, 0.5, 2] });
    expect([0, 1, 2].map((i) => reasonOf(r.get('a')!, i))).toEqual(['missing-value', 'ok', 'ok']);
    expect([...r.get('b')!.values].slice(1)).toEqual([0, 0.25]);
    expect(reasonOf(r.get('b')!, 0)).toBe('missing-value');
    expect([...r.get('c')!.values]).toEqual([0, 1, 0]); // false and (1 ÷ 0 …) is false
    expect([...r.get('d')!.values]).toEqual([1, 1, 0]); // true or (1 ÷ 0 …) is true
  });

  it('peer statistics: mean, total = sum, pooled ratio; n/a peers left out; explicit peer subsets and peer sets', () => {
    const cols = { DRG组数: [10, 20, 30, NaN], 总权重: [100, 300, 200, 400], 入组病例数: [100, 200, 100, 0], CMI: [1, 1.5, 2, NaN] };
    const text = 'm = mean(DRG组数)\nt = total(总权重)\ns = sum(总权重 / 100)\np = pooled(CMI)\nr = DRG组数 / mean(DRG组数)\nn = mean(r)';
    const all = run(text, cols);
    const first = (n: string) => all.get(n)!.values[0];
    expect(first('m')).toBe(20); // the NaN unit is left out of the mean
    expect(first('t')).toBe(1000);
    expect(first('s')).toBe(10);
    expect(first('p')).toBe(1000 / 400); // Σ总权重 ÷ Σ入组病例数, not the mean of the CMIs
    expect([...all.get('r')!.values].slice(0, 3)).toEqual([0.5, 1, 1.5]);
    expect(first('n')).toBe(1);
    // peers = units 0 and 1 only
    const sub = run(text, cols, { peerIndex: [0, 1] });
    expect(sub.get('m')!.values[2]).toBe(15);
    expect(sub.get('p')!.values[2]).toBe(400 / 300);
    expect(sub.get('r')!.values[2]).toBe(2);
    // a separate peer set: one physician against a department's physicians
    const peers = { unitCount: 2, columns: { DRG组数: Float64Array.of(5, 15), 总权重: Float64Array.of(50, 150), 入组病例数: Float64Array.of(50, 100), CMI: Float64Array.of(1, 1.5) } };
    const one = run('r = DRG组数 / mean(DRG组数)\np = CMI / pooled(CMI)', { DRG组数: [30], 总权重: [1], 入组病例数: [1], CMI: [2] }, { peers });
    expect(one.get('r')!.values[0]).toBe(3);
    expect(one.get('p')!.values[0]).toBeCloseTo(2 / (200 / 150), 12);
  });

  it('no peer with a value gives n/a (no peer unit has a value); a zero pooled denominator is a division by zero', () => {
    const r = run('m = mean(x)\np = pooled(入组率)', { x: [NaN, NaN], 入组病例数: [0, 0], 病例数: [0, 0], 入组率: [NaN, NaN] });
    expect(reasonOf(r.get('m')!, 0)).toBe('no-peers');
    expect(reasonOf(r.get('p')!, 1)).toBe('division-by-zero');
    expect(formatFormulaValue(r.get('m')!.values[0], r.get('m')!.reasons[0], 'en')).toBe('n/a (no peer unit has a value)');
    expect(NA_REASONS[0]).toBe('ok');
  });
});

describe('§5 composite presets (seed 004)', () => {
  const compositeSource = parseProgram(SEED_COMPOSITE.text).definitions.find((d) => d.name === COMPOSITE_NAME)!.source;

  it('both presets compile against the §5 indicators and end with the composite', () => {
    for (const preset of COMPOSITE_PRESETS) {
      const r = compileFormulas(preset.text, evaluationEnvironment());
      expect(r.errors, preset.id).toEqual([]);
      expect(r.program.formulas.at(-1)!.name).toBe(COMPOSITE_NAME);
      expect(r.program.formulas.map((f) => f.name)).toEqual(['广度', '难度', '产出', '低风险死亡得分', '中低风险死亡得分', '产能', '效率', '安全', '综合得分']);
    }
    expect(compositeSource).toBe('产能 + 效率 + 安全');
  });

  it('§12 physician a: capacity 4.56 + efficiency 1.52 + safety 1.00 = 7.08; physician b: 2.96 + 0.98 + 1.00 = 4.94', () => {
    const r = run(`${COMPOSITE_NAME} = ${compositeSource}`, { 产能: [4.56, 2.96], 效率: [1.52, 0.98], 安全: [1, 1] }).get(COMPOSITE_NAME)!;
    expect(r.values[0]).toBeCloseTo(7.08, 12);
    expect(r.values[1]).toBeCloseTo(4.94, 12);
    expect([0, 1].map((i) => formatFormulaValue(r.values[i], r.reasons[i], 'zh-CN'))).toEqual(['7.08', '4.94']);
  });

  it('§12 a department with low-risk death rate 0.5 % gets low-risk death score 0 and safety 0 (both presets)', () => {
    const cols = {
      DRG组数: [40, 60], 总权重: [500, 700], 入组病例数: [500, 600], CMI: [1, 700 / 600], 时间消耗指数: [1, 1], 费用消耗指数: [1, 1],
      低风险组死亡率: [0.005, 0], 中低风险组死亡率: [0, 0],
    };
    for (const preset of [SEED_COMPOSITE, GEOMETRIC_COMPOSITE]) {
      const r = run(preset.text, cols);
      expect(r.get('低风险死亡得分')!.values[0], preset.id).toBe(0);
      expect(r.get('安全')!.values[0], preset.id).toBe(0);
      expect(r.get('安全')!.values[1], preset.id).toBe(1);
    }
    // the floor holds beyond 0.5 %, and the mid-low score falls 0.1 per 0.25 points
    const more = run(SEED_COMPOSITE.text, { ...cols, 低风险组死亡率: [0.02, 0.0001], 中低风险组死亡率: [0.0025, 0.025] });
    expect(more.get('低风险死亡得分')!.values[0]).toBe(0);
    expect(more.get('低风险死亡得分')!.values[1]).toBeCloseTo(0.98, 12);
    expect(more.get('中低风险死亡得分')!.values[0]).toBeCloseTo(0.9, 12);
    expect(more.get('中低风险死亡得分')!.values[1]).toBe(0);
  });

  it('the product preset on a hand-built 3-unit peer group matches the hand computation', () => {
    // mean DRG组数 = 100, mean 总权重 = 1000, pooled CMI = 3000 ÷ 3000 = 1
    const cols = {
      DRG组数: [100, 50, 150], 总权重: [1000, 400, 1600], 入组病例数: [1000, 500, 1500], CMI: [1, 0.8, 1600 / 1500],
      时间消耗指数: [1, 1.25, 0.8], 费用消耗指数: [1, 1, 1.25], 低风险组死亡率: [0, 0.005, 0.025 / 100], 中低风险组死亡率: [0, 0, 0.25 / 100],
    };
    const r = run(SEED_COMPOSITE.text, cols);
    const hand = {
      广度: [1, 0.5, 1.5], 难度: [1, 0.8, 1600 / 1500], 产出: [1, 0.4, 1.6],
      产能: [1, 0.16, 2.56], // 0.5 × 0.8 × 0.4; 1.5 × 16/15 × 1.6
      效率: [1, 0.8, 1], // 1 ÷ 1.25 ÷ 1; 1 ÷ 0.8 ÷ 1.25
      低风险死亡得分: [1, 0, 0.95], // 0.025 points = half a 0.05 step
      中低风险死亡得分: [1, 1, 0.9],
      安全: [1, 0, 0.855],
      综合得分: [3, 0.96, 4.415],
    };
    for (const [name, want] of Object.entries(hand)) want.forEach((w, i) => expect(r.get(name)!.values[i], `${name}[${i}]`).toBeCloseTo(w, 12));
    const g = run(GEOMETRIC_COMPOSITE.text, cols);
    expect(g.get('产能')!.values[1]).toBeCloseTo(Math.cbrt(0.16), 12);
    expect(g.get('安全')!.values[2]).toBeCloseTo(Math.sqrt(0.855), 12);
  });

  it('a unit with no time index gets n/a for efficiency and the composite, with the reason', () => {
    const r = run(SEED_COMPOSITE.text, {
      DRG组数: [10, 20], 总权重: [10, 20], 入组病例数: [10, 20], CMI: [1, 1], 时间消耗指数: [0, 1], 费用消耗指数: [1, NaN], 低风险组死亡率: [0, 0], 中低风险组死亡率: [0, 0],
    });
    const c = r.get(COMPOSITE_NAME)!;
    expect([reasonOf(c, 0), reasonOf(c, 1)]).toEqual(['division-by-zero', 'missing-value']);
    expect(formatFormulaValue(c.values[1], c.reasons[1], 'en')).toBe('n/a (missing value)');
  });
});

describe('§10 editor completion', () => {
  const at = (text: string, opts = {}) => completeFormula(text, text.length, opts);
  const labels = (text: string, opts = {}) => at(text, opts).candidates.map((c) => c.label);

  it('completes Chinese indicator names by any part, ASCII aliases and English labels', () => {
    expect(labels('a = 死亡')).toEqual(['低风险组死亡人数', '低风险组死亡率', '中低风险组死亡人数', '中低风险组死亡率']);
    expect(at('a = 1 + cm').candidates[0]).toMatchObject({ label: 'CMI', insert: 'CMI', kind: 'indicator' });
    expect(labels('a = time')[0]).toBe('时间消耗指数');
    const r = at('a = 1 + 时间');
    expect([r.from, r.to, r.prefix]).toEqual([8, 10, '时间']);
  });

  it('offers functions with their "(" and formulas defined above, not below or the one being written', () => {
    const text = '产能 = 1\n效率 = 2\n安全 = 产\n综合得分 = 3';
    const cursor = text.indexOf('产\n') + 1;
    const r = completeFormula(text, cursor, { locale: 'zh-CN' });
    expect(r.candidates.map((c) => [c.label, c.kind])).toEqual([['产能', 'formula']]);
    expect(r.candidates[0].detail).toBe('产能');
    expect(at('a = sq').candidates[0]).toMatchObject({ insert: 'sqrt(', kind: 'function', label: 'sqrt(x)' });
    const all = labels('x = 1\ny = ');
    expect(all[0]).toBe('x');
    expect(all).toContain('pooled(CMI)');
    expect(all).not.toContain('y');
  });

  it('inside pooled( only ratio indicators; nothing for a new name, inside a number or a comment', () => {
    expect(labels('a = CMI / pooled(')).toEqual(['CMI', '入组率', '低风险组死亡率', '中低风险组死亡率']);
    expect(labels('a = 1\n产')).toEqual([]);
    expect(labels('a = 12')).toEqual([]);
    expect(labels('a = 1 # CM')).toEqual([]);
    expect(labels('a = (1 + CMI) * 2 # note\nb = 1 + 总')).toEqual(['总权重']);
  });
});

describe('§10 robustness', () => {
  // mulberry32: a small seeded generator so a failure can be replayed
  function rng(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const ALPHABET = [
    'a', 'b', 'x', '产能', '效率', 'CMI', 'DRG组数', '总权重', '入组病例数', '时间消耗指数', '低风险组死亡率', 'cmi', 'unknown', 'constructor', '__proto__', 'toString',
    '0', '1', '2.5', '0.5%', '1e3', '1.2.3', '.', '%', '+', '-', '*', '/', '×', '÷', '−', '（', '）', '(', ')', ',', '，', ';', '；', '=', '==', '<', '<=', '>', '>=', '!=', '≤', '!',
    'min', 'max', 'sqrt', 'cbrt', 'ln', 'clamp', 'if', 'mean', 'total', 'sum', 'pooled', 'and', 'or', 'not', ' ', ' ', '\n', '\r\n', '#', '@', '^', '"', '\u0000', '𝑥', '😀',
  ];
  const UNITS = 4;
  const columns = {
    CMI: Float64Array.of(1, 0, -1, NaN), DRG组数: Float64Array.of(10, 0, 5, 20), 总权重: Float64Array.of(10, 0, 1e308, 3), 入组病例数: Float64Array.of(10, 0, 2, 0),
    时间消耗指数: Float64Array.of(1, 0, 2, NaN), 低风险组死亡率: Float64Array.of(0, 0.005, NaN, 1),
  };
  const env = evaluationEnvironment(Object.keys(columns));

  function check(text: string): void {
    const compiled = compileFormulas(text, env);
    for (const e of compiled.errors) {
      expect(e.line, text).toBeGreaterThanOrEqual(1);
      expect(e.column, text).toBeGreaterThanOrEqual(1);
      expect(typeof e.message, text).toBe('string');
      expect(describeFormulaError(e, 'zh-CN'), text).not.toMatch(/undefined/);
    }
    const evaluation = evaluateFormulas(compiled.program, { unitCount: UNITS, columns });
    expect(evaluation.ok, text).toBe(true);
    if (!evaluation.ok) return;
    for (const r of evaluation.results) {
      for (let i = 0; i < UNITS; i++) {
        expect(Number.isNaN(r.values[i]), text).toBe(r.reasons[i] !== 0);
        expect(Number.isFinite(r.values[i]) || r.reasons[i] !== 0, text).toBe(true);
        expect(formatFormulaValue(r.values[i], r.reasons[i], 'en'), text).not.toMatch(/NaN|Infinity/);
      }
    }
    completeFormula(text, text.length >> 1);
  }

  it('fuzz: 4,000 random token strings parse, compile and evaluate without throwing', () => {
    const next = rng(20240611);
    for (let k = 0; k < 4000; k++) {
      const parts: string[] = [];
      // a definition head half of the time, so the parser gets past the name
      if (next() < 0.5) parts.push(['a', 'b', '产能', 'x'][Math.floor(next() * 4)], ' = ');
      const len = 1 + Math.floor(next() * 14);
      for (let j = 0; j < len; j++) parts.push(ALPHABET[Math.floor(next() * ALPHABET.length)], next() < 0.3 ? ' ' : '');
      const text = parts.join('');
      expect(() => check(text), text).not.toThrow();
    }
  });

  it('fuzz: 3,000 random grammatical programs, some with one token dropped or swapped, evaluate to values or n/a', () => {
    const next = rng(4);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
    const NAMES = ['CMI', 'DRG组数', '总权重', '时间消耗指数', '低风险组死亡率', 'cmi', '0', '1', '2.5', '0.5%', '-3'];
    const num = (d: number, defined: string[]): string => {
      const r = next();
      if (d <= 0 || r < 0.25) return pick([...NAMES, ...defined]);
      if (r < 0.5) return `${num(d - 1, defined)} ${pick(['+', '-', '*', '/', '×', '÷', '−'])} ${num(d - 1, defined)}`;
      if (r < 0.55) return `-${num(d - 1, defined)}`;
      if (r < 0.6) return `(${num(d - 1, defined)})`;
      if (r < 0.7) return `${pick(['sqrt', 'cbrt', 'ln', 'mean', 'total', 'sum'])}(${num(d - 1, defined)})`;
      if (r < 0.75) return `pooled(${pick(['CMI', 'cmi', 'CMI'])})`;
      if (r < 0.85) return `${pick(['min', 'max'])}(${num(d - 1, defined)}, ${num(d - 1, defined)})`;
      if (r < 0.9) return `clamp(${num(d - 1, defined)}, ${num(d - 1, defined)}, ${num(d - 1, defined)})`;
      return `if(${cond(d - 1, defined)}, ${num(d - 1, defined)}, ${num(d - 1, defined)})`;
    };
    const cond = (d: number, defined: string[]): string => {
      const r = next();
      if (d <= 0 || r < 0.6) return `${num(d - 1, defined)} ${pick(['<', '<=', '>', '>=', '==', '!=', '≤', '≠'])} ${num(d - 1, defined)}`;
      if (r < 0.8) return `${cond(d - 1, defined)} ${pick(['and', 'or'])} ${cond(d - 1, defined)}`;
      return `not ${cond(d - 1, defined)}`;
    };
    let values = 0;
    let na = 0;
    for (let k = 0; k < 3000; k++) {
      const defined: string[] = [];
      const lines: string[] = [];
      for (let f = 0, count = 1 + Math.floor(next() * 3); f < count; f++) {
        lines.push(`f${f} = ${num(4, defined)}`);
        defined.push(`f${f}`);
      }
      let text = lines.join(pick(['\n', '; ']));
      if (next() < 0.3) {
        const { tokens } = lex(text);
        const victim = tokens[Math.floor(next() * (tokens.length - 1))];
        const replacement = next() < 0.5 ? '' : pick(ALPHABET);
        text = text.slice(0, victim.offset) + replacement + text.slice(victim.offset + victim.length);
      }
      expect(() => check(text), text).not.toThrow();
      const { compile, evaluation } = runFormulas(text, { unitCount: UNITS, columns }, { aliases: INDICATOR_ALIASES, ratios: INDICATOR_RATIOS });
      if (compile.errors.length === 0 && evaluation.ok) for (const r of evaluation.results) for (const reason of r.reasons) reason ? na++ : values++;
    }
    // the generator reaches the evaluator often, with both outcomes
    expect(values).toBeGreaterThan(2000);
    expect(na).toBeGreaterThan(1000);
  });

  it('fuzz: random characters and random cursor positions for completion', () => {
    const next = rng(7);
    for (let k = 0; k < 1000; k++) {
      const len = Math.floor(next() * 30);
      const text = Array.from({ length: len }, () => String.fromCodePoint(next() < 0.7 ? 32 + Math.floor(next() * 95) : 0x4e00 + Math.floor(next() * 200))).join('');
      expect(() => check(text), text).not.toThrow();
      expect(() => completeFormula(text, Math.floor(next() * (len + 2)) - 1)).not.toThrow();
    }
  });

  it('deep nesting and long chains are refused with an error, not a stack overflow', () => {
    for (const text of [`a = ${'('.repeat(50_000)}`, `a = ${'-'.repeat(50_000)}1`, `a = ${Array(20_000).fill('1').join(' + ')}`, `a = ${'sqrt('.repeat(10_000)}1`]) {
      const r = compileFormulas(text, env);
      expect(r.errors.map((e) => e.code)).toEqual(['nesting-too-deep']);
    }
    expect(compileFormulas(`a = ${Array(150).fill('1').join(' + ')}`, env).errors).toEqual([]);
  });

  it('no eval or Function anywhere in the formula modules', () => {
    const dir = join(__dirname, '../../src/scenario');
    for (const file of readdirSync(dir).filter((f) => f.startsWith('formula-') || f === 'composite-presets.ts')) {
      const code = readFileSync(join(dir, file), 'utf8').replace(/\/\/.*$/gm, '');
      expect(code, file).not.toMatch(/\beval\s*\(|\bFunction\s*\(|new\s+Function/);
    }
  });

  it('the lexer keeps going after a bad character and reports each one', () => {
    const r = lex('a = 1 $ 2 @ 3');
    expect(r.errors.map((e) => [e.code, e.column])).toEqual([['unexpected-character', 7], ['unexpected-character', 11]]);
    expect(r.tokens.at(-1)!.kind).toBe('eof');
  });
});
