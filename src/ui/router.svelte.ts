// Hash routes for the workbench's pages; a static site needs no server-side routing.
// The page list here is the single place that names the pages and their order.
import type { MessageKey } from '../i18n/zh-CN.ts';

export const PAGES = ['data', 'grouping', 'payment', 'evaluation', 'costs', 'compliance', 'learn'] as const;
export type PageId = (typeof PAGES)[number];

export const navKey = (p: PageId) => `nav.${p}` as MessageKey;

function fromHash(): PageId {
  const id = (typeof location === 'undefined' ? '' : location.hash).replace(/^#\/?/, '');
  return (PAGES as readonly string[]).includes(id) ? (id as PageId) : 'data';
}

export const route = $state({ page: fromHash() });

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => (route.page = fromHash()));
}
