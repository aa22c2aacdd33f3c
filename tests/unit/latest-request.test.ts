// One request in flight, the latest waiting (src/ui/latest-request.ts), as the Payment and Evaluation pages use it:
// no backlog while a call runs, the newest job sent next, busy reported late for short calls and cleared at the end.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LatestRequest } from '../../src/ui/latest-request.ts';

/** A call per job that returns when the test says so. */
function calls() {
  const sent: number[] = [];
  const pending: (() => void)[] = [];
  const send = (job: number) => {
    sent.push(job);
    return new Promise<void>((resolve) => pending.push(resolve));
  };
  const finish = async () => {
    pending.shift()!();
    for (let k = 0; k < 5; k++) await Promise.resolve();
  };
  return { sent, send, finish };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('latest request wins', () => {
  it('sends the first job at once and, of those asked for meanwhile, only the latest', async () => {
    const c = calls();
    const r = new LatestRequest<number>(c.send);
    const done = r.request(1);
    void r.request(2);
    void r.request(3);
    void r.request(4);
    expect(c.sent).toEqual([1]);
    expect(r.running).toBe(true);
    await c.finish();
    expect(c.sent).toEqual([1, 4]);
    await c.finish();
    await done;
    expect(r.running).toBe(false);
    expect(c.sent).toEqual([1, 4]);
  });

  it('a job asked for by the call itself (a retry) runs after it', async () => {
    const sent: number[] = [];
    const r: LatestRequest<number> = new LatestRequest<number>(async (job) => {
      sent.push(job);
      if (job === 1) void r.request(2);
    });
    await r.request(1);
    expect(sent).toEqual([1, 2]);
  });

  it('reports busy at once by default, and false when nothing is left', async () => {
    const c = calls();
    const busy: boolean[] = [];
    const r = new LatestRequest<number>(c.send, { onBusy: (b) => busy.push(b) });
    const done = r.request(1);
    void r.request(2);
    expect(busy).toEqual([true]);
    await c.finish();
    expect(busy).toEqual([true]);
    await c.finish();
    await done;
    expect(busy).toEqual([true, false]);
  });

  it('with a delay, calls shorter than it never show as busy; longer ones do', async () => {
    vi.useFakeTimers();
    const c = calls();
    const busy: boolean[] = [];
    const r = new LatestRequest<number>(c.send, { busyDelayMs: 200, onBusy: (b) => busy.push(b) });
    const quick = r.request(1);
    vi.advanceTimersByTime(150);
    await c.finish();
    await quick;
    vi.advanceTimersByTime(500);
    expect(busy).toEqual([false]);

    const slow = r.request(2);
    vi.advanceTimersByTime(250);
    expect(busy).toEqual([false, true]);
    await c.finish();
    await slow;
    expect(busy).toEqual([false, true, false]);
  });

  it('a call that throws ends the run; the next request starts afresh', async () => {
    let fail = true;
    const sent: number[] = [];
    const r = new LatestRequest<number>(async (job) => {
      sent.push(job);
      if (fail) throw new Error('worker gone');
    });
    await expect(r.request(1)).rejects.toThrow('worker gone');
    expect(r.running).toBe(false);
    fail = false;
    await r.request(2);
    expect(sent).toEqual([1, 2]);
  });
});
