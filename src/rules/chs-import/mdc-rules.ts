// The MDCs of the rules.json layout, in mdc_order, as casemix-ruleset/1 MDC rules: guard (with the
// body-site groups of multiple trauma) and steps (ADRGs and ambiguity groups).
import type { Condition, MdcRule, Step } from '../ruleset-format.ts';
import { isObj, isStr, type ConditionConverter, type Obj, type Owner, type Report } from './conditions.ts';

/** In a multi_site_trauma MDC list, an entry ending in this opens a body-site group. */
const SITE_HEADER_SUFFIX = '创伤';

/** The codes of the layout's qy steps (ambiguity groups), e.g. BQY: results, not ADRGs. */
export function qyStepCodes(json: Obj): Set<string> {
  const out = new Set<string>();
  for (const m of Object.values(isObj(json.mdcs) ? json.mdcs : {})) {
    if (isObj(m) && Array.isArray(m.steps)) for (const s of m.steps) if (isObj(s) && isStr(s.qy)) out.add(s.qy);
  }
  return out;
}

export function importMdcs(json: Obj, conv: ConditionConverter, drgNames: Record<string, string>, report: Report): MdcRule[] {
  const mdcsIn = json.mdcs as Obj;
  const mdcs: MdcRule[] = [];
  const order = Array.isArray(json.mdc_order) ? json.mdc_order.map(String) : [];
  if (!Array.isArray(json.mdc_order)) report('import.bad_table', '"mdc_order" must be an array', 'mdc_order');
  for (const code of order) {
    const raw = mdcsIn[code];
    if (!isObj(raw)) { report('ref.mdc_undefined', `mdc_order names "${code}", which mdcs does not define`, 'mdc_order', code); continue; }
    const ownLists: Obj = isObj(raw.lists) ? { ...raw.lists } : {};
    let siteGuard: Condition | null = null;
    if (raw.special === 'multi_site_trauma') siteGuard = traumaSites(code, ownLists, conv.lists, report);
    else if (raw.special !== null && raw.special !== undefined) {
      report('import.unknown_special', `unknown special "${String(raw.special)}"`, 'mdcs', code, 'special');
    }
    const owner: Owner = { table: 'mdcs', key: code, lists: ownLists, tags: null };
    let guard = conv.cond(raw.guard ?? true, owner, 'guard') ?? false;
    if (siteGuard) guard = { and: [guard, siteGuard] };
    mdcs.push({ code, guard, steps: mdcSteps(code, raw.steps, owner, conv, drgNames, report) });
  }
  return mdcs;
}

/** Site headers (…创伤) open groups within mdc_zd (removed from it: they are not codes); hits in two sites. */
function traumaSites(code: string, ownLists: Obj, lists: Record<string, string[]>, report: Report): Condition {
  const zd = Array.isArray(ownLists.mdc_zd) ? ownLists.mdc_zd.map(String) : [];
  const sites: string[] = [];
  let current: string | null = null;
  for (const c of zd) {
    if (c.endsWith(SITE_HEADER_SUFFIX)) {
      current = `${code}.site:${c}`;
      sites.push(current);
      lists[current] = [];
    } else if (current) lists[current]!.push(c);
  }
  ownLists.mdc_zd = zd.filter((c) => !c.endsWith(SITE_HEADER_SUFFIX));
  if (sites.length < 2) report('import.bad_sites', `multi_site_trauma MDC "${code}" has fewer than two site headers in mdc_zd`, 'mdcs', code, 'lists.mdc_zd');
  return { hits_at_least: ['all_dx', sites, 2] };
}

function mdcSteps(code: string, rawSteps: unknown, owner: Owner, conv: ConditionConverter, drgNames: Record<string, string>, report: Report): Step[] {
  const steps: Step[] = [];
  (Array.isArray(rawSteps) ? rawSteps : []).forEach((s, i) => {
    if (isObj(s) && isStr(s.adrg)) {
      const step: Step = { adrg: s.adrg };
      if (s.when !== undefined) { const w = conv.cond(s.when, owner, `steps[${i}].when`); if (w !== null && w !== true) step.when = w; }
      steps.push(step);
    } else if (isObj(s) && isStr(s.qy)) {
      const name = drgNames[s.qy];
      steps.push({ ambiguity: s.qy, when: conv.cond(s.when ?? true, owner, `steps[${i}].when`) ?? false, ...(name ? { name } : {}) });
    } else report('import.bad_step', `step ${i} must be {"adrg"} or {"qy","when"}`, 'mdcs', code, `steps[${i}]`);
  });
  return steps;
}
