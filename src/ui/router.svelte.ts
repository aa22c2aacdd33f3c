// Hash routes for the workbench's pages; a static site needs no server-side routing.
// The page list here is the single place that names the pages and their order.
import type { MessageKey } from '../i18n/zh-CN.ts';

export const PAGES = ['data', 'grouping', 'payment', 'evaluation', 'costs', 'compliance', 'learn'] as const;
export type PageId = (typeof PAGES)[number];

export const navKey = (p: PageId) => `nav.${p}` as MessageKey;

/** `#/payment?s=…`: the page, and the parameters after `?` (a shared scenario rides there). */
function fromHash(): { page: PageId; query: string } {
  const hash = (typeof location === 'undefined' ? '' : location.hash).replace(/^#\/?/, '');
  const q = hash.indexOf('?');
  const id = q < 0 ? hash : hash.slice(0, q);
  return { page: (PAGES as readonly string[]).includes(id) ? (id as PageId) : 'data', query: q < 0 ? '' : hash.slice(q + 1) };
}

export const route = $state(fromHash());

/** A parameter of the current hash route, e.g. routeParam('s'). */
export function routeParam(name: string): string | null {
  return new URLSearchParams(route.query).get(name);
}

/** Rewrites the hash's parameters without adding a history entry or reloading anything. */
export function replaceRouteQuery(query: string): void {
  const hash = `#/${route.page}${query ? `?${query}` : ''}`;
  history.replaceState(history.state, '', hash);
  route.query = query;
}

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => Object.assign(route, fromHash()));
}
