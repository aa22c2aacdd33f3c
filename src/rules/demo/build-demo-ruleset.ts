// Assembles the built-in teaching ruleset (casemix-ruleset/1) from the demo source tables.
// Pure and deterministic: no I/O, no randomness; weights and costs are stated demonstration values.
import {
  OR_PROCEDURES_LIST, RULESET_FORMAT,
  type AdrgKind, type AdrgRule, type CheckRule, type Condition, type DiagnosisEntry, type DipCatalogEntry, type DipComprehensiveEntry,
  type DipProcedureClass, type DrgEntry, type MdcRule, type ProcedureEntry, type Ruleset, type Split, type Step,
} from '../ruleset-format.ts';
import { DEMO_ADRGS, HIV_DX, NEWBORN_DX, type DemoAdrg, type SplitShape } from './demo-adrgs.ts';
import { DX_TEXT, PROC_TEXT } from './demo-codes.ts';
import { DEMO_DIP_KEYS } from './demo-dip.ts';
import { DEMO_MDCS, MDC_SOURCE, MULTI_TRAUMA_MIN_REGIONS, TRAUMA_REGIONS, type DemoMdc } from './demo-mdcs.ts';

export const DEMO_RULESET_VERSION = '2025.1-teaching';

/** Every entry carries where it comes from; the format makes `source` optional, the demo requires it. */
type Sourced<T> = T & { source: string };

/** A comprehensive group of the demo: every field given (the format leaves name, score and cost optional). */
export type DemoDipComprehensiveEntry = Sourced<DipComprehensiveEntry> & { name: string; score: number; mean_cost: number };

/** The demo ruleset: a Ruleset whose entries all carry `source`. */
export interface DemoRuleset extends Ruleset {
  mdcs: Sourced<MdcRule>[];
  adrgs: Sourced<AdrgRule>[];
  drgs: Sourced<DrgEntry>[];
  diagnoses: Sourced<DiagnosisEntry>[];
  procedures: Sourced<ProcedureEntry>[];
  dip_catalog: Sourced<DipCatalogEntry>[];
  checks: Sourced<CheckRule>[];
  dip_comprehensive: DemoDipComprehensiveEntry[];
}

// ----- sources ---------------------------------------------------------------------------------------
const SRC = {
  adrg: 'CHS-DRG 1.1（国家医保局，2021）：编码、名称、分组形态已核对；入组条件为教学简化',
  adrgTeaching: 'unverified：教学自拟 ADRG（CHS-DRG 1.1 无此组）',
  drg: 'CHS-DRG 1.1（国家医保局，2021）：编码、名称已核对；权重/住院日/费用为演示值',
  drgTeaching: 'unverified：教学自拟 DRG；权重/住院日/费用为演示值',
  dx: 'ICD-10 医保版 2.0：编码已核对；名称 unverified',
  dxCc: 'ICD-10 医保版 2.0：编码已核对；CC/MCC 级别同 CHS-DRG 1.1；排除表教学简化；名称 unverified',
  dxCcUnverified: 'ICD-10 医保版 2.0：编码已核对；CC/MCC 级别 unverified；排除表教学简化',
  proc: 'ICD-9-CM-3 医保版 2.0：编码、手术室标记已核对；DIP 分类教学判定；名称 unverified',
  dip: 'unverified：教学组合，演示分值',
  dipComprehensive: 'unverified：教学综合病种，演示分值',
  check: 'domain §2.1/§11：性别与诊断冲突（教学规则）',
} as const;

// ----- demonstration numbers ---------------------------------------------------------------------------
/** Mean cost of all cases the demonstration weights are relative to (yuan). */
const DEMO_MEAN_COST_YUAN = 12000;
/** Mean cost of all cases DIP scores are relative to (yuan); score = mean cost ÷ this × factor. */
const DEMO_DIP_MEAN_COST_YUAN = 10000;
const DIP_SCORE_FACTOR = 1000;
const SEVERITY_FACTOR: Readonly<Record<string, number>> = { '1': 1.5, '3': 1.15, '5': 0.9, '9': 1 };
const LOS_FACTOR: Readonly<Record<string, number>> = { '1': 1.35, '3': 1.12, '5': 0.92, '9': 1 };
const SUFFIX_NAME: Readonly<Record<string, string>> = {
  '1': '，伴严重并发症或合并症', '3': '，伴并发症或合并症', '5': '，不伴并发症或合并症', '9': '',
};
const SPLIT_SUFFIXES: Readonly<Record<SplitShape, readonly string[]>> = {
  '1/3/5': ['1', '3', '5'], '1/5': ['1', '5'], '3/5': ['3', '5'], '9': ['9'],
};
const DIP_CLASS_NAME = ['保守治疗', '诊断性操作', '治疗性操作', '相关手术'] as const;
const DIP_CLASS_COST_FACTOR = [0.75, 0.95, 1.3, 2.0] as const;

