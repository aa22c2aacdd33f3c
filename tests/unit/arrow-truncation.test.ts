// A case file cut short (a copy or a download that stopped) says it ends early and how much of it
// there is, naming the file, instead of the Arrow reader's JavaScript detail ("reading 'fieldsLength'").
import { beforeAll, describe, expect, it } from 'vitest';
import { CaseGenerator } from '../../src/demo/synthetic-cases.ts';
import { bytesNeeded, readCaseTable } from '../../src/data/arrow-case-file.ts';
import { createNodeEngine } from '../../src/engine/node/engine-node.ts';
import type { Engine } from '../../src/engine/engine.ts';
import type { EngineError } from '../../src/shared/errors.ts';

let demo: Uint8Array;
let engine: Engine;

beforeAll(async () => {
  demo = new CaseGenerator({ cases: 3000, seed: 7, hospitals: 2, years: 1 }).toUint8Array();
  engine = await createNodeEngine();
});

/** The error of reading `demo` cut to `n` bytes. */
function cutError(n: number): EngineError {
  const r = engine.loadCases(demo.subarray(0, n), 'cut.arrow');
  expect(r.ok).toBe(false);
  return r.ok ? ({} as EngineError) : r.errors[0]!;
}

describe('a truncated Arrow file ends early', () => {
  it('the whole demo file reads, and needs no more bytes than it has', () => {
    expect(readCaseTable(demo, 'demo.arrow').table.numRows).toBe(3000);
    expect(bytesNeeded(demo, 8)).toBeNull();
  });

  it('cut inside the first message header: 12 of at least 16 bytes', () => {
    const e = cutError(12);
    expect(e.code).toBe('file.corrupt');
    expect(e.where?.file).toBe('cut.arrow');
    expect(e.message).toBe('cut.arrow: the file ends early (12 of at least 16 bytes); it was probably cut short while copying or downloading');
  });

  it('cut at 1 %, 30 %, 60 % and 99 %: N of at least M bytes, with N < M ≤ the real size', () => {
    for (const share of [0.01, 0.3, 0.6, 0.99]) {
      const n = Math.floor(demo.length * share);
      const e = cutError(n);
      expect(e.code).toBe('file.corrupt');
      const m = /^cut\.arrow: the file ends early \((\d+) of at least (\d+) bytes\)/.exec(e.message);
      expect(m, e.message).not.toBeNull();
      expect(Number(m![1])).toBe(n);
      expect(Number(m![2])).toBeGreaterThan(n);
      expect(Number(m![2])).toBeLessThanOrEqual(demo.length);
      expect(e.message).not.toMatch(/fieldsLength|Cannot read|undefined|null/);
    }
  });

  it('cut in the footer: the closing ARROW1 marker is missing', () => {
    const n = demo.length - 3;
    expect(cutError(n).message).toBe(`cut.arrow: the file ends early: its closing ARROW1 marker is missing (${n} bytes); it was probably cut short while copying or downloading`);
  });

  it('damage the reader trips on is described without its JavaScript detail', () => {
    // The closing marker is kept, the footer (the file's schema and block index) is zeroed.
    const damaged = demo.slice();
    const footerLength = new DataView(damaged.buffer).getInt32(damaged.length - 10, true);
    damaged.fill(0, damaged.length - 10 - footerLength, damaged.length - 10);
    const r = engine.loadCases(damaged, 'damaged.arrow');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]!.code).toBe('file.corrupt');
    expect(r.errors[0]!.message).toBe(`damaged.arrow: the Arrow data is damaged or truncated (the file is damaged or not an Arrow file (${demo.length} bytes))`);
  });
});
