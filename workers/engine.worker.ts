// The engine worker: owns the case data and the Wasm core, and exposes one typed API through comlink.
// Results cross back as transferred typed arrays; the main thread never sees a per-case array.
import * as Comlink from 'comlink';
import wasmUrl from '../build/wasm/core.wasm?url';
import { Engine, type CaseFileInfo } from '../src/engine/engine.ts';
import type { Result } from '../src/engine/engine-errors.ts';
import { summaryBuffers, summaryColumns, type UnitSummary } from '../src/engine/unit-summary.ts';
import { exportColumns, type ExportFormat } from '../src/data/table-export.ts';

let engine: Engine | null = null;

async function ready(): Promise<Engine> {
  if (!engine) engine = Engine.fromModule(await WebAssembly.compileStreaming(fetch(wasmUrl)));
  return engine;
}

function readFailure(file: string, e: unknown): Result<never> {
  const detail = e instanceof Error ? e.message : String(e);
  return { ok: false, errors: [{ code: 'file.read', message: `${file}: ${detail}`, params: { file, detail }, where: { file } }] };
}

const api = {
  /** Loads a case file whose bytes the page transferred (not copied) to this worker. */
  async loadCases(buffer: ArrayBuffer, file: string, onProgress?: (fraction: number) => void): Promise<Result<CaseFileInfo>> {
    return (await ready()).loadCases(new Uint8Array(buffer), file, { onProgress });
  },

  /** Fetches and loads a file served by this site (the demo data) without passing through the page. */
  async loadCasesFromUrl(url: string, file: string): Promise<Result<CaseFileInfo>> {
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return (await ready()).loadCases(new Uint8Array(await response.arrayBuffer()), file);
    } catch (e) {
      return readFailure(file, e);
    }
  },

  async caseFileInfo(): Promise<CaseFileInfo | null> {
    return (await ready()).caseFileInfo();
  },

  async departmentSummary(): Promise<Result<UnitSummary>> {
    const result = (await ready()).departmentSummary();
    return result.ok ? Comlink.transfer(result, summaryBuffers(result.value)) : result;
  },

  /** The department summary as a CSV (UTF-8 with BOM) or Arrow file, bytes transferred to the page. */
  async exportDepartmentSummary(format: ExportFormat): Promise<Result<Uint8Array>> {
    const result = (await ready()).departmentSummary();
    if (!result.ok) return result;
    const bytes = exportColumns(summaryColumns(result.value), format);
    return Comlink.transfer({ ok: true, value: bytes }, [bytes.buffer as ArrayBuffer]);
  },
};

export type EngineWorkerApi = typeof api;

Comlink.expose(api);
