// Resolves parsed §10 formulas against the indicators on hand, then evaluates them column by column over N units.
// Bad math gives NaN inside plus a per-unit reason code, so a screen says "n/a (division by zero)", never "NaN".
//
// Names: a formula may use indicators (or their ASCII aliases) and formulas defined on earlier lines.
// Peers: mean(x), total(x) = sum(x) reduce x over the peer units — by default the evaluated units
// themselves, or a subset (peerIndex), or a separate set of columns (peers). Peer units whose x is n/a
// are left out; if none is left the result is n/a (no peers). pooled(R) for a ratio indicator
// R = A ÷ B is ΣA ÷ ΣB over the peers: pooled(CMI) = Σ总权重 ÷ Σ入组病例数, the CMI of all peers together.
// Conditions: and/or look at their left side first — `false and n/a` is false, `true or n/a` is true;
// if(c, a, b) takes its value and its reason from the branch chosen, so a division by zero in the
// branch not taken does not matter.
import { makeError, type FormulaError } from './formula-lexer.ts';
import { FUNCTIONS, parseProgram, type BinaryOp, type Expr, type ParsedProgram, type Span } from './formula-parser.ts';

export interface RatioDefinition {
  numerator: string;
  denominator: string;
}

export interface FormulaEnvironment {
  /** Canonical indicator names the formulas may use. */
  indicators: Iterable<string>;
  /** Other spellings → canonical name (e.g. cmi → CMI, drg_count → DRG组数). */
  aliases?: ReadonlyMap<string, string>;
  /** Ratio indicators pooled(…) can combine over peers. */
  ratios?: ReadonlyMap<string, RatioDefinition>;
}

type Node =
  | { kind: 'number'; value: number }
  | { kind: 'indicator'; name: string }
  | { kind: 'formula'; index: number }
  | { kind: 'unary'; op: '-' | '+' | 'not'; operand: Node }
  | { kind: 'binary'; op: BinaryOp; left: Node; right: Node }
  | { kind: 'math'; fn: 'min' | 'max' | 'sqrt' | 'cbrt' | 'ln' | 'clamp'; args: Node[] }
  | { kind: 'if'; condition: Node; then: Node; otherwise: Node }
  | { kind: 'peer'; fn: 'mean' | 'total'; arg: Node; id: number }
  | { kind: 'pooled'; ratio: string; numerator: string; denominator: string; id: number };

export interface CompiledFormula {
  name: string;
  at: Span;
  source: string;
  /** Indicators and earlier formulas this one reads directly. */
  uses: string[];
  readonly node: Node;
}

export interface CompiledProgram {
  /** Only the formulas that compiled, and whose dependencies did, in text order. */
  formulas: CompiledFormula[];
  /** Every indicator column the formulas read (pooled numerators and denominators included). */
  indicators: string[];
  /** Where each indicator is first used, for a missing-column error. */
  firstUse: ReadonlyMap<string, Span>;
}

export interface CompileResult {
  ok: boolean;
  program: CompiledProgram;
  errors: FormulaError[];
}

