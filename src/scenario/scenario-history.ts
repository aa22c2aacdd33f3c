// Undo/redo over scenario states (issue #5): frozen snapshots, a bounded depth, and coalescing so a slider drag
// is one step. Framework-free; the page wraps it in its own reactive state. Knows nothing of what a state means.
//
// Coalescing: a push replaces the newest step instead of adding one when it carries the same `gesture` as the
// push before it, or the same `field` within `coalesceMs` of the push before it (the window slides with each
// push). Undo, redo, reset and seal() end coalescing, so the next push is always a step of its own.

export interface HistoryOptions<T> {
  /** Undo steps kept; older ones are dropped. */
  depth?: number;
  /** Same-field pushes closer together than this become one step. */
  coalesceMs?: number;
  /** Clock, for tests. */
  now?: () => number;
  /** Two states the same: a push of the current state is ignored. Default: equal JSON. */
  equals?: (a: T, b: T) => boolean;
}

export interface PushOptions {
  /** What was edited, e.g. `parameters.drgBaseRateYuan.3`. */
  field?: string;
  /** One user gesture (a drag, a bulk paste): every push with the same id is one step. */
  gesture?: string | number;
}

import type { Scenario } from './scenario.ts';

export const DEFAULT_HISTORY_DEPTH = 100;
export const DEFAULT_COALESCE_MS = 1000;

/** A deep-readonly snapshot (frozen at run time too). */
export type Frozen<T> = T extends object ? { readonly [K in keyof T]: Frozen<T[K]> } : T;

function deepFreeze<T>(x: T): Frozen<T> {
  if (typeof x === 'object' && x !== null && !Object.isFrozen(x) && !ArrayBuffer.isView(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x as Frozen<T>;
}

export class ScenarioHistory<T = Scenario> {
  private past: Frozen<T>[] = [];
  private future: Frozen<T>[] = [];
  private present: Frozen<T>;
  /** The push the newest step came from, while it may still absorb the next one. */
  private open: { field?: string; gesture?: string | number; at: number } | null = null;
  private readonly depth: number;
  private readonly coalesceMs: number;
  private readonly now: () => number;
  private readonly equals: (a: T, b: T) => boolean;

  constructor(initial: T, options: HistoryOptions<T> = {}) {
    this.depth = Math.max(0, options.depth ?? DEFAULT_HISTORY_DEPTH);
    this.coalesceMs = options.coalesceMs ?? DEFAULT_COALESCE_MS;
    this.now = options.now ?? (() => Date.now());
    this.equals = options.equals ?? ((a, b) => JSON.stringify(a) === JSON.stringify(b));
    this.present = snapshot(initial);
  }

  /** The current state (frozen: copy it to edit, then push the copy). */
  get current(): Frozen<T> { return this.present; }
  get canUndo(): boolean { return this.past.length > 0; }
  get canRedo(): boolean { return this.future.length > 0; }
  get undoSteps(): number { return this.past.length; }
  get redoSteps(): number { return this.future.length; }

  /** Records a new state (a snapshot is taken); clears redo. Returns whether the state changed. */
  push(state: T, options: PushOptions = {}): boolean {
    if (this.equals(state, this.present as T)) return false;
    const at = this.now();
    const o = this.open;
    const coalesce = o !== null && this.past.length > 0 && (
      (options.gesture !== undefined && options.gesture === o.gesture)
      || (options.gesture === undefined && o.gesture === undefined && options.field !== undefined
        && options.field === o.field && at - o.at <= this.coalesceMs));
    if (!coalesce) {
      this.past.push(this.present);
      if (this.past.length > this.depth) this.past.splice(0, this.past.length - this.depth);
    } else if (this.equals(state, this.past[this.past.length - 1] as T)) {
      // A gesture that ends where it began leaves no step behind.
      this.present = this.past.pop()!;
      this.future = [];
      this.open = null;
      return true;
    }
    this.present = snapshot(state);
    this.future = [];
    this.open = options.field !== undefined || options.gesture !== undefined ? { ...options, at } : null;
    return true;
  }

  /** Ends coalescing (e.g. on pointer-up), so the next push is a new step. */
  seal(): void { this.open = null; }

  undo(): Frozen<T> | undefined {
    const prev = this.past.pop();
    if (prev === undefined) return undefined;
    this.future.push(this.present);
    this.present = prev;
    this.open = null;
    return prev;
  }

  redo(): Frozen<T> | undefined {
    const next = this.future.pop();
    if (next === undefined) return undefined;
    this.past.push(this.present);
    this.present = next;
    this.open = null;
    return next;
  }

  /** Starts over from `state` with no undo or redo (e.g. a scenario loaded from a file). */
  reset(state: T): void {
    this.past = [];
    this.future = [];
    this.present = snapshot(state);
    this.open = null;
  }
}

function snapshot<T>(state: T): Frozen<T> {
  return deepFreeze(structuredClone(state));
}