/** Default scenario parameters (domain §3, §4; demonstration base rates). */
export const DEMO_PARAMETERS: Readonly<Record<string, number | string | boolean>> = {
  drg_base_rate_yuan_level_3: 12000,
  drg_base_rate_yuan_level_2: 10500,
  drg_base_rate_yuan_level_1: 9000,
  hospital_coefficient_level_3: 1,
  hospital_coefficient_level_2: 1,
  hospital_coefficient_level_1: 1,
  drg_high_outlier_ratio: 2.0,
  drg_low_outlier_ratio: 0.4,
  drg_high_outlier_reimbursement_share: 1.0,
  weight_trim_low_percentile: 2.5,
  weight_trim_high_percentile: 97.5,
  weight_min_group_cases: 5,
  surplus_share: 1.0,
  overrun_share: 0,
  fund_share_employee: 0.85,
  fund_share_resident: 0.7,
  dip_point_value_yuan: DEMO_DIP_MEAN_COST_YUAN / DIP_SCORE_FACTOR,
  dip_point_value_floating: false,
  dip_reference_mean_cost_yuan: DEMO_DIP_MEAN_COST_YUAN,
  dip_low_deviation_ratio: 0.5,
  dip_high_deviation_ratio: 2.0,
  dip_level_coefficient_3: 1.0,
  dip_level_coefficient_2: 0.9,
  dip_level_coefficient_1: 0.8,
  demo_mean_cost_yuan: DEMO_MEAN_COST_YUAN,
  values_are_demonstration: true,
};

// ----- dictionaries ----------------------------------------------------------------------------------
interface DxRow { code: string; name: string; cc?: 'cc' | 'mcc'; ccVerified: boolean }
interface ProcRow { code: string; name: string; or: boolean; dipClass: DipProcedureClass }

export function parseDxText(text: string): DxRow[] {
  const rows: DxRow[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    const parts = t.split(/\s+/);
    const code = parts[0]!;
    const last = parts[parts.length - 1]!;
    const mark = /^(CC|MCC)\??$/.exec(last);
    const name = (mark ? parts.slice(1, -1) : parts.slice(1)).join(' ');
    rows.push(mark
      ? { code, name, cc: mark[1] === 'MCC' ? 'mcc' : 'cc', ccVerified: !last.endsWith('?') }
      : { code, name, ccVerified: true });
  }
  return rows;
}

export function parseProcText(text: string): ProcRow[] {
  const rows: ProcRow[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    const [code, flags, ...name] = t.split(/\s+/);
    const m = /^([SN])([0-3])$/.exec(flags ?? '');
    if (!code || !m) throw new Error(`demo procedure line not understood: "${t}"`);
    rows.push({ code, name: name.join(' '), or: m[1] === 'S', dipClass: Number(m[2]) as DipProcedureClass });
  }
  return rows;
}

const isCategory = (code: string) => !code.includes('.');
const categoryOf = (code: string) => code.slice(0, 3);

/** A listed code plus every dictionary code under it (K80 → K80, K80.0, K80.1 …). */
function expand(codes: readonly string[], dictionary: readonly string[]): string[] {
  const out = new Set<string>();
  for (const c of codes) {
    out.add(c);
    for (const d of dictionary) if (d.length > c.length && d.startsWith(c)) out.add(d);
  }
  return [...out].sort();
}

// ----- the builder -------------------------------------------------------------------------------------
/** An ADRG of the demo tables, in rule order: per MDC, surgical, then non-OR, then medical. */
interface OrderedAdrg { mdc: DemoMdc; adrg: DemoAdrg; kind: AdrgKind }
/** Where a diagnosis belongs: its home ADRG and MDC, and how it got there. */
interface Home { adrg: string; mdc: string; len: number; medical: boolean }

