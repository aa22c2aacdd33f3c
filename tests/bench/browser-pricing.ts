// The pricing bench in Chromium, in a module worker (issue #5: "1M cases: re-price + aggregate ≤ 25 ms in the
// worker in Chromium"). Bundles tests/bench/browser/pricing-worker.ts with Vite (Rolldown) into build/bench-browser/,
// serves it, build/wasm/core.wasm and a tiny page from 127.0.0.1, and runs it in Debian's Chromium; the worker
// runs the same timing code as Node (pricing-timing.ts). Nothing leaves 127.0.0.1: any other request is aborted
// and fails the run. `npx tsx tests/bench/browser-pricing.ts [cases] [reps] [--profile]`, or `benchPricingChromium()`.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { ensureWasmBuilt, ROOT, WASM_RELEASE } from '../../src/engine/node/wasm-build.ts';
import { launch } from '../e2e/browser.ts';
import { CHROMIUM } from '../e2e/ensure-chromium.ts';
import type { PricingWorkerReply, PricingWorkerResult } from './browser/pricing-worker.ts';

export const BENCH_BROWSER_DIR = join(ROOT, 'build', 'bench-browser');
const WORKER_ENTRY = fileURLToPath(new URL('./browser/pricing-worker.ts', import.meta.url));

export interface PricingChromiumBench extends PricingWorkerResult {
  /** Browser version as Playwright reports it, e.g. "156.0.8078.79". */
  chromium: string;
}

// The page starts the worker and exposes its reply as a promise; cases and reps come from the query string.
const INDEX_HTML = `<!doctype html>
<meta charset="utf-8">
<title>Casemix Workbench: pricing bench</title>
<script type="module">
  const q = new URLSearchParams(location.search);
  const worker = new Worker('./pricing-worker.js', { type: 'module' });
  window.benchReply = new Promise((resolve) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.onerror = (e) => resolve({ ok: false, error: 'worker error: ' + (e.message || 'failed to load') });
  });
  worker.postMessage({ cases: Number(q.get('cases')), reps: Number(q.get('reps')), profile: q.get('profile') === '1' });
</script>
`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm', '.map': 'application/json',
};

