// One request in flight, the latest waiting: while a call runs, a newer request replaces the one waiting (no
// backlog), and the waiting one is sent when the call returns. Repricing and re-evaluating both go through it.

export interface LatestRequestOptions {
  /** Told true when calls start (after busyDelayMs, if they still run) and false when none is left. */
  onBusy?: (busy: boolean) => void;
  /** Calls shorter than this never show as busy (0: busy at once). */
  busyDelayMs?: number;
}

export class LatestRequest<J> {
  #running = false;
  #waiting: { job: J } | null = null;

  constructor(
    private readonly send: (job: J) => Promise<void>,
    private readonly options: LatestRequestOptions = {},
  ) {}

  /** A call is in flight. */
  get running(): boolean {
    return this.#running;
  }

  /** Sends `job` now, or after the call in flight in place of any job waiting; resolves when the calls it ran end. */
  async request(job: J): Promise<void> {
    if (this.#running) {
      this.#waiting = { job };
      return;
    }
    this.#running = true;
    const { onBusy, busyDelayMs = 0 } = this.options;
    const timer = onBusy && busyDelayMs > 0 ? setTimeout(() => onBusy(true), busyDelayMs) : undefined;
    if (onBusy && busyDelayMs <= 0) onBusy(true);
    try {
      let next: { job: J } | null = { job };
      while (next) {
        this.#waiting = null;
        await this.send(next.job);
        next = this.#waiting;
      }
    } finally {
      clearTimeout(timer);
      this.#waiting = null;
      this.#running = false;
      onBusy?.(false);
    }
  }
}
