// The code dictionaries: dx.csv (names, sex limits), cc.csv (CC/MCC and their exclusion tables),
// exclusion.csv (principal-diagnosis exclusions), proc.csv (OR flag, DIP class) and the two code maps.
import { CC_LEVEL, DIP_CLASS, SEX, YES_NO } from './cell-vocabularies.ts';
import type { CellReader } from './cell-reader.ts';
import type { CodeLists } from './code-lists.ts';
import type { CheckRule, DiagnosisEntry, ProcedureEntry } from '../ruleset-format.ts';

export interface Dictionaries {
  /** Upper-cased code → entry, in order of first appearance across dx, cc and exclusion. */
  dxByCode: Map<string, DiagnosisEntry>;
  maleOnly: string[];
  femaleOnly: string[];
  procedures: ProcedureEntry[];
  dxMap: Record<string, string> | undefined;
  procMap: Record<string, string> | undefined;
}

export function readDictionaries(reader: CellReader): Dictionaries {
  const dxByCode = new Map<string, DiagnosisEntry>();
  const dxEntry = (code: string) => {
    const k = code.toUpperCase();
    let e = dxByCode.get(k);
    if (!e) dxByCode.set(k, (e = { code }));
    return e;
  };
  const { maleOnly, femaleOnly } = readDiagnoses(reader, dxEntry);
  readCcTable(reader, dxEntry);
  readExclusions(reader, dxEntry);
  const procedures = readProcedures(reader);
  const dxMap = readCodeMap(reader, 'dx_map');
  const procMap = readCodeMap(reader, 'proc_map');
  return { dxByCode, maleOnly, femaleOnly, procedures, dxMap, procMap };
}

type DxEntryOf = (code: string) => DiagnosisEntry;

function readDiagnoses(reader: CellReader, dxEntry: DxEntryOf): { maleOnly: string[]; femaleOnly: string[] } {
  const maleOnly: string[] = [];
  const femaleOnly: string[] = [];
  const seenDx = reader.unique('dx', 'code');
  for (const r of reader.rowsOf('dx')) {
    const code = reader.required('dx', r, 'code');
    if (code === null || !seenDx(code, r)) continue;
    const e = dxEntry(code);
    reader.from('diagnoses', e.code, 'dx', r);
    if (reader.cell(r, 'name')) e.name = reader.cell(r, 'name');
    const sex = reader.word('dx', r, 'sex', SEX, 'a sex (M/F, 男/女)');
    if (sex === 1) maleOnly.push(code);
    if (sex === 2) femaleOnly.push(code);
  }
  return { maleOnly, femaleOnly };
}

function readCcTable(reader: CellReader, dxEntry: DxEntryOf): void {
  const seenCc = reader.unique('cc', 'dx');
  for (const r of reader.rowsOf('cc')) {
    const code = reader.required('cc', r, 'dx');
    const level = reader.word('cc', r, 'level', CC_LEVEL, 'CC or MCC');
    const table = reader.required('cc', r, 'exclusion');
    if (code === null || !seenCc(code, r)) continue;
    if (level === undefined) reader.required('cc', r, 'level');
    if (!level || table === null) continue;
    const e = dxEntry(code);
    if (!reader.sourceOf('diagnoses', e.code)) reader.from('diagnoses', e.code, 'cc', r);
    if (!e.name && reader.cell(r, 'name')) e.name = reader.cell(r, 'name');
    e.cc = level;
    e.cc_exclusion = table;
  }
}

function readExclusions(reader: CellReader, dxEntry: DxEntryOf): void {
  const seenEx = reader.unique('exclusion', 'dx');
  for (const r of reader.rowsOf('exclusion')) {
    const code = reader.required('exclusion', r, 'dx');
    const table = reader.required('exclusion', r, 'exclusion');
    if (code === null || table === null || !seenEx(code, r)) continue;
    const e = dxEntry(code);
    if (!reader.sourceOf('diagnoses', e.code)) reader.from('diagnoses', e.code, 'exclusion', r);
    e.principal_exclusion = table;
  }
}

function readProcedures(reader: CellReader): ProcedureEntry[] {
  const procedures: ProcedureEntry[] = [];
  const seenProc = reader.unique('proc', 'code');
  for (const r of reader.rowsOf('proc')) {
    const code = reader.required('proc', r, 'code');
    const or = reader.word('proc', r, 'or', YES_NO, 'yes/no (是/否)');
    const dip = reader.word('proc', r, 'dip_class', DIP_CLASS, 'a DIP procedure class (0–3, 保守治疗/诊断性操作/治疗性操作/相关手术)');
    if (code === null || !seenProc(code, r)) continue;
    const p: ProcedureEntry = { code };
    if (reader.cell(r, 'name')) p.name = reader.cell(r, 'name');
    if (typeof or === 'boolean') p.or = or;
    if (typeof dip === 'number') p.dip_class = dip;
    procedures.push(p);
    reader.from('procedures', code, 'proc', r);
  }
  return procedures;
}

/** dx_map.csv or proc_map.csv: undefined when the file is absent (so the ruleset leaves the map out). */
function readCodeMap(reader: CellReader, t: 'dx_map' | 'proc_map'): Record<string, string> | undefined {
  if (!reader.has(t)) return undefined;
  const out: Record<string, string> = {};
  const seen = reader.unique(t, 'from');
  for (const r of reader.rowsOf(t)) {
    const a = reader.required(t, r, 'from');
    const b = reader.required(t, r, 'to');
    if (a !== null && b !== null && seen(a, r)) { out[a] = b; reader.from(t, a, t, r); }
  }
  return out;
}

/** §11 sex conflicts from dx.csv's sex column: a check rule, and its list, per sex that has codes. */
export function sexChecks(d: Dictionaries, lists: CodeLists): CheckRule[] {
  const checks: CheckRule[] = [];
  if (d.maleOnly.length) {
    lists.set('male_only_dx', d.maleOnly);
    checks.push({ reason: 'sex_conflict', when: { and: [{ cmp: ['sex', '==', 2] }, { in: ['principal_dx', 'male_only_dx'] }] }, note: '男性专用诊断用于女性' });
  }
  if (d.femaleOnly.length) {
    lists.set('female_only_dx', d.femaleOnly);
    checks.push({ reason: 'sex_conflict', when: { and: [{ cmp: ['sex', '==', 1] }, { in: ['principal_dx', 'female_only_dx'] }] }, note: '女性专用诊断用于男性' });
  }
  return checks;
}