/** Resolves names and checks definitions; returns the formulas that can run even when others fail. */
export function compileFormulas(source: string | ParsedProgram, env: FormulaEnvironment): CompileResult {
  const parsed = typeof source === 'string' ? parseProgram(source) : source;
  const errors = [...parsed.errors];
  const indicators = new Set(env.indicators);
  const aliases = env.aliases ?? new Map<string, string>();
  const ratios = env.ratios ?? new Map<string, RatioDefinition>();
  const lines = new Map<string, number>(); // formula name → index in parsed.definitions
  parsed.definitions.forEach((d, i) => {
    if (!lines.has(d.name)) lines.set(d.name, i);
  });
  const compiled = new Map<string, number>(); // name → index in formulas
  const formulas: CompiledFormula[] = [];
  const used = new Set<string>();
  const firstUse = new Map<string, Span>();
  let nextId = 0;

  const canonical = (name: string): string | undefined => (indicators.has(name) ? name : indicators.has(aliases.get(name) ?? '') ? aliases.get(name) : undefined);
  const useIndicator = (name: string, at: Span): void => {
    used.add(name);
    if (!firstUse.has(name)) firstUse.set(name, at);
  };

  parsed.definitions.forEach((def, index) => {
    const first = lines.get(def.name)!;
    if (first !== index) {
      const earlier = parsed.definitions[first];
      errors.push(makeError('duplicate-name', `${def.name} is already defined on line ${earlier.at.line}`, def.at, def.name, ['another name'], { name: def.name, line: earlier.at.line }));
      return;
    }
    if (canonical(def.name) !== undefined) {
      errors.push(makeError('duplicate-name', `${def.name} is already an indicator; give the formula another name`, def.at, def.name, ['another name'], { name: def.name }));
      return;
    }
    const local: FormulaError[] = [];
    let broken = false; // depends on a formula that failed: its own error says why
    const uses = new Set<string>();

    const resolve = (e: Expr): Node => {
      switch (e.kind) {
        case 'number':
          return { kind: 'number', value: e.value };
        case 'name': {
          const formula = compiled.get(e.name);
          if (formula !== undefined) {
            uses.add(e.name);
            return { kind: 'formula', index: formula };
          }
          const name = canonical(e.name);
          if (name !== undefined) {
            uses.add(name);
            useIndicator(name, e.at);
            return { kind: 'indicator', name };
          }
          const defined = lines.get(e.name);
          if (e.name === def.name) {
            local.push(makeError('self-reference', `${def.name} cannot use itself`, e.at, e.name, [], { name: e.name }));
          } else if (defined !== undefined && defined > index) {
            const line = parsed.definitions[defined].at.line;
            local.push(makeError('use-before-definition', `${e.name} is defined later, on line ${line}; move that formula above this one`, e.at, e.name, [], { name: e.name, line }));
          } else if ((defined !== undefined && defined < index) || parsed.brokenNames.has(e.name)) {
            broken = true;
          } else {
            const suggestion = closest(e.name, [...indicators, ...aliases.keys(), ...compiled.keys()]);
            const fn = FUNCTIONS.get(e.name.toLowerCase());
            const hint = fn ? `; ${fn.name} is a function — write ${fn.signature}` : suggestion ? `; did you mean ${suggestion}?` : '';
            local.push(
              makeError('unknown-indicator', `unknown indicator or formula "${e.name}"${hint}`, e.at, e.name, suggestion ? [suggestion] : ['an indicator or an earlier formula name'], {
                name: e.name,
                ...(suggestion ? { suggestion } : {}),
              }),
            );
          }
          return { kind: 'number', value: NaN };
        }
        case 'unary':
          return { kind: 'unary', op: e.op, operand: resolve(e.operand) };
        case 'binary':
          return { kind: 'binary', op: e.op, left: resolve(e.left), right: resolve(e.right) };
        case 'call': {
          const info = FUNCTIONS.get(e.fn)!;
          if (info.kind === 'if') return { kind: 'if', condition: resolve(e.args[0]), then: resolve(e.args[1]), otherwise: resolve(e.args[2]) };
          if (info.kind === 'peer') return { kind: 'peer', fn: e.fn === 'mean' ? 'mean' : 'total', arg: resolve(e.args[0]), id: nextId++ };
          if (info.kind === 'pooled') {
            const arg = e.args[0];
            const argName = arg.kind === 'name' ? arg.name : '';
            const name = canonical(argName);
            const ratio = name !== undefined ? ratios.get(name) : undefined;
            if (name === undefined || !ratio || !indicators.has(ratio.numerator) || !indicators.has(ratio.denominator)) {
              const poolable = [...ratios.keys()].filter((r) => indicators.has(ratios.get(r)!.numerator) && indicators.has(ratios.get(r)!.denominator));
              const why = !ratio
                ? `${argName} is not a ratio indicator`
                : `pooled(${name}) needs the columns ${ratio.numerator} and ${ratio.denominator}`;
              local.push(makeError('not-poolable', `${why}; pooled(…) works on ${poolable.join(', ') || 'no indicator here'}`, arg.at, argName, poolable, { name: argName }));
              return { kind: 'number', value: NaN };
            }
            uses.add(name);
            useIndicator(ratio.numerator, arg.at);
            useIndicator(ratio.denominator, arg.at);
            return { kind: 'pooled', ratio: name, numerator: ratio.numerator, denominator: ratio.denominator, id: nextId++ };
          }
          return { kind: 'math', fn: e.fn as 'min' | 'max' | 'sqrt' | 'cbrt' | 'ln' | 'clamp', args: e.args.map(resolve) };
        }
      }
    };

    const node = resolve(def.expr);
    errors.push(...local);
    if (local.length === 0 && !broken) {
      compiled.set(def.name, formulas.length);
      formulas.push({ name: def.name, at: def.at, source: def.source, uses: [...uses], node });
    }
  });

  errors.sort((a, b) => a.offset - b.offset);
  return { ok: errors.length === 0, program: { formulas, indicators: [...used], firstUse }, errors };
}

