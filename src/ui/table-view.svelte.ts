// The state of one table on screen: the column it is sorted by and the direction, the search text, and how many
// rows of its order are shown. Rows stay an index over the table's columns; table-order.ts filters and sorts them.
import { nextSort, sortInForce, type SortState } from './table-order.ts';

/** What a sortable header needs: the sort in force, and sorting by a column. */
export interface Sortable<K extends string> extends SortState<K> {
  sort(id: K): void;
}

export interface TableSortOptions<K extends string> {
  descending?: boolean;
  /** Columns whose first click sorts A → Z (codes, names); the others start largest first. */
  ascendingFirst?: readonly K[];
}

export class TableSort<K extends string> implements Sortable<K> {
  sortBy = $state<K>('' as K);
  descending = $state(true);
  readonly #ascendingFirst: readonly K[];

  constructor(sortBy: K, options: TableSortOptions<K> = {}) {
    this.sortBy = sortBy;
    this.descending = options.descending ?? true;
    this.#ascendingFirst = options.ascendingFirst ?? [];
  }

  sort(id: K): void {
    this.#set(nextSort(this, id, this.#ascendingFirst));
  }

  /** The sort in force while the chosen column may be gone (then `fallback`, descending); a click sorts from it. */
  within(valid: (id: K) => boolean, fallback: K): Sortable<K> {
    const inForce = sortInForce(this, valid, fallback);
    return { ...inForce, sort: (id) => this.#set(nextSort(inForce, id, this.#ascendingFirst)) };
  }

  #set(s: SortState<K>): void {
    this.sortBy = s.sortBy;
    this.descending = s.descending;
  }
}

export interface TableViewOptions<K extends string> extends TableSortOptions<K> {
  sortBy?: K;
  /** Rows shown at first and added by each "show more"; all rows when not given. */
  page?: number;
}

export class TableView<K extends string = string> extends TableSort<K> {
  readonly page: number;
  shown = $state(0);
  #query = $state('');

  constructor(options: TableViewOptions<K> = {}) {
    super(options.sortBy ?? ('' as K), options);
    this.page = options.page ?? Infinity;
    this.shown = this.page;
  }

  get query(): string {
    return this.#query;
  }

  /** A new search starts again at the first page. */
  set query(text: string) {
    this.#query = text;
    this.shown = this.page;
  }

  firstPage(): void {
    this.shown = this.page;
  }

  more(): void {
    this.shown += this.page;
  }

  /** The part of `order` on screen. */
  visible<T>(order: readonly T[]): T[] {
    return order.slice(0, this.shown);
  }

  /** How many of `total` rows are on screen. */
  shownOf(total: number): number {
    return Math.min(this.shown, total);
  }
}
