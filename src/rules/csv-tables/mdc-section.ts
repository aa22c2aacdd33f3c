// mdc.csv and mdc_dx.csv → the ruleset's MDC rules: each MDC's guard (entry rule, sex, age, body sites)
// and its steps (its ADRGs in order, the ambiguity group before the first medical one). Derived when absent.
import { OR_PROCEDURES_LIST, type Condition, type MdcRule, type Step } from '../ruleset-format.ts';
import { MDC_GUARD, SEX, YES_NO, type MdcGuard } from './cell-vocabularies.ts';
import type { CellReader, Row } from './cell-reader.ts';
import type { CodeLists } from './code-lists.ts';
import { allOf, type AdrgIn } from './adrg-drg-section.ts';

/** CHS-DRG MDC order, used only when mdc.csv is absent. */
const CHS_MDC_ORDER = 'APYZMNBCDEFGHIJKLOQRSTUVWX';

/** An MDC of mdc.csv (row null when derived from adrg.csv) and where it sorts. */
interface MdcIn { code: string; row: Row | null; index: number; order: number }

/** The MDCs of mdc.csv, or, without it, those adrg.csv's ADRGs belong to (CHS order). */
export function readMdcRows(reader: CellReader, adrgIn: ReadonlyMap<string, AdrgIn>): Map<string, MdcIn> {
  const mdcIn = new Map<string, MdcIn>();
  if (reader.has('mdc')) {
    const seenMdc = reader.unique('mdc', 'mdc');
    reader.rowsOf('mdc').forEach((r, index) => {
      if (reader.required('mdc', r, 'mdc') === null) return;
      const code = reader.mdcCode('mdc', r, 'mdc');
      const order = reader.number('mdc', r, 'order', true);
      if (code === null || order === null || !seenMdc(code, r)) return;
      mdcIn.set(code, { code, row: r, index, order: order ?? Infinity });
    });
    for (const a of adrgIn.values()) if (!mdcIn.has(a.mdc))
      reader.problemAt('csv.ref_undefined', `ADRG ${a.code} belongs to ${a.mdc}, which is not in mdc.csv`, 'adrg', a.row.line, reader.cell(a.row, 'mdc') ? 'mdc' : 'adrg');
  } else {
    const letters = [...new Set([...adrgIn.values()].map((a) => a.mdc.slice(3)))];
    letters.sort((x, y) => (CHS_MDC_ORDER.indexOf(x) + 1 || 99) - (CHS_MDC_ORDER.indexOf(y) + 1 || 99) || x.localeCompare(y));
    letters.forEach((l, index) => mdcIn.set(`MDC${l}`, { code: `MDC${l}`, row: null, index, order: index }));
    reader.log.warn('csv.mdcs_derived', `no mdc.csv: MDCs ${letters.join(', ')} derived from adrg.csv, in CHS order, by principal diagnosis`, 'mdc.csv');
  }
  return mdcIn;
}

/** mdc_dx.csv → lists `MDC.dx` and, per body site, `MDC.site:site`; returns each MDC's sites in order. */
export function readMdcDiagnoses(reader: CellReader, mdcIn: ReadonlyMap<string, MdcIn>, lists: CodeLists): Map<string, string[]> {
  const sitesOf = new Map<string, string[]>();
  for (const r of reader.rowsOf('mdc_dx')) {
    if (reader.required('mdc_dx', r, 'mdc') === null) continue;
    const m = reader.mdcCode('mdc_dx', r, 'mdc');
    const dx = reader.required('mdc_dx', r, 'dx');
    if (m === null || dx === null) continue;
    if (!mdcIn.has(m)) { reader.problemAt('csv.ref_undefined', `${m} is not an MDC of mdc.csv`, 'mdc_dx', r.line, 'mdc'); continue; }
    lists.add(`${m}.dx`, dx);
    const site = reader.cell(r, 'site');
    if (site) {
      const s = sitesOf.get(m) ?? [];
      sitesOf.set(m, s);
      if (!s.includes(site)) s.push(site);
      lists.add(`${m}.site:${site}`, dx);
    }
  }
  return sitesOf;
}

/** What builds the MDC rules besides the MDC rows themselves. */
export interface MdcContext {
  adrgIn: ReadonlyMap<string, AdrgIn>;
  lists: CodeLists;
  sitesOf: ReadonlyMap<string, string[]>;
  /** Ambiguity groups listed in drg.csv: each switches its MDC's group on unless mdc.csv says no. */
  qyListed: ReadonlySet<string>;
}