/** The closest known name by edit distance, if it is close enough to be the intended one. */
function closest(name: string, candidates: string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const c of candidates) {
    const d = c.toLowerCase() === lower ? 0 : editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[y.length];
}

// ---- evaluation ----

/** Why a unit's value is n/a. Index 0 means the value is fine; the reasons column stores these indices. */
export const NA_REASONS = ['ok', 'missing-value', 'division-by-zero', 'ln-domain', 'sqrt-domain', 'no-peers', 'overflow', 'clamp-bounds'] as const;
export type NaReason = (typeof NA_REASONS)[number];
const MISSING = 1;
const DIV_ZERO = 2;
const LN_DOMAIN = 3;
const SQRT_DOMAIN = 4;
const NO_PEERS = 5;
const OVERFLOW = 6;
const CLAMP_BOUNDS = 7;

export type FormulaLocale = 'zh-CN' | 'en';

const REASON_TEXT: Record<NaReason, Record<FormulaLocale, string>> = {
  ok: { en: '', 'zh-CN': '' },
  'missing-value': { en: 'missing value', 'zh-CN': '缺少数值' },
  'division-by-zero': { en: 'division by zero', 'zh-CN': '除数为零' },
  'ln-domain': { en: 'ln of a value ≤ 0', 'zh-CN': '对小于等于 0 的数取对数' },
  'sqrt-domain': { en: 'square root of a negative value', 'zh-CN': '对负数开平方' },
  'no-peers': { en: 'no peer unit has a value', 'zh-CN': '同类单元均无数值' },
  overflow: { en: 'result too large', 'zh-CN': '结果超出范围' },
  'clamp-bounds': { en: 'clamp: lower bound above upper bound', 'zh-CN': 'clamp 下限大于上限' },
};

export function naReasonText(reason: number | NaReason, locale: FormulaLocale): string {
  const key = typeof reason === 'number' ? (NA_REASONS[reason] ?? 'missing-value') : reason;
  return REASON_TEXT[key][locale];
}

const formats = new Map<string, Intl.NumberFormat>();

/** A formula value as text: the number, or "n/a (why)" — never "NaN" or "Infinity". */
export function formatFormulaValue(value: number, reason: number, locale: FormulaLocale, decimals = 2): string {
  if (reason !== 0 || !Number.isFinite(value)) {
    const why = naReasonText(reason === 0 ? MISSING : reason, locale);
    return locale === 'zh-CN' ? `无法计算（${why}）` : `n/a (${why})`;
  }
  const key = `${locale}|${decimals}`;
  let f = formats.get(key);
  if (!f) formats.set(key, (f = new Intl.NumberFormat(locale, { minimumFractionDigits: decimals, maximumFractionDigits: decimals })));
  return f.format(value);
}

export type ColumnSource = ReadonlyMap<string, ArrayLike<number>> | Readonly<Record<string, ArrayLike<number>>>;

export interface FormulaInputs {
  /** N, the number of evaluated units; every column holds N values. */
  unitCount: number;
  columns: ColumnSource;
  /** Indexes of the units that form the peer group (default: all of them). */
  peerIndex?: ArrayLike<number>;
  /** A separate peer group with its own columns (overrides peerIndex). */
  peers?: { unitCount: number; columns: ColumnSource };
}

export interface FormulaResult {
  name: string;
  at: Span;
  source: string;
  /** One value per unit; NaN exactly where reasons[i] ≠ 0. */
  values: Float64Array;
  /** Index into NA_REASONS per unit; 0 = a valid value. */
  reasons: Uint8Array;
}

export type EvaluationResult = { ok: true; results: FormulaResult[]; byName: Map<string, FormulaResult> } | { ok: false; errors: FormulaError[] };

interface Col {
  v: Float64Array;
  r: Uint8Array;
}

function getColumn(source: ColumnSource, name: string): ArrayLike<number> | undefined {
  if (source instanceof Map) return source.get(name);
  const record = source as Readonly<Record<string, ArrayLike<number>>>;
  return Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
}

class Frame {
  readonly formulaCache = new Map<number, Col>();
  readonly peerCache = new Map<number, { v: number; r: number }>();
  peer: Frame = this;
  constructor(
    readonly n: number,
    readonly columns: Map<string, ArrayLike<number>>,
  ) {}
}

