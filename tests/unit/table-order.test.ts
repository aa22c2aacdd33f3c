// The order of a table on screen (src/ui/table-order.ts): an index over typed-array columns, filtered by a search,
// sorted by one column (n/a values last when descending, ties in their order), and what a header click does.
import { describe, expect, it } from 'vitest';
import {
  ariaSort, byNumber, byText, nextSort, rowIndex, sortArrow, sortInForce, sortRows, textSearch, thenBy,
} from '../../src/ui/table-order.ts';

const codes = ['FB19', 'BR21', 'ES31', 'GK19'];
const names = ['心脏手术', 'Brain ischaemia', undefined, '结肠镜'];
const cases = Int32Array.from([12, 0, 40, 12]);

describe('rows and search', () => {
  it('lists the rows a test keeps, in order; all rows without a test', () => {
    expect(rowIndex(4)).toEqual([0, 1, 2, 3]);
    expect(rowIndex(4, (r) => cases[r] !== 0)).toEqual([0, 2, 3]);
    expect(rowIndex(0)).toEqual([]);
  });

  it('matches any column, ignoring case and the spaces around the text; no text matches all', () => {
    expect(rowIndex(4, textSearch('  br', codes, names))).toEqual([1]);
    expect(rowIndex(4, textSearch('ISCHAEMIA', codes, names))).toEqual([1]);
    expect(rowIndex(4, textSearch('结肠', codes, names))).toEqual([3]);
    expect(rowIndex(4, textSearch('19', codes, names))).toEqual([0, 3]);
    expect(rowIndex(4, textSearch('', codes, names))).toEqual([0, 1, 2, 3]);
    expect(rowIndex(4, textSearch('zz', codes, names, null, undefined))).toEqual([]);
  });
});

describe('sorting an index', () => {
  it('sorts by a number column either way; equal values keep their order', () => {
    expect(sortRows([0, 1, 2, 3], byNumber(cases), true)).toEqual([2, 0, 3, 1]);
    expect(sortRows([0, 1, 2, 3], byNumber(cases), false)).toEqual([1, 0, 3, 2]);
  });

  it('puts values that could not be computed (NaN, ±∞) last when descending, first when ascending', () => {
    const v = Float64Array.from([2, NaN, 5, Infinity, -1]);
    expect(sortRows(rowIndex(5), byNumber(v), true)).toEqual([2, 0, 4, 1, 3]);
    expect(sortRows(rowIndex(5), byNumber(v), false)).toEqual([1, 3, 4, 0, 2]);
  });

  it('sorts text in the locale order, a missing text as empty, and breaks ties with a second column', () => {
    expect(sortRows(rowIndex(4), byText(codes), false)).toEqual([1, 2, 0, 3]);
    expect(sortRows(rowIndex(4), byText(names), false)[0]).toBe(2);
    const hospital = ['B', 'A', 'B', 'A'];
    expect(sortRows(rowIndex(4), thenBy(byText(hospital), byText(codes)), false)).toEqual([1, 3, 2, 0]);
    expect(sortRows(rowIndex(4), thenBy(byText(hospital), byText(codes)), true)).toEqual([0, 2, 3, 1]);
  });
});

describe('header clicks', () => {
  it('the same column turns round; another starts largest first, or A → Z for a text column', () => {
    expect(nextSort({ sortBy: 'cases', descending: true }, 'cases')).toEqual({ sortBy: 'cases', descending: false });
    expect(nextSort({ sortBy: 'cases', descending: false }, 'weight')).toEqual({ sortBy: 'weight', descending: true });
    expect(nextSort({ sortBy: 'cases', descending: true }, 'code', ['code'])).toEqual({ sortBy: 'code', descending: false });
    expect(nextSort({ sortBy: 'code', descending: false }, 'code', ['code'])).toEqual({ sortBy: 'code', descending: true });
  });

  it('says the direction as aria-sort and an arrow on the sorted column only', () => {
    const s = { sortBy: 'cases', descending: true };
    expect([ariaSort(s, 'cases'), sortArrow(s, 'cases')]).toEqual(['descending', ' ▼']);
    expect([ariaSort(s, 'weight'), sortArrow(s, 'weight')]).toEqual(['none', '']);
    expect([ariaSort({ ...s, descending: false }, 'cases'), sortArrow({ ...s, descending: false }, 'cases')]).toEqual(['ascending', ' ▲']);
  });

  it('a chosen column that is gone gives way to the fallback, descending; one still there keeps its direction', () => {
    const has = (id: string) => id !== 'f:old';
    expect(sortInForce({ sortBy: 'f:old', descending: false }, has, 'i:CMI')).toEqual({ sortBy: 'i:CMI', descending: true });
    expect(sortInForce({ sortBy: 'unit', descending: false }, has, 'i:CMI')).toEqual({ sortBy: 'unit', descending: false });
  });
});