/**
 * The named code lists, in the order they are added (the JSON keeps that order). Dictionary lists hold a
 * listed code and every code under it.
 */
class ListBook {
  readonly lists: Record<string, string[]> = {};
  constructor(readonly dxCodes: readonly string[], readonly procCodes: readonly string[]) {}
  add(name: string, codes: string[]): string { this.lists[name] = codes; return name; }
  dx(name: string, codes: readonly string[]): string { return this.add(name, expand(codes, this.dxCodes)); }
  proc(name: string, codes: readonly string[]): string { return this.add(name, expand(codes, this.procCodes)); }
}

export function buildDemoRuleset(): DemoRuleset {
  const dxRows = parseDxText(DX_TEXT);
  const procRows = parseProcText(PROC_TEXT);
  const book = new ListBook(dxRows.map((d) => d.code), procRows.map((p) => p.code));
  const ordered = orderedAdrgs();
  const home = homeAdrgs(ordered, book.dxCodes);
  // Lists are added in this order: the ADRGs' (by rule order), then the MDC guards'.
  const { adrgs, drgs, adrgRw, procRw } = adrgRules(ordered, home, book);
  const mdcs = mdcRules(ordered, home, book);
  return {
    format: RULESET_FORMAT,
    meta: demoMeta(),
    code_matching: { dx: { fallback_lengths: [5, 3] }, proc: { fallback_lengths: [5, 4] } },
    diagnoses: diagnosisEntries(dxRows, home),
    procedures: procRows.map((p) => ({ code: p.code, name: p.name, or: p.or, dip_class: p.dipClass, source: SRC.proc })),
    lists: book.lists,
    checks: sexChecks(),
    mdcs,
    adrgs,
    drgs,
    dip_catalog: dipCatalog(book.dxCodes, procRows, procRw),
    dip_comprehensive: dipComprehensive(dxRows, home, adrgRw),
    parameters: { ...DEMO_PARAMETERS },
    retry_each_other_procedure: false,
  };
}

function demoMeta(): Ruleset['meta'] {
  return {
    name: '病组工作台教学规则集 / Casemix Workbench teaching ruleset',
    version: DEMO_RULESET_VERSION,
    region: '教学 (teaching)',
    code_systems: { dx: 'ICD-10 医保版 2.0（类目/亚目级）', proc: 'ICD-9-CM-3 医保版 2.0（亚目/细目级）' },
    dip_score_factor: DIP_SCORE_FACTOR,
    teaching_only: true,
    source:
      '教学规则集，不得用于医保结算 (teaching only, not fit for settlement)。由病组工作台据公开资料编写：MDC/ADRG/DRG 编码、名称与分组形态参照 ' +
      'CHS-DRG 1.1 分组方案（国家医保局，2021）；入组条件、CC/MCC 与排除表为类目/亚目级教学简化；DRG 权重、平均住院日、例均费用、' +
      'DIP 分值与费用均为演示值 (demonstration values)。每个条目的 source 字段说明其依据，标 unverified 者未能核对。',
  };
}

function orderedAdrgs(): OrderedAdrg[] {
  const out: OrderedAdrg[] = [];
  const kinds: AdrgKind[] = ['surgical', 'non_or', 'medical'];
  for (const mdc of DEMO_MDCS) {
    const rows = DEMO_ADRGS[mdc.letter] ?? [];
    for (const kind of kinds) for (const adrg of rows) if (kindOf(adrg.code) === kind) out.push({ mdc, adrg, kind });
  }
  return out;
}

/**
 * Home ADRG of every diagnosis: the medical ADRG whose listed code is its longest prefix (first wins on
 * ties), else any ADRG that lists it. Medical ADRG lists and exclusion tables follow it.
 */
function homeAdrgs(ordered: readonly OrderedAdrg[], dxCodes: readonly string[]): Map<string, Home> {
  const home = new Map<string, Home>();
  for (const { mdc, adrg, kind } of ordered) {
    const medical = kind === 'medical';
    for (const listed of [...(adrg.pdx ?? []), ...(adrg.anyDx ?? [])]) {
      for (const d of dxCodes) {
        if (!d.startsWith(listed)) continue;
        const prev = home.get(d);
        const better = !prev || (medical && !prev.medical) || (medical === prev.medical && listed.length > prev.len);
        if (better) home.set(d, { adrg: adrg.code, mdc: mdc.letter, len: listed.length, medical });
      }
    }
  }
  return home;
}