/** Evaluates every compiled formula for every unit. Errors only for missing or mis-sized columns. */
export function evaluateFormulas(program: CompiledProgram, inputs: FormulaInputs): EvaluationResult {
  const errors: FormulaError[] = [];
  const n = inputs.unitCount;
  const frameColumns = (source: ColumnSource, count: number, what: string): Map<string, ArrayLike<number>> => {
    const out = new Map<string, ArrayLike<number>>();
    for (const name of program.indicators) {
      const col = getColumn(source, name);
      const at = program.firstUse.get(name)!;
      if (!col) errors.push(makeError('missing-column', `no ${what}values for the indicator ${name}`, at, name, [], { name }));
      else if (col.length !== count) errors.push(makeError('column-length', `${name} has ${col.length} ${what}values, expected ${count}`, at, name, [], { name, found: col.length, want: count }));
      else out.set(name, col);
    }
    return out;
  };
  const units = new Frame(n, frameColumns(inputs.columns, n, ''));
  if (inputs.peers) {
    units.peer = new Frame(inputs.peers.unitCount, frameColumns(inputs.peers.columns, inputs.peers.unitCount, 'peer '));
  } else if (inputs.peerIndex) {
    const index = Array.from(inputs.peerIndex).filter((i) => Number.isInteger(i) && i >= 0 && i < n);
    const picked = new Map<string, ArrayLike<number>>();
    for (const [name, col] of units.columns) picked.set(name, Float64Array.from(index, (i) => col[i]));
    units.peer = new Frame(index.length, picked);
  }
  if (errors.length) return { ok: false, errors };
  const results = program.formulas.map((f, index): FormulaResult => {
    const col = formula(program, index, units);
    return { name: f.name, at: f.at, source: f.source, values: col.v, reasons: col.r };
  });
  return { ok: true, results, byName: new Map(results.map((r) => [r.name, r])) };
}

/** Compiles with the given columns as the indicators, then evaluates: the one call most screens need. */
export function runFormulas(
  source: string,
  inputs: FormulaInputs,
  options: { aliases?: ReadonlyMap<string, string>; ratios?: ReadonlyMap<string, RatioDefinition> } = {},
): { compile: CompileResult; evaluation: EvaluationResult } {
  const names = inputs.columns instanceof Map ? [...inputs.columns.keys()] : Object.keys(inputs.columns);
  const compile = compileFormulas(source, { indicators: names, ...options });
  return { compile, evaluation: evaluateFormulas(compile.program, inputs) };
}

function formula(program: CompiledProgram, index: number, frame: Frame): Col {
  let col = frame.formulaCache.get(index);
  if (!col) frame.formulaCache.set(index, (col = evaluate(program, program.formulas[index].node, frame)));
  return col;
}

function filled(n: number, value: number, reason: number): Col {
  const v = new Float64Array(n).fill(reason ? NaN : value);
  return { v, r: new Uint8Array(n).fill(reason) };
}

/** Sets one unit's value, turning a non-finite result into n/a (overflow). */
function put(out: Col, i: number, value: number, reason: number): void {
  if (reason === 0 && !Number.isFinite(value)) reason = Number.isNaN(value) ? MISSING : OVERFLOW;
  out.r[i] = reason;
  out.v[i] = reason ? NaN : value;
}