/** Bundles the worker entry for the browser (ES module, one file per chunk, not minified). */
async function bundleWorker(): Promise<void> {
  await build({
    configFile: false,
    root: ROOT,
    publicDir: false,
    logLevel: 'warn',
    build: {
      outDir: BENCH_BROWSER_DIR,
      emptyOutDir: true,
      target: 'es2022',
      minify: false,
      modulePreload: false,
      copyPublicDir: false,
      reportCompressedSize: false,
      rolldownOptions: {
        input: { 'pricing-worker': WORKER_ENTRY },
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  });
}

/** Serves the bundle, core.wasm and the page; cross-origin isolated so performance.now() has 5 µs resolution. */
async function serve(): Promise<{ server: Server; origin: string }> {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    let body: string | Buffer | null = null;
    if (path === '/' || path === '/index.html') body = INDEX_HTML;
    else if (path === '/core.wasm') body = await readFile(WASM_RELEASE);
    else {
      const file = normalize(join(BENCH_BROWSER_DIR, path));
      if (file.startsWith(BENCH_BROWSER_DIR + sep) && existsSync(file)) body = await readFile(file);
    }
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cache-Control': 'no-store',
    };
    if (body === null) {
      res.writeHead(404, headers).end('not found');
      return;
    }
    const type = path === '/' ? TYPES['.html']! : TYPES[extname(path)] ?? 'application/octet-stream';
    res.writeHead(200, { ...headers, 'Content-Type': type }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/**
 * Runs the pricing bench in a Chromium module worker; null when Chromium is not installed (the caller says so).
 * `log` prints a short progress trail (to stderr, so `--json` output stays clean); `profile` adds a step-by-step
 * breakdown of the Wasm time (profilePricing in pricing-timing.ts).
 */
export async function benchPricingChromium(cases = 1_000_000, reps = 9, log = false, profile = false): Promise<PricingChromiumBench | null> {
  if (!existsSync(CHROMIUM)) return null;
  const say = (s: string) => { if (log) console.error(s); };
  await ensureWasmBuilt();
  await bundleWorker();
  say(`bundled ${WORKER_ENTRY} into ${BENCH_BROWSER_DIR}`);
  const { server, origin } = await serve();
  const browser = await launch();
  try {
    const context = await browser.newContext();
    const offOrigin: string[] = [];
    // Anything not on this 127.0.0.1 origin is aborted (and recorded, which fails the run below).
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(origin + '/')) return route.continue();
      offOrigin.push(url);
      return route.abort();
    });
    context.on('request', (r) => { if (!r.url().startsWith(origin + '/') && !offOrigin.includes(r.url())) offOrigin.push(r.url()); });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${origin}/?cases=${cases}&reps=${reps}&profile=${profile ? 1 : 0}`);
    say(`Chromium ${browser.version()}: running ${cases.toLocaleString('en')} cases × ${reps} reps in a worker…`);
    const reply = await page.evaluate(() => (window as unknown as { benchReply: Promise<PricingWorkerReply> }).benchReply);
    if (pageErrors.length) throw new Error(`Chromium pricing bench: page errors: ${pageErrors.join('; ')}`);
    if (offOrigin.length) throw new Error(`Chromium pricing bench: requests outside ${origin}: ${offOrigin.join(', ')}`);
    if (!reply.ok) throw new Error(`Chromium pricing bench failed in the worker: ${reply.error}`);
    return { ...reply.result, chromium: browser.version() };
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The one-line summary run.ts prints. */
export function chromiumPricingLine(r: PricingChromiumBench): string {
  return `${'reprice-aggregate (Chromium worker)'} ${r.cases.toLocaleString('en')} cases wasm ${r.wasm_ms.toFixed(2)} ms ` +
    `reference ${r.reference_ms.toFixed(2)} ms ratio ${r.ratio.toFixed(2)}×  (budget-neutral: ${r.budget_wasm_ms.toFixed(2)} / ` +
    `${r.budget_reference_ms.toFixed(2)} ms; sums reused: ${r.budget_reused_wasm_ms.toFixed(2)} / ${r.budget_reused_reference_ms.toFixed(2)} ms)  Chromium ${r.chromium}`;
}

export const CHROMIUM_SKIP_LINE = `reprice-aggregate (Chromium worker): skipped — no Chromium at ${CHROMIUM} (install Debian's chromium or set CHROMIUM_PATH)`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const r = await benchPricingChromium(Number(args[0] ?? 1_000_000), Number(args[1] ?? 9), true, process.argv.includes('--profile'));
  if (!r) {
    console.log(CHROMIUM_SKIP_LINE);
  } else {
    const f = (x: number) => x.toLocaleString('en');
    console.log(`Chromium ${r.chromium} (module worker${r.cross_origin_isolated ? ', cross-origin isolated' : ''}); ` +
      `${f(r.cases)} random grouped cases; median (min) of reps after a warm-up; sums identical: ${r.sums_identical}`);
    console.log(`reprice + aggregate: wasm ${r.wasm_ms} (${r.wasm_min_ms}) ms, ${f(r.cases_per_s)} cases/s, inputs ${r.wasm_inputs_ms} ms of it; ` +
      `reference ${r.reference_ms} (${r.reference_min_ms}) ms; ratio ${r.ratio}×`);
    console.log(`budget-neutral (two passes): wasm ${r.budget_wasm_ms} (${r.budget_wasm_min_ms}) ms, inputs ${r.budget_wasm_inputs_ms} ms; ` +
      `reference ${r.budget_reference_ms} (${r.budget_reference_min_ms}) ms; ratio ${(r.budget_reference_ms / r.budget_wasm_ms).toFixed(2)}×`);
    console.log(`Wasm memory ${(r.wasm_memory_bytes / 2 ** 20).toFixed(1)} MiB; core.wasm fetch + compile ${r.compile_ms} ms`);
    console.log(`reps (fixed, ms): wasm ${r.wasm_rep_ms.join(' ')}; reference ${r.reference_rep_ms.join(' ')}`);
    if (r.profile) console.log('profile (median ms):', JSON.stringify(r.profile));
  }
}
