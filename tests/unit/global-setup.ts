// Builds the Wasm core (if stale) once before the unit tests, so no test depends on a manual step.
import { ensureWasmBuilt } from '../../src/engine/node/wasm-build.ts';

export default async function setup(): Promise<void> {
  await ensureWasmBuilt();
}
