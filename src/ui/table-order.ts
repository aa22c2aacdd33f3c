// The order of a table on screen: an index of row numbers over the table's columns (typed arrays, string
// arrays), filtered by a search and sorted by one column. Never builds an object per row.

/** Compares two rows by their numbers; below 0 puts `a` first. */
export type RowCompare = (a: number, b: number) => number;

/** The column a table is sorted by, and the direction. */
export interface SortState<K extends string> {
  readonly sortBy: K;
  readonly descending: boolean;
}

/** Rows 0 … n − 1 that `keep` accepts, in order. */
export function rowIndex(n: number, keep?: (row: number) => boolean): number[] {
  const rows: number[] = [];
  for (let row = 0; row < n; row++) if (!keep || keep(row)) rows.push(row);
  return rows;
}

/** A search over text columns: a row matches when one of them holds the text, in any case; no text matches all. */
export function textSearch(query: string, ...columns: readonly (ArrayLike<string | undefined> | null | undefined)[]): (row: number) => boolean {
  const q = query.trim().toLowerCase();
  if (!q) return () => true;
  return (row) => columns.some((c) => (c?.[row] ?? '').toLowerCase().includes(q));
}

// NaN and ±∞ sort below every number, so a value that could not be computed ends a descending list.
const finiteOrLow = (v: number) => (Number.isFinite(v) ? v : -Infinity);

/** Numbers, smallest first. */
export function byNumber(values: ArrayLike<number>): RowCompare {
  return (a, b) => finiteOrLow(values[a]!) - finiteOrLow(values[b]!);
}

/** Texts in the locale's order; a missing text counts as empty. */
export function byText(values: ArrayLike<string | undefined>): RowCompare {
  return (a, b) => (values[a] ?? '').localeCompare(values[b] ?? '');
}

/** The first comparison that tells two rows apart. */
export function thenBy(...compares: RowCompare[]): RowCompare {
  return (a, b) => {
    for (const compare of compares) {
      const c = compare(a, b);
      if (c) return c;
    }
    return 0;
  };
}

/** Sorts `rows` in place (and returns it), reversed when descending; rows that compare equal keep their order. */
export function sortRows(rows: number[], compare: RowCompare, descending: boolean): number[] {
  const dir = descending ? -1 : 1;
  return rows.sort((a, b) => dir * compare(a, b));
}

/** The sort after a click on column `id`: the same column turns round; another starts largest first, or A → Z
 *  when it is one of `ascendingFirst` (codes and names). */
export function nextSort<K extends string>(current: SortState<K>, id: K, ascendingFirst: readonly K[] = []): SortState<K> {
  if (current.sortBy === id) return { sortBy: id, descending: !current.descending };
  return { sortBy: id, descending: !ascendingFirst.includes(id) };
}

/** The sort in force when the chosen column may be gone (a formula renamed, a column hidden): `fallback`, descending. */
export function sortInForce<K extends string>(chosen: SortState<K>, valid: (id: K) => boolean, fallback: K): SortState<K> {
  const sortBy = valid(chosen.sortBy) ? chosen.sortBy : fallback;
  return { sortBy, descending: sortBy === chosen.sortBy ? chosen.descending : true };
}

/** The header's aria-sort for column `id`. */
export function ariaSort<K extends string>(state: SortState<K>, id: K): 'ascending' | 'descending' | 'none' {
  if (state.sortBy !== id) return 'none';
  return state.descending ? 'descending' : 'ascending';
}

/** The arrow after the header's label for column `id` (none when the table is sorted by another column). */
export function sortArrow<K extends string>(state: SortState<K>, id: K): string {
  if (state.sortBy !== id) return '';
  return state.descending ? ' ▼' : ' ▲';
}