/** Diagnoses: a subcategory without its own CC mark inherits its category's. */
function diagnosisEntries(dxRows: readonly DxRow[], home: ReadonlyMap<string, Home>): Sourced<DiagnosisEntry>[] {
  const exclusionTable = (code: string): string =>
    home.get(code)?.adrg ?? (code.startsWith('P') ? 'MDCP' : (HIV_DX as readonly string[]).some((h) => code.startsWith(h)) ? 'MDCY' : code);
  const dxByCode = new Map(dxRows.map((d) => [d.code, d]));
  return dxRows.map((d) => {
    const cat = isCategory(d.code) ? undefined : dxByCode.get(categoryOf(d.code));
    const cc = d.cc ?? cat?.cc;
    const verified = d.cc ? d.ccVerified : cat?.ccVerified ?? true;
    const table = exclusionTable(d.code);
    const e: Sourced<DiagnosisEntry> = { code: d.code, name: d.name, principal_exclusion: table, source: SRC.dx };
    if (cc) Object.assign(e, { cc, cc_exclusion: table, source: verified ? SRC.dxCc : SRC.dxCcUnverified });
    return e;
  });
}

/** ADRG rules and their DRGs; the weights by ADRG, and by procedure for the ADRGs a procedure alone defines (DIP costs). */
function adrgRules(ordered: readonly OrderedAdrg[], home: ReadonlyMap<string, Home>, book: ListBook) {
  const adrgs: Sourced<AdrgRule>[] = [];
  const drgs: Sourced<DrgEntry>[] = [];
  const adrgRw = new Map<string, number>();
  const procRw = new Map<string, number>();
  for (const { adrg: a, kind } of ordered) {
    const when = adrgCondition(a, kind, home, book);
    const suffixes = SPLIT_SUFFIXES[a.split];
    const splits: Split[] = suffixes.map((s, i): Split => {
      const drg = a.code + s;
      if (i === suffixes.length - 1) return { drg };
      if (s === '1') return { drg, when: { has_mcc: true } };
      return { drg, when: { or: [{ has_mcc: true }, { has_cc: true }] } };
    });
    adrgs.push({ code: a.code, name: a.name, kind, when, splits, source: a.teaching ? SRC.adrgTeaching : SRC.adrg });
    adrgRw.set(a.code, a.rw);
    if (Array.isArray(a.pproc) && !a.pdx) for (const p of a.pproc) procRw.set(p, Math.max(procRw.get(p) ?? 0, a.rw));
    const baseLos = 3 + 3.5 * Math.sqrt(a.rw) + (kind === 'surgical' ? 1.5 : 0);
    for (const s of suffixes) {
      const weight = round(a.rw * SEVERITY_FACTOR[s]!, 4);
      drgs.push({
        code: a.code + s,
        name: a.name + SUFFIX_NAME[s],
        adrg: a.code,
        weight,
        mean_los: round(baseLos * LOS_FACTOR[s]!, 1),
        mean_cost: Math.round((weight * DEMO_MEAN_COST_YUAN) / 10) * 10,
        source: a.teaching ? SRC.drgTeaching : SRC.drg,
      });
    }
  }
  return { adrgs, drgs, adrgRw, procRw };
}

