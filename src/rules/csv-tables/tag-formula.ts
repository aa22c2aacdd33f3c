// The procedure-tag formula of adrg.csv (手术组合): `1 or (2 and 3)` over the tags of adrg_proc.csv,
// parsed into a tree of and/or. Never evaluated as code; a bad formula comes back as an error value.
import type { Condition } from '../ruleset-format.ts';
import { MAX_CONDITION_DEPTH } from '../ruleset-validate.ts';

export type TagTree = string | { and: TagTree[] } | { or: TagTree[] };

/** Parses `1 or (2 and 3)` (also 且/和/+/& and 或/|, full-width brackets); `and` binds tighter. */
export function parseTagFormula(text: string, tags: ReadonlySet<string>): { tree: TagTree } | { error: string } {
  const tokens = text.replace(/（/g, '(').replace(/）/g, ')').match(/\(|\)|[+&|]|[^\s()+&|]+/g) ?? [];
  let i = 0;
  // Brackets recurse: a limit keeps `((((…` thousands deep an error value, not a stack overflow.
  let depth = 0;
  const fail = (why: string): never => { throw new FormulaError(`formula "${text}": ${why}`); };
  const isAnd = (t: string | undefined) => t !== undefined && ['and', '且', '和', '+', '&'].includes(t.toLowerCase());
  const isOr = (t: string | undefined) => t !== undefined && ['or', '或', '|'].includes(t.toLowerCase());
  const atom = (): TagTree => {
    const t = tokens[i++];
    if (t === undefined) return fail('ends early');
    if (t === '(') {
      if (++depth > MAX_CONDITION_DEPTH) fail(`brackets nested deeper than ${MAX_CONDITION_DEPTH}`);
      const inner = orExpr();
      if (tokens[i++] !== ')') fail('missing ")"');
      depth--;
      return inner;
    }
    if (t === ')' || isAnd(t) || isOr(t)) fail(`unexpected "${t}"`);
    if (!tags.has(t)) fail(`"${t}" is not a tag of this ADRG's procedures (${[...tags].join(', ')})`);
    return t;
  };
  const seq = (next: () => TagTree, isOp: (t: string | undefined) => boolean, kind: 'and' | 'or'): TagTree => {
    const items = [next()];
    while (isOp(tokens[i])) { i++; items.push(next()); }
    return items.length === 1 ? items[0]! : kind === 'and' ? { and: items } : { or: items };
  };
  const andExpr = () => seq(atom, isAnd, 'and');
  const orExpr = (): TagTree => seq(andExpr, isOr, 'or');
  try {
    const tree = orExpr();
    if (i < tokens.length) fail(`unexpected "${tokens[i]}"`);
    return { tree };
  } catch (e) {
    if (e instanceof FormulaError) return { error: e.message };
    throw e;
  }
}

class FormulaError extends Error {}

/** The tree as a condition, each tag replaced by its leaf condition. */
export function mapTags(t: TagTree, leaf: (tag: string) => Condition): Condition {
  if (typeof t === 'string') return leaf(t);
  return 'and' in t ? { and: t.and.map((k) => mapTags(k, leaf)) } : { or: t.or.map((k) => mapTags(k, leaf)) };
}
