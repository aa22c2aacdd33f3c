// Creates an Engine under Node (CLI, unit tests, bench) from the built Wasm, building it first if stale.
// The browser creates its Engine in workers/engine.worker.ts from the bundled module instead.
import { readFile } from 'node:fs/promises';
import { Engine } from '../engine.ts';
import { ensureWasmBuilt, WASM_DEBUG, WASM_RELEASE } from './wasm-build.ts';

export async function loadCoreModule(flavour: 'release' | 'debug' = 'release'): Promise<WebAssembly.Module> {
  await ensureWasmBuilt();
  return WebAssembly.compile(await readFile(flavour === 'release' ? WASM_RELEASE : WASM_DEBUG));
}

export async function createNodeEngine(flavour: 'release' | 'debug' = 'release'): Promise<Engine> {
  return Engine.fromModule(await loadCoreModule(flavour));
}