/** An ADRG's entry condition; adds the lists it names to the book. */
function adrgCondition(a: DemoAdrg, kind: AdrgKind, home: ReadonlyMap<string, Home>, book: ListBook): Condition {
  const parts: Condition[] = [];
  if (a.pdx) {
    const medicalList = () => book.dxCodes.filter((d) => home.get(d)?.adrg === a.code && home.get(d)?.medical);
    const name = kind === 'medical' ? book.add(`${a.code}.pdx`, medicalList()) : book.dx(`${a.code}.pdx`, a.pdx);
    parts.push({ in: ['principal_dx', name] });
  }
  if (a.anyDx) parts.push({ any_in: ['all_dx', book.dx(`${a.code}.any_dx`, a.anyDx)] });
  if (a.pproc) {
    const principal: Condition = { in: ['principal_proc', a.pproc === '$or' ? OR_PROCEDURES_LIST : book.proc(`${a.code}.pproc`, a.pproc)] };
    parts.push(a.orAnyProc ? { or: [principal, { any_in: ['all_procs', book.proc(`${a.code}.or_any_proc`, a.orAnyProc)] }] } : principal);
  }
  (a.anyProc ?? []).forEach((group, i) => {
    const list = group.length === 1 && group[0] === '$or' ? OR_PROCEDURES_LIST : book.proc(`${a.code}.any_proc${i + 1}`, group);
    parts.push({ any_in: ['all_procs', list] });
  });
  if (a.birthWeightG) {
    const [from, to] = a.birthWeightG;
    if (from > 0) parts.push({ cmp: ['birth_weight_g', '>=', from] });
    parts.push({ cmp: ['birth_weight_g', '<', to] });
  }
  if (a.neonate) parts.push({ cmp: ['age_days', '<=', 28] });
  if (a.noOr) parts.push({ not: { any_in: ['all_procs', OR_PROCEDURES_LIST] } });
  return parts.length === 0 ? true : parts.length === 1 ? parts[0]! : { and: parts };
}

/** MDC rules: a guard, then the surgical and non-OR ADRGs, the ambiguity step, the medical ADRGs. */
function mdcRules(ordered: readonly OrderedAdrg[], home: ReadonlyMap<string, Home>, book: ListBook): Sourced<MdcRule>[] {
  const guardOf = mdcGuards(home, book);
  return DEMO_MDCS.map((m) => {
    const guard = guardOf(m);
    const special = m.guard !== 'dx' && m.guard !== 'dx_male' && m.guard !== 'dx_female';
    const mine = ordered.filter((x) => x.mdc === m);
    const steps: Step[] = [];
    for (const x of mine.filter((y) => y.kind !== 'medical')) steps.push({ adrg: x.adrg.code });
    // Ambiguity group (歧义组, §2.5): on for the diagnosis MDCs, off (as nationally) for A, P, Y, Z.
    steps.push({ ambiguity: `${m.letter}QY`, when: special ? false : { in: ['principal_proc', OR_PROCEDURES_LIST] } });
    for (const x of mine.filter((y) => y.kind === 'medical')) steps.push({ adrg: x.adrg.code });
    return { code: `MDC${m.letter}`, name: m.name, guard, steps, source: MDC_SOURCE };
  });
}

/** The lists the special guards share (added now), and the guard of each MDC (adding its own list). */
function mdcGuards(home: ReadonlyMap<string, Home>, book: ListBook): (m: DemoMdc) => Condition {
  const premdcProcs = new Set<string>();
  for (const a of DEMO_ADRGS.A ?? []) {
    if (Array.isArray(a.pproc)) a.pproc.forEach((p) => premdcProcs.add(p));
    for (const g of a.anyProc ?? []) g.forEach((p) => premdcProcs.add(p));
  }
  const mdcDx = (letter: string): string[] => {
    const codes = new Set<string>();
    for (const d of book.dxCodes) if (home.get(d)?.mdc === letter) codes.add(d);
    for (const a of DEMO_ADRGS[letter] ?? []) for (const c of expand(a.pdx ?? [], book.dxCodes)) codes.add(c);
    return [...codes].sort();
  };
  const newbornDx = book.dx('newborn_dx', NEWBORN_DX);
  const hivDx = book.dx('hiv_dx', HIV_DX);
  const regionLists = Object.entries(TRAUMA_REGIONS).map(([region, codes]) => book.dx(`trauma_${region}`, codes));
  const traumaDx = book.dx('trauma_dx', Object.values(TRAUMA_REGIONS).flat());
  return (m) => {
    switch (m.guard) {
      case 'pre_mdc': return { any_in: ['all_procs', book.proc('MDCA.procs', [...premdcProcs])] };
      case 'newborn': return { and: [{ cmp: ['age_years', '==', 0] }, { or: [{ in: ['principal_dx', newbornDx] }, { cmp: ['age_days', '<=', 28] }] }] };
      case 'hiv': return { any_in: ['all_dx', hivDx] };
      case 'multi_trauma': return { and: [{ in: ['principal_dx', traumaDx] }, { hits_at_least: ['all_dx', regionLists, MULTI_TRAUMA_MIN_REGIONS] }] };
      default: {
        const dx: Condition = { in: ['principal_dx', book.add(`MDC${m.letter}.dx`, mdcDx(m.letter))] };
        return m.guard === 'dx_male' ? { and: [dx, { cmp: ['sex', '==', 1] }] }
          : m.guard === 'dx_female' ? { and: [dx, { cmp: ['sex', '==', 2] }] } : dx;
      }
    }
  };
}

