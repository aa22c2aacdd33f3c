// Sharing a scenario as a link (issue #5): its changes from the base → JSON → deflate-raw → base64url, in the
// fragment (`#/payment?s=…`), so it never reaches a server. Reading a link goes through parseScenario, so a
// damaged or foreign link is refused with the same problems as a file. Never throws on a bad link.
import {
  baseScenario, parseScenario, scenarioChanges,
  type ReadonlyScenario, type ScenarioContext, type ScenarioProblem, type ScenarioReadResult,
} from './scenario.ts';

export const SCENARIO_LINK_ROUTE = '#/payment';
export const SCENARIO_LINK_PARAM = 's';
/** A link inflating to more than this is refused (no real scenario comes near it). */
const MAX_LINK_TEXT_BYTES = 1 << 20;

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]!);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(s: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) return null;
  try {
    const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

async function deflateRaw(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The inflated bytes, or null when the data is not deflate-raw or inflates past `limit`. */
async function inflateRaw(bytes: Uint8Array<ArrayBuffer>, limit: number): Promise<Uint8Array | null> {
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > limit) { await reader.cancel().catch(() => {}); return null; }
      chunks.push(value);
    }
  } catch {
    return null;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

/** The `s` value of a link: the scenario's changes from the ruleset's base, compressed. */
export async function encodeScenarioPayload(s: ReadonlyScenario, ctx: ScenarioContext): Promise<string> {
  const json = JSON.stringify(scenarioChanges(s, baseScenario(ctx)));
  return toBase64Url(await deflateRaw(new TextEncoder().encode(json)));
}

/** The fragment to share: `#/payment?s=…` (or another route). */
export async function scenarioToLink(s: ReadonlyScenario, ctx: ScenarioContext, route = SCENARIO_LINK_ROUTE): Promise<string> {
  return `${route}?${SCENARIO_LINK_PARAM}=${await encodeScenarioPayload(s, ctx)}`;
}

function linkProblem(code: 'scenario.link_missing' | 'scenario.link_damaged', message: string): ScenarioReadResult {
  const problem: ScenarioProblem = { code, message, params: { field: '' }, where: { field: '' } };
  return { ok: false, problems: [problem] };
}

/** Reads an `s` value back against the loaded ruleset. */
export async function decodeScenarioPayload(payload: string, ctx: ScenarioContext): Promise<ScenarioReadResult> {
  const damaged = () => linkProblem('scenario.link_damaged', 'the scenario link is damaged (cut short or altered); ask for it again');
  const bytes = fromBase64Url(payload);
  if (!bytes || bytes.length === 0) return damaged();
  const inflated = await inflateRaw(bytes, MAX_LINK_TEXT_BYTES);
  if (!inflated) return damaged();
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(inflated);
  } catch {
    return damaged();
  }
  return parseScenario(text, undefined, ctx);
}

/** The `s` value in a whole URL, a fragment (`#/payment?s=…`) or a query (`?s=…`); null when there is none. */
export function scenarioPayloadOf(link: string): string | null {
  const hash = link.indexOf('#');
  const part = hash >= 0 ? link.slice(hash + 1) : link;
  const q = part.indexOf('?');
  if (q < 0) return null;
  return new URLSearchParams(part.slice(q + 1)).get(SCENARIO_LINK_PARAM);
}

/** Reads a shared link (whole URL or fragment) back; a link without a scenario is `scenario.link_missing`. */
export async function scenarioFromLink(link: string, ctx: ScenarioContext): Promise<ScenarioReadResult> {
  const payload = scenarioPayloadOf(link);
  if (payload === null) return linkProblem('scenario.link_missing', `the link holds no scenario (no "${SCENARIO_LINK_PARAM}=" part)`);
  return decodeScenarioPayload(payload, ctx);
}
