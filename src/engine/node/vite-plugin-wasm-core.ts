// Vite plugin: builds the AssemblyScript core before any build or dev start, and again on each change.
// So `npm run dev`, `npm run build` and the tests never need a manual Wasm step.
import type { Plugin } from 'vite';
import { join } from 'node:path';
import { ensureWasmBuilt, ROOT } from './wasm-build.ts';

export function wasmCore(): Plugin {
  return {
    name: 'casemix-wasm-core',
    async buildStart() {
      await ensureWasmBuilt();
    },
    configureServer(server) {
      const assemblyDir = join(ROOT, 'assembly');
      server.watcher.add(assemblyDir);
      server.watcher.on('change', async (file) => {
        if (!file.startsWith(assemblyDir)) return;
        try {
          const built = await ensureWasmBuilt();
          if (built.length) server.ws.send({ type: 'full-reload' });
        } catch (e) {
          server.config.logger.error(String(e instanceof Error ? e.message : e));
        }
      });
    },
  };
}
