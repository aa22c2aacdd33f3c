// The page's handle on the engine worker: typed calls through comlink, buffers transferred, never cloned.
// If the worker dies it is restarted and the caller gets an error value; the page itself never blocks.
import * as Comlink from 'comlink';
import type { EngineWorkerApi } from '../../workers/engine.worker.ts';
import type { LibraryRulesetInfo } from '../../workers/ruleset-library.ts';
import type { WeightedRulesetInfo } from '../../workers/weighted-rules.ts';
import type { Result } from '../shared/errors.ts';
import type { CaseFileInfo } from '../engine/engine.ts';

/** The worker as the page sees it: the engine's declared API and the worker's I/O, every call async. */
export type EngineRemote = Comlink.Remote<EngineWorkerApi>;

function spawn(): { worker: Worker; remote: EngineRemote } {
  const worker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), { type: 'module', name: 'engine' });
  return { worker, remote: Comlink.wrap<EngineWorkerApi>(worker) };
}

/** A file is read whole into the worker; past this size a tab risks running out of memory. */
export const MAX_CASE_FILE_BYTES = 1.5 * 2 ** 30;

/** Refuses, before reading a byte, a file too large for a browser tab; the CLI has no such limit. */
export function fileTooLarge(file: string, size: number, limit = MAX_CASE_FILE_BYTES): Result<never> | null {
  if (size <= limit) return null;
  const sizeMiB = Math.round(size / 2 ** 20), limitMiB = Math.round(limit / 2 ** 20);
  return {
    ok: false,
    errors: [{ code: 'file.too_large', message: `${file}: ${sizeMiB} MiB is more than the ${limitMiB} MiB a browser tab can load`, params: { file, sizeMiB, limitMiB }, where: { file } }],
  };
}

export class EngineClient {
  private current = spawn();

  get remote(): EngineRemote {
    return this.current.remote;
  }

  /** Runs one call; a crash of the worker becomes an error Result and a fresh worker. */
  async call<T>(fn: (remote: EngineRemote) => Promise<Result<T>>): Promise<Result<T>> {
    try {
      return await fn(this.current.remote);
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      this.current.worker.terminate();
      this.current = spawn();
      return { ok: false, errors: [{ code: 'engine.crashed', message: detail, params: { detail } }] };
    }
  }

  loadFile(file: File, onProgress?: (fraction: number) => void): Promise<Result<CaseFileInfo>> {
    const tooLarge = fileTooLarge(file.name, file.size);
    if (tooLarge) return Promise.resolve(tooLarge);
    return this.call(async (remote) => {
      const buffer = await file.arrayBuffer();
      return remote.loadCases(Comlink.transfer(buffer, [buffer]), file.name, onProgress && Comlink.proxy(onProgress));
    });
  }

  /** Several CSV tables of one ruleset, read and transferred together. */
  loadRulesetCsvFiles(files: File[]): Promise<Result<LibraryRulesetInfo>> {
    return this.call(async (remote) => {
      const parts = await Promise.all(files.map(async (f) => ({ name: f.name, buffer: await f.arrayBuffer() })));
      return remote.loadRulesetCsv(Comlink.transfer(parts, parts.map((p) => p.buffer)));
    });
  }

  /** A rules file and the weight table to add to it (rules.json + weights.csv), read and transferred together. */
  loadRulesetWithWeights(rules: File, weights: File): Promise<Result<WeightedRulesetInfo>> {
    return this.call(async (remote) => {
      const [r, w] = await Promise.all([rules, weights].map(async (f) => ({ name: f.name, buffer: await f.arrayBuffer() })));
      return remote.loadRulesetWithWeights(Comlink.transfer(r!, [r!.buffer]), Comlink.transfer(w!, [w!.buffer]));
    });
  }

  loadRulesetFile(file: File): Promise<Result<LibraryRulesetInfo>> {
    return this.call(async (remote) => {
      const buffer = await file.arrayBuffer();
      return remote.loadRuleset(Comlink.transfer(buffer, [buffer]), file.name);
    });
  }
}
