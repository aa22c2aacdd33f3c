// `casemix generate`: writes synthetic §1 cases (src/demo/synthetic-cases.ts) to an Arrow IPC file.
// Streams batch by batch through one reused write buffer; progress goes to stderr, never the data.
import { closeSync, openSync, renameSync, writeSync } from 'node:fs';
import { CaseGenerator } from '../demo/synthetic-cases.ts';

export interface GenerateArgs {
  cases: number;
  seed: number;
  hospitals?: number;
  years?: number;
  out: string;
  anomalyRate?: number;
  qualityErrorRate?: number;
  /** Smaller file (whole-yuan costs, no fund columns): the built-in demo. */
  compact?: boolean;
  /** Arrow IPC file format (default) or stream format. */
  format?: 'file' | 'stream';
  /** Where progress and the final line go (default stderr). */
  log?: (line: string) => void;
}

export interface GenerateResult {
  rows: number;
  bytes: number;
  seconds: number;
  casesPerSecond: number;
  peakRssMB: number;
}

/** Bytes gathered before one write: few syscalls, bounded memory. */
const WRITE_BUFFER_BYTES = 8 << 20;

export async function generateCommand(args: GenerateArgs): Promise<GenerateResult> {
  const log = args.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (!Number.isInteger(args.cases) || args.cases < 1) throw new Error(`--cases must be a positive integer (got ${args.cases})`);
  if (!Number.isFinite(args.seed)) throw new Error(`--seed must be a number (got ${args.seed})`);
  const t0 = performance.now();
  const gen = new CaseGenerator({
    cases: args.cases, seed: args.seed, hospitals: args.hospitals, years: args.years,
    anomalyRate: args.anomalyRate, qualityErrorRate: args.qualityErrorRate, compact: args.compact,
  });
  // Written under a temporary name and renamed at the end: an interrupted run leaves no half file behind.
  const partial = `${args.out}.partial`;
  const fd = openSync(partial, 'w');
  const buffer = new Uint8Array(WRITE_BUFFER_BYTES);
  let used = 0;
  const flush = () => { if (used > 0) writeSync(fd, buffer, 0, used); used = 0; };
  const sink = (bytes: Uint8Array) => {
    if (bytes.byteLength >= WRITE_BUFFER_BYTES) { flush(); writeSync(fd, bytes); return; }
    if (used + bytes.byteLength > WRITE_BUFFER_BYTES) flush();
    buffer.set(bytes, used);
    used += bytes.byteLength;
  };
  let lastReport = t0;
  let written: { rows: number; bytes: number };
  try {
    written = gen.writeArrow(sink, args.format ?? 'file', (rows) => {
      const now = performance.now();
      if (now - lastReport >= 1000 || rows === args.cases) {
        lastReport = now;
        log(`generate: ${rows.toLocaleString('en-US')} / ${args.cases.toLocaleString('en-US')} cases (${((100 * rows) / args.cases).toFixed(0)} %)`);
      }
    });
    flush();
  } finally {
    closeSync(fd);
  }
  renameSync(partial, args.out);
  const seconds = (performance.now() - t0) / 1000;
  const result: GenerateResult = {
    rows: written.rows, bytes: written.bytes, seconds,
    casesPerSecond: written.rows / seconds,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  };
  log(`generate: wrote ${args.out}: ${result.rows.toLocaleString('en-US')} rows, ${result.bytes.toLocaleString('en-US')} bytes, ` +
    `${seconds.toFixed(2)} s, ${Math.round(result.casesPerSecond).toLocaleString('en-US')} cases/s, peak RSS ${result.peakRssMB.toFixed(0)} MB`);
  return result;
}
