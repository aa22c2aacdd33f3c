// Build of the static site: Svelte 5 pages, the engine worker as an ES module, the Wasm core as an asset.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { wasmCore } from './src/engine/node/vite-plugin-wasm-core.ts';

export default defineConfig({
  base: './',
  plugins: [wasmCore(), svelte()],
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: 'dist', assetsInlineLimit: 0 },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