function evaluate(program: CompiledProgram, node: Node, frame: Frame): Col {
  const n = frame.n;
  const out: Col = { v: new Float64Array(n), r: new Uint8Array(n) };
  switch (node.kind) {
    case 'number':
      return filled(n, node.value, Number.isFinite(node.value) ? 0 : MISSING);
    case 'indicator': {
      const col = frame.columns.get(node.name)!;
      for (let i = 0; i < n; i++) put(out, i, Number(col[i]), Number.isFinite(col[i]) ? 0 : MISSING);
      return out;
    }
    case 'formula':
      return formula(program, node.index, frame);
    case 'unary': {
      const a = evaluate(program, node.operand, frame);
      for (let i = 0; i < n; i++) put(out, i, node.op === '-' ? -a.v[i] : node.op === '+' ? a.v[i] : a.v[i] ? 0 : 1, a.r[i]);
      return out;
    }
    case 'binary': {
      const a = evaluate(program, node.left, frame);
      const b = evaluate(program, node.right, frame);
      const op = node.op;
      for (let i = 0; i < n; i++) {
        const x = a.v[i];
        const y = b.v[i];
        if (op === 'and' || op === 'or') {
          if (a.r[i]) put(out, i, NaN, a.r[i]);
          else if ((op === 'and') === (x === 0)) put(out, i, x, 0); // false and …, true or …
          else put(out, i, y, b.r[i]);
          continue;
        }
        if (a.r[i] || b.r[i]) {
          put(out, i, NaN, a.r[i] || b.r[i]);
          continue;
        }
        if (op === '/' && y === 0) {
          put(out, i, NaN, DIV_ZERO);
          continue;
        }
        put(out, i, arithmetic(op, x, y), 0);
      }
      return out;
    }
    case 'math': {
      const args = node.args.map((arg) => evaluate(program, arg, frame));
      for (let i = 0; i < n; i++) {
        let reason = 0;
        for (const a of args) if (!reason && a.r[i]) reason = a.r[i];
        if (reason) {
          put(out, i, NaN, reason);
          continue;
        }
        const x = args[0].v[i];
        switch (node.fn) {
          case 'sqrt':
            put(out, i, Math.sqrt(x), x < 0 ? SQRT_DOMAIN : 0);
            break;
          case 'cbrt':
            put(out, i, Math.cbrt(x), 0);
            break;
          case 'ln':
            put(out, i, Math.log(x), x <= 0 ? LN_DOMAIN : 0);
            break;
          case 'clamp': {
            const lo = args[1].v[i];
            const hi = args[2].v[i];
            put(out, i, Math.min(Math.max(x, lo), hi), lo > hi ? CLAMP_BOUNDS : 0);
            break;
          }
          case 'min':
          case 'max': {
            let m = x;
            for (const a of args) m = node.fn === 'min' ? Math.min(m, a.v[i]) : Math.max(m, a.v[i]);
            put(out, i, m, 0);
            break;
          }
        }
      }
      return out;
    }
    case 'if': {
      const c = evaluate(program, node.condition, frame);
      const a = evaluate(program, node.then, frame);
      const b = evaluate(program, node.otherwise, frame);
      for (let i = 0; i < n; i++) {
        if (c.r[i]) put(out, i, NaN, c.r[i]);
        else if (c.v[i]) put(out, i, a.v[i], a.r[i]);
        else put(out, i, b.v[i], b.r[i]);
      }
      return out;
    }
    case 'peer':
    case 'pooled': {
      const s = peerStatistic(program, node, frame.peer);
      return filled(n, s.v, s.r);
    }
  }
}

function arithmetic(op: BinaryOp, x: number, y: number): number {
  switch (op) {
    case '+': return x + y;
    case '-': return x - y;
    case '*': return x * y;
    case '/': return x / y;
    case '<': return x < y ? 1 : 0;
    case '<=': return x <= y ? 1 : 0;
    case '>': return x > y ? 1 : 0;
    case '>=': return x >= y ? 1 : 0;
    case '==': return x === y ? 1 : 0;
    case '!=': return x !== y ? 1 : 0;
    default: return NaN; // and/or are handled by the caller
  }
}

/** One number over the peer frame, computed once per node however many units ask for it. */
function peerStatistic(program: CompiledProgram, node: Extract<Node, { kind: 'peer' | 'pooled' }>, peers: Frame): { v: number; r: number } {
  const cached = peers.peerCache.get(node.id);
  if (cached) return cached;
  let result: { v: number; r: number };
  if (node.kind === 'peer') {
    const x = evaluate(program, node.arg, peers);
    let sum = 0;
    let count = 0;
    for (let i = 0; i < peers.n; i++) {
      if (x.r[i]) continue;
      sum += x.v[i];
      count++;
    }
    const v = node.fn === 'mean' ? sum / count : sum;
    result = count === 0 ? { v: NaN, r: NO_PEERS } : Number.isFinite(v) ? { v, r: 0 } : { v: NaN, r: OVERFLOW };
  } else {
    const a = peers.columns.get(node.numerator)!;
    const b = peers.columns.get(node.denominator)!;
    let sumA = 0;
    let sumB = 0;
    let count = 0;
    for (let i = 0; i < peers.n; i++) {
      if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) continue;
      sumA += a[i];
      sumB += b[i];
      count++;
    }
    const v = sumA / sumB;
    result = count === 0 ? { v: NaN, r: NO_PEERS } : sumB === 0 ? { v: NaN, r: DIV_ZERO } : Number.isFinite(v) ? { v, r: 0 } : { v: NaN, r: OVERFLOW };
  }
  peers.peerCache.set(node.id, result);
  return result;
}

/** The reason for each unit as words, e.g. for a table cell's tooltip. */
export function reasonOf(result: FormulaResult, unit: number): NaReason {
  return NA_REASONS[result.reasons[unit]] ?? 'missing-value';
}
