// The engine worker: owns the case data and the Wasm core. It serves the declared engine API (src/engine/
// engine-api.ts) and this worker's own I/O through comlink; results' buffers are transferred, never cloned.
import * as Comlink from 'comlink';
import wasmUrl from '../build/wasm/core.wasm?url';
import { Engine } from '../src/engine/engine.ts';
import type { EngineApi } from '../src/engine/engine-api.ts';
import { droppedCsvTables } from './dropped-csv-tables.ts';
import { rulesetComparison } from './ruleset-comparison-io.ts';
import { rulesetLibrary } from './ruleset-library.ts';
import { servedApi } from './served-api.ts';
import { servedFiles } from './served-files.ts';
import { weightedRules } from './weighted-rules.ts';

// One engine per worker: calls that arrive while the core compiles share the same promise, so none
// of them can end up holding (and filling) an engine that another replaces.
let engine: Promise<Engine> | null = null;

function ready(): Promise<Engine> {
  engine ??= WebAssembly.compileStreaming(fetch(wasmUrl)).then((module) => Engine.fromModule(module));
  return engine;
}

/** What only the worker can do: fetch the site's files, keep rulesets in IndexedDB, import dropped CSV tables. */
const io = { ...servedFiles(ready), ...rulesetLibrary(ready), ...droppedCsvTables(ready), ...rulesetComparison(ready), ...weightedRules(ready) };

/** Two APIs side by side; a name in both (a method written twice) makes the composition `never`. */
type Composed<A, B> = [keyof A & keyof B] extends [never] ? A & B : never;

/** What the page calls: the engine's declared API and the worker's I/O. */
export type EngineWorkerApi = Composed<EngineApi, typeof io>;

Comlink.expose(servedApi(ready, io));
