// Module worker for the Chromium pricing bench (tests/bench/browser-pricing.ts): fetches and compiles the
// release core from its own origin, runs the same timing as Node (tests/bench/pricing-timing.ts) and posts it.
// The message that starts it: { cases?: number, reps?: number, profile?: boolean }. Reply: { ok: true, result } or { ok: false, error }.
import { WasmCore } from '../../../src/engine/wasm-core.ts';
import { profilePricing, timePricing, type PricingBench, type PricingProfile } from '../pricing-timing.ts';

export interface PricingWorkerResult extends PricingBench {
  /** Fetch + compile of core.wasm (not part of the timed pass). */
  compile_ms: number;
  user_agent: string;
  /** self.crossOriginIsolated: true gives performance.now() its finer (5 µs) resolution. */
  cross_origin_isolated: boolean;
  /** With `profile`: where the Wasm time goes, step by step (a second case set, after the bench). */
  profile?: PricingProfile;
}

export type PricingWorkerReply = { ok: true; result: PricingWorkerResult } | { ok: false; error: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async (e: MessageEvent<{ cases?: number; reps?: number; profile?: boolean }>) => {
  let reply: PricingWorkerReply;
  try {
    const t0 = performance.now();
    const module = await WebAssembly.compileStreaming(fetch(new URL('./core.wasm', scope.location.href)));
    const compileMs = performance.now() - t0;
    const cases = e.data.cases || 1_000_000, reps = e.data.reps || 9;
    const bench = timePricing(new WasmCore(module), cases, reps);
    const profile = e.data.profile ? profilePricing(new WasmCore(module), cases, reps) : undefined;
    reply = {
      ok: true,
      result: {
        ...bench, compile_ms: +compileMs.toFixed(1), user_agent: navigator.userAgent,
        cross_origin_isolated: scope.crossOriginIsolated, ...(profile ? { profile } : {}),
      },
    };
  } catch (err) {
    reply = { ok: false, error: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) };
  }
  scope.postMessage(reply);
};
