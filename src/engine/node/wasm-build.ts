// Compiles assembly/ to build/wasm/ (release and debug) when any source is newer than the output.
// Node-only: used by the Vite plugin, the unit-test setup, the CLI and the bench, so no step is manual.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const WASM_DIR = join(ROOT, 'build', 'wasm');
export const WASM_RELEASE = join(WASM_DIR, 'core.wasm');
export const WASM_DEBUG = join(WASM_DIR, 'core.debug.wasm');
const ASSEMBLY_DIR = join(ROOT, 'assembly');

function newestSourceMtime(): number {
  let newest = statSync(join(ROOT, 'asconfig.json')).mtimeMs;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') || entry.name.endsWith('.json')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(ASSEMBLY_DIR);
  return newest;
}

function isStale(outFile: string): boolean {
  return !existsSync(outFile) || statSync(outFile).mtimeMs < newestSourceMtime();
}

export async function compileTarget(target: 'release' | 'debug'): Promise<void> {
  const { default: asc } = await import('assemblyscript/asc');
  let stderrText = '';
  const { error } = await asc.main(['assembly/index.ts', '--config', 'asconfig.json', '--target', target], {
    stdout: { write: () => true } as never,
    stderr: { write: (chunk: string | Uint8Array) => { stderrText += String(chunk); return true; } } as never,
    readFile: undefined,
    baseDir: ROOT,
  } as never);
  if (error) throw new Error(`AssemblyScript build (${target}) failed:\n${stderrText || error.message}`);
}

/** Rebuilds whichever targets are stale; returns the targets it built. */
export async function ensureWasmBuilt(force = false): Promise<string[]> {
  const built: string[] = [];
  for (const [target, file] of [['release', WASM_RELEASE], ['debug', WASM_DEBUG]] as const) {
    if (force || isStale(file)) {
      await compileTarget(target);
      built.push(target);
    }
  }
  return built;
}
