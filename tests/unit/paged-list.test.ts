// A list the worker pages (src/ui/paged-list.ts): previous / next within the total, the latest request wins, an
// answer about data no longer loaded (another generation) is dropped, and a refused request keeps the page shown.
import { describe, expect, it } from 'vitest';
import type { RowPage } from '../../src/engine/engine-api.ts';
import type { Result } from '../../src/shared/errors.ts';
import { PagedList } from '../../src/ui/paged-list.ts';

const ROWS = Array.from({ length: 45 }, (_, i) => `row ${i}`);

/** A worker of 45 rows per key whose answers arrive when the test releases them (or at once). */
function worker(auto = true) {
  const waiting: (() => void)[] = [];
  const fetch = (key: string, offset: number, limit: number): Promise<Result<RowPage<string>>> => {
    const answer: Result<RowPage<string>> = key === 'bad'
      ? { ok: false, errors: [{ code: 'engine.no_cases', message: 'no cases' }] }
      : { ok: true, value: { total: ROWS.length, rows: ROWS.slice(offset, offset + limit).map((r) => `${key} ${r}`) } };
    if (auto) return Promise.resolve(answer);
    return new Promise((resolve) => waiting.push(() => resolve(answer)));
  };
  return { fetch, release: (k: number) => waiting[k]!() };
}

describe('worker-paged list', () => {
  it('pages forward and back within the total', async () => {
    const list = new PagedList(worker().fetch, 20, () => 0);
    expect([list.shown, list.hasPrevious, list.hasNext]).toEqual([false, false, false]);
    expect(await list.show('drg')).toBe(true);
    expect([list.key, list.offset, list.total, list.from, list.to]).toEqual(['drg', 0, 45, 1, 20]);
    expect([list.hasPrevious, list.hasNext]).toEqual([false, true]);
    await list.next();
    await list.next();
    expect([list.from, list.to, list.rows[0]]).toEqual([41, 45, 'drg row 40']);
    expect([list.hasPrevious, list.hasNext]).toEqual([true, false]);
    await list.previous();
    expect(list.offset).toBe(20);
  });

  it('shows the answer to the latest request, whatever order the answers come in', async () => {
    const w = worker(false);
    const list = new PagedList(w.fetch, 20, () => 0);
    const first = list.show('a');
    const second = list.show('b');
    expect(list.loading).toBe(true);
    w.release(1);
    expect(await second).toBe(true);
    w.release(0);
    expect(await first).toBe(false);
    expect([list.key, list.rows[0], list.loading]).toEqual(['b', 'b row 0', false]);
  });

  it('drops an answer about data no longer loaded, and hides a page of older data', async () => {
    let generation = 1;
    const w = worker(false);
    const list = new PagedList(w.fetch, 20, () => generation);
    const late = list.show('a');
    generation = 2; // other cases were loaded meanwhile
    w.release(0);
    expect(await late).toBe(false);
    expect([list.shown, list.loading]).toEqual([false, false]);

    const now = list.show('a');
    w.release(1);
    expect(await now).toBe(true);
    expect(list.shown).toBe(true);
    generation = 3;
    expect(list.shown).toBe(false);
  });

  it('a refused request keeps the page on screen and says why; the next good one clears that', async () => {
    const list = new PagedList(worker().fetch, 20, () => 0);
    await list.show('a', 20);
    expect(await list.show('bad')).toBe(false);
    expect([list.key, list.offset, list.errors.map((e) => e.code)]).toEqual(['a', 20, ['engine.no_cases']]);
    await list.show('a');
    expect(list.errors).toEqual([]);
  });

  it('clear empties the list and drops an answer on its way; the state lives in the cell it is given', async () => {
    const w = worker(false);
    const cells: { value: unknown }[] = [];
    const list = new PagedList(w.fetch, 20, () => 0, (initial) => {
      const cell = { value: initial };
      cells.push(cell);
      return cell;
    });
    const pending = list.show('a');
    list.clear();
    w.release(0);
    expect(await pending).toBe(false);
    expect([list.shown, list.key, list.rows]).toEqual([false, null, []]);
    expect(cells).toHaveLength(1);
    expect(cells[0]!.value).toMatchObject({ key: null, loading: false });
  });
});