function sexChecks(): Sourced<CheckRule>[] {
  return [
    { reason: 'sex_conflict', when: { and: [{ cmp: ['sex', '==', 2] }, { in: ['principal_dx', 'MDCM.dx'] }] }, note: '男性生殖系统诊断用于女性', source: SRC.check },
    {
      reason: 'sex_conflict',
      when: { and: [{ cmp: ['sex', '==', 1] }, { or: [{ in: ['principal_dx', 'MDCN.dx'] }, { in: ['principal_dx', 'MDCO.dx'] }] }] },
      note: '女性生殖系统或妊娠诊断用于男性',
      source: SRC.check,
    },
  ];
}

// ----- DIP: core combinations and comprehensive groups ----------------------------------------------------
const dipScore = (meanCost: number) => Math.round((meanCost / DEMO_DIP_MEAN_COST_YUAN) * DIP_SCORE_FACTOR);

function dipCatalog(dxCodes: readonly string[], procRows: readonly ProcRow[], procRw: ReadonlyMap<string, number>): Sourced<DipCatalogEntry>[] {
  const procByCode = new Map(procRows.map((p) => [p.code, p]));
  const procCost = (code: string): number => {
    const p = procByCode.get(code);
    if (!p) throw new Error(`DIP combination uses procedure ${code}, which is not in the demo dictionary`);
    const rw = procRw.get(code);
    if (p.dipClass === 3) return Math.round(Math.max(2500, (rw ?? 1) * 6000));
    if (p.dipClass === 2) return Math.round(Math.max(1500, (rw ?? 0.5) * 3000));
    return 600;
  };
  const out: Sourced<DipCatalogEntry>[] = [];
  // A key whose category is not in the dictionary can never match (its cases have an unknown principal
  // diagnosis) and the validator refuses it (dip.unknown_dx); left out until the dictionary has the category.
  const dxCategories = new Set(dxCodes.map(categoryOf));
  for (const key of DEMO_DIP_KEYS) {
    if (!dxCategories.has(categoryOf(key.dx))) continue;
    for (const set of ['', ...key.procSets]) {
      const procs = [...new Set(set ? set.split('+') : [])].sort();
      const cost = key.baseCostYuan + procs.reduce((s, p) => s + procCost(p), 0);
      const label = procs.length ? procs.map((p) => procByCode.get(p)!.name).join('+') : '保守治疗';
      out.push({ dx: key.dx, procs, name: `${key.name}：${label}`, score: dipScore(cost), mean_cost: cost, source: SRC.dip });
    }
  }
  return out;
}

function dipComprehensive(
  dxRows: readonly DxRow[], home: ReadonlyMap<string, Home>, adrgRw: ReadonlyMap<string, number>,
): DemoDipComprehensiveEntry[] {
  const out: DemoDipComprehensiveEntry[] = [];
  for (const d of dxRows) {
    if (!isCategory(d.code)) continue;
    const rw = adrgRw.get(home.get(d.code)?.adrg ?? '') ?? 1;
    ([0, 1, 2, 3] as const).forEach((cls) => {
      const cost = Math.round((rw * 9000 * DIP_CLASS_COST_FACTOR[cls]) / 10) * 10;
      out.push({
        dx: d.code, proc_class: cls, name: `${d.name}·${DIP_CLASS_NAME[cls]}`,
        score: dipScore(cost), mean_cost: cost, source: SRC.dipComprehensive,
      });
    });
  }
  return out;
}

function kindOf(code: string): AdrgKind {
  const t = code.charAt(1);
  return t <= 'J' ? 'surgical' : t <= 'Q' ? 'non_or' : 'medical';
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