/** One rule per MDC without a problem, in their order. */
export function buildMdcs(reader: CellReader, mdcIn: ReadonlyMap<string, MdcIn>, ctx: MdcContext): MdcRule[] {
  const mdcs: MdcRule[] = [];
  const ordered = [...mdcIn.values()].sort((x, y) => x.order - y.order || x.index - y.index);
  for (const m of ordered) {
    const r = m.row;
    const cells = r ? readMdcCells(reader, r) : {};
    if (cells === null) continue;
    const members = [...ctx.adrgIn.values()].filter((a) => a.mdc === m.code).sort((x, y) => x.order - y.order || x.index - y.index);
    const guard = mdcGuard(reader, m, cells, members, ctx);
    if (guard === null) continue;

    // Steps: ADRGs in their order; the ambiguity group (歧义组) before the first medical ADRG.
    const steps: Step[] = members.map((a) => ({ adrg: a.code }));
    const qy = `${m.code.slice(3)}QY`;
    if (cells.ambiguity ?? ctx.qyListed.has(qy)) {
      const firstMedical = members.findIndex((a) => a.kind === 'medical');
      steps.splice(firstMedical < 0 ? steps.length : firstMedical, 0, { ambiguity: qy, when: { any_in: ['all_procs', OR_PROCEDURES_LIST] } });
    }
    mdcs.push({ code: m.code, ...(r && reader.cell(r, 'name') ? { name: reader.cell(r, 'name') } : {}), guard, steps });
    if (r) reader.from('mdcs', m.code, 'mdc', r);
  }
  return mdcs;
}

/** The optional cells of an mdc.csv row (all undefined for a derived MDC). */
interface MdcCells {
  guard?: MdcGuard;
  sex?: number;
  maxAgeYears?: number;
  maxAgeDays?: number;
  minSites?: number;
  ambiguity?: boolean;
}

/** The row's cells, or null when one is bad (each bad cell is reported). */
function readMdcCells(reader: CellReader, r: Row): MdcCells | null {
  const guard = reader.word('mdc', r, 'guard', MDC_GUARD, 'an MDC entry rule (principal_dx, any_dx, or_proc, always; 主要诊断, 任一诊断, 手术室手术, 无条件)');
  const sex = reader.word('mdc', r, 'sex', SEX, 'a sex (M/F, 男/女)');
  const maxAgeYears = reader.number('mdc', r, 'max_age_years', true);
  const maxAgeDays = reader.number('mdc', r, 'max_age_days', true);
  const minSites = reader.number('mdc', r, 'min_sites', true);
  const ambiguity = reader.word('mdc', r, 'ambiguity', YES_NO, 'yes/no (是/否)');
  if (guard === null || sex === null || maxAgeYears === null || maxAgeDays === null || minSites === null || ambiguity === null) return null;
  return { guard, sex, maxAgeYears, maxAgeDays, minSites, ambiguity };
}

/** The MDC's guard, or null after a problem. */
function mdcGuard(reader: CellReader, m: MdcIn, cells: MdcCells, members: AdrgIn[], ctx: MdcContext): Condition | null {
  const r = m.row;
  const fileM = r ? reader.fileOf('mdc') : 'mdc.csv';
  const line = r?.line;
  const { lists } = ctx;
  const parts: Condition[] = [];
  const kind = cells.guard ?? 'principal_dx';
  if (kind === 'principal_dx' || kind === 'any_dx') {
    if (!lists.get(`${m.code}.dx`)) {
      // No mdc_dx rows: the MDC's diagnoses are those its ADRGs list.
      for (const a of members) for (const c of lists.get(`${a.code}.dx`) ?? []) lists.add(`${m.code}.dx`, c);
      if (!lists.get(`${m.code}.dx`)) { reader.log.problem('csv.list_empty', `${m.code} enters by diagnosis but neither mdc_dx.csv nor its ADRGs' adrg_dx.csv rows give any`, fileM, line, r ? reader.fieldOf('mdc', 'mdc') : undefined); return null; }
      reader.log.warn('csv.mdc_dx_derived', `${m.code}: no rows in mdc_dx.csv; its diagnosis list is the union of its ADRGs' lists (${lists.get(`${m.code}.dx`)!.length} codes)`, fileM, line);
    }
    parts.push(kind === 'principal_dx' ? { in: ['principal_dx', `${m.code}.dx`] } : { any_in: ['all_dx', `${m.code}.dx`] });
  } else if (kind === 'or_proc') parts.push({ in: ['principal_proc', OR_PROCEDURES_LIST] });
  if (cells.sex !== undefined) parts.push({ cmp: ['sex', '==', cells.sex] });
  if (cells.maxAgeYears !== undefined) parts.push({ cmp: ['age_years', '<=', cells.maxAgeYears] });
  if (cells.maxAgeDays !== undefined) parts.push({ cmp: ['age_days', '<=', cells.maxAgeDays] });
  const minSites = cells.minSites;
  if (minSites !== undefined) {
    const sites = ctx.sitesOf.get(m.code) ?? [];
    if (sites.length < minSites) { reader.log.problem('csv.list_empty', `${m.code} needs diagnoses in at least ${minSites} sites, but mdc_dx.csv gives ${sites.length} sites (${reader.fieldOf('mdc_dx', 'site')})`, fileM, line, r ? reader.fieldOf('mdc', 'min_sites') : undefined); return null; }
    parts.push({ hits_at_least: ['all_dx', sites.map((s) => `${m.code}.site:${s}`), minSites] });
  }
  return allOf(parts);
}
