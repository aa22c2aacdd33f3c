// A list the worker pages (the cases of a DRG, the rows a quality rule flagged, the special-review list): the page on
// screen, its offset and total, loading and errors. The latest request wins; an answer about other data is dropped.
import type { RowPage } from '../engine/engine-api.ts';
import type { EngineError, Result } from '../shared/errors.ts';

/** What is on screen, replaced whole on every change. */
export interface PagedListState<K, R> {
  /** What the list is of (a DRG filter, a quality rule, a scenario); null before the first page. */
  key: K | null;
  offset: number;
  total: number;
  rows: R[];
  loading: boolean;
  /** Why the last request was refused; the page before it stays. */
  errors: EngineError[];
  /** The data generation the page is of. */
  generation: number;
}

/** Where the list keeps its state: a plain holder by default; the page passes a reactive one (reactive-cell). */
export interface Cell<T> {
  value: T;
}

export type FetchPage<K, R> = (key: K, offset: number, limit: number) => Promise<Result<RowPage<R>>>;

const EMPTY = { key: null, offset: 0, total: 0, rows: [], loading: false, errors: [], generation: -1 } as const;

export class PagedList<K, R> {
  readonly #cell: Cell<PagedListState<K, R>>;
  /** Counts requests: only the answer to the latest is shown. */
  #ticket = 0;

  constructor(
    private readonly fetchPage: FetchPage<K, R>,
    readonly limit: number,
    /** The generation of the loaded data (app.generation): a page of other cases or another ruleset is not shown. */
    private readonly generation: () => number,
    cell: <T>(initial: T) => Cell<T> = (initial) => ({ value: initial }),
  ) {
    this.#cell = cell<PagedListState<K, R>>({ ...EMPTY, rows: [], errors: [] });
  }

  /** A page is on screen: one was loaded, and of the data loaded now. */
  get shown(): boolean {
    const s = this.#cell.value;
    return s.key !== null && s.generation === this.generation();
  }

  get key(): K | null { return this.#cell.value.key; }
  get rows(): R[] { return this.#cell.value.rows; }
  get total(): number { return this.#cell.value.total; }
  get offset(): number { return this.#cell.value.offset; }
  get loading(): boolean { return this.#cell.value.loading; }
  get errors(): EngineError[] { return this.#cell.value.errors; }
  /** The first and last row on screen, counted from 1 (0 and 0 for an empty list). */
  get from(): number { return this.total ? this.offset + 1 : 0; }
  get to(): number { return this.offset + this.rows.length; }
  get hasPrevious(): boolean { return this.offset > 0; }
  get hasNext(): boolean { return this.offset + this.limit < this.total; }

  /** Asks for the page of `key` at `offset`; true when it is the one now on screen. */
  async show(key: K, offset = 0): Promise<boolean> {
    const ticket = ++this.#ticket;
    const generation = this.generation();
    this.#update({ loading: true });
    const r = await this.fetchPage(key, offset, this.limit);
    if (ticket !== this.#ticket) return false; // a later request (or clear) took over
    if (generation !== this.generation()) {
      this.#update({ loading: false }); // the answer is about data no longer loaded
      return false;
    }
    if (!r.ok) {
      this.#update({ loading: false, errors: r.errors });
      return false;
    }
    this.#update({ key, offset, total: r.value.total, rows: r.value.rows, loading: false, errors: [], generation });
    return true;
  }

  previous(): Promise<boolean> {
    const { key, offset } = this.#cell.value;
    return key === null ? Promise.resolve(false) : this.show(key, Math.max(0, offset - this.limit));
  }

  next(): Promise<boolean> {
    const { key, offset } = this.#cell.value;
    return key === null ? Promise.resolve(false) : this.show(key, offset + this.limit);
  }

  /** No list on screen; an answer still on its way is dropped. */
  clear(): void {
    this.#ticket++;
    this.#cell.value = { ...EMPTY, rows: [], errors: [] };
  }

  #update(change: Partial<PagedListState<K, R>>): void {
    this.#cell.value = { ...this.#cell.value, ...change };
  }
}
