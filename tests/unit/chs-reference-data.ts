// Loads the CHS-DRG 1.1 reference folder (outside the repo) for tests and benchmarks: rules, cases, expected.
// Never copies anything from it into the project; callers skip when `chsReferenceDir()` is null.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MISSING, createCodeEncoder, createDepartmentEncoder, encodeSex, icuHoursValue, type CaseColumns } from '../../src/rules/case-encoding.ts';
import { importChsRules } from '../../src/rules/import-chs.ts';
import type { Ruleset } from '../../src/rules/ruleset-format.ts';
import type { CompiledRuleset } from '../../src/rules/ruleset-compile.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The reference folder (`../shared/reference/chs-drg-1.1` from the repo root), or null when absent. */
export function chsReferenceDir(): string | null {
  const dir = resolve(repoRoot, '../shared/reference/chs-drg-1.1');
  return existsSync(resolve(dir, 'rules.json')) && existsSync(resolve(dir, 'cases.csv')) ? dir : null;
}

export const CHS_MISSING_MESSAGE = 'CHS-DRG 1.1 reference folder ../shared/reference/chs-drg-1.1 not found: skipped';

/** Under CI the reference folders must be there: a test that needs one fails instead of skipping. */
export const REFERENCE_REQUIRED = !!process.env.CI;

/** The folder, or a failure naming it (reached only when it is missing under CI). */
export function requireReference(dir: string | null, what: string): string {
  if (!dir) throw new Error(`${what} not found; CI=${String(process.env.CI)} requires the reference data`);
  return dir;
}

/** The regional folders (`../shared/reference/regional/*` with rules.json), sorted; [] when absent. */
export function regionalReferenceDirs(): { name: string; dir: string }[] {
  const base = resolve(repoRoot, '../shared/reference/regional');
  if (!existsSync(base)) return [];
  return readdirSync(base).sort().map((name) => ({ name, dir: resolve(base, name) }))
    .filter((f) => existsSync(resolve(f.dir, 'rules.json')) && existsSync(resolve(f.dir, 'cases.csv')));
}

export const REGIONAL_MISSING_MESSAGE = 'regional reference folders ../shared/reference/regional/* not found: skipped';

export function importChsReference(dir: string): Ruleset {
  const { ruleset, problems } = importChsRules(JSON.parse(readFileSync(resolve(dir, 'rules.json'), 'utf8')));
  if (!ruleset) throw new Error(`import problems: ${JSON.stringify(problems.slice(0, 5))}`);
  return ruleset;
}

/** The cases of cases.csv as string rows (simple CSV: no quoting; lists are `|`-separated). */
export interface ChsCaseRows {
  caseId: string[];
  principalDx: string[];
  secondaryDx: string[][];
  principalProc: string[];
  otherProcs: string[][];
  ageYears: number[];
  ageDays: number[];
  sex: string[];
  birthWeightG: number[];
  los: number[];
  dischargeStatus: number[];
  /** Optional columns: '' / MISSING when the file lacks them. */
  department: string[];
  icuHours: number[];
}

export function readChsCases(dir: string): ChsCaseRows {
  const lines = readFileSync(resolve(dir, 'cases.csv'), 'utf8').split(/\r?\n/).filter((l) => l !== '');
  const header = lines[0]!.split(',');
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`cases.csv has no column ${name}`);
    return i;
  };
  const ix = {
    id: col('case_id'), pdx: col('principal_dx'), sdx: col('secondary_dx'), pp: col('principal_proc'), op: col('other_procs'),
    ay: col('age_years'), ad: col('age_days'), sex: col('sex'), bw: col('birth_weight_g'), los: col('los'), ds: col('discharge_status'),
    dept: header.indexOf('department'), icu: header.indexOf('icu_hours'),
  };
  const rows: ChsCaseRows = {
    caseId: [], principalDx: [], secondaryDx: [], principalProc: [], otherProcs: [],
    ageYears: [], ageDays: [], sex: [], birthWeightG: [], los: [], dischargeStatus: [], department: [], icuHours: [],
  };
  const num = (s: string | undefined) => (s === undefined || s === '' ? MISSING : Number(s));
  const list = (s: string | undefined) => (s ? s.split('|').filter((c) => c !== '') : []);
  for (let r = 1; r < lines.length; r++) {
    const f = lines[r]!.split(',');
    if (f.length !== header.length) throw new Error(`cases.csv line ${r + 1}: ${f.length} fields, expected ${header.length}`);
    rows.caseId.push(f[ix.id]!);
    rows.principalDx.push(f[ix.pdx]!);
    rows.secondaryDx.push(list(f[ix.sdx]));
    rows.principalProc.push(f[ix.pp]!);
    rows.otherProcs.push(list(f[ix.op]));
    rows.ageYears.push(num(f[ix.ay]));
    rows.ageDays.push(num(f[ix.ad]));
    rows.sex.push(f[ix.sex]!);
    rows.birthWeightG.push(num(f[ix.bw]));
    rows.los.push(num(f[ix.los]));
    rows.dischargeStatus.push(num(f[ix.ds]));
    rows.department.push(ix.dept >= 0 ? f[ix.dept]! : '');
    rows.icuHours.push(ix.icu >= 0 ? icuHoursValue(f[ix.icu] === '' ? null : Number(f[ix.icu])) : MISSING);
  }
  return rows;
}

export function readChsExpected(dir: string): Map<string, { mdc: string; adrg: string; drg: string }> {
  const lines = readFileSync(resolve(dir, 'expected.csv'), 'utf8').split(/\r?\n/).filter((l) => l !== '');
  const out = new Map<string, { mdc: string; adrg: string; drg: string }>();
  for (let r = 1; r < lines.length; r++) {
    const [id, mdc, adrg, drg] = lines[r]!.split(',');
    out.set(id!, { mdc: mdc!, adrg: adrg!, drg: drg! });
  }
  return out;
}

/** Encodes rows `pick[i]` (default: all) into grouper columns; `pick` lets the bench resample. */
export function encodeChsRows(compiled: CompiledRuleset, rows: ChsCaseRows, pick?: Int32Array): CaseColumns {
  const n = pick ? pick.length : rows.caseId.length;
  const at = (i: number) => (pick ? pick[i]! : i);
  const dx = createCodeEncoder(compiled, 'dx');
  const proc = createCodeEncoder(compiled, 'proc');
  // Encode each source row once, then copy ids: per distinct value, as Arrow dictionaries allow.
  const srcN = rows.caseId.length;
  const pdx = Int32Array.from(rows.principalDx, (c) => dx(c));
  const pp = Int32Array.from(rows.principalProc, (c) => proc(c));
  const sdx = rows.secondaryDx.map((l) => Int32Array.from(l, (c) => dx(c)));
  const op = rows.otherProcs.map((l) => Int32Array.from(l, (c) => proc(c)));
  const sex = Uint8Array.from(rows.sex, (s) => encodeSex(s));
  const dept = createDepartmentEncoder(compiled);
  const department = Int32Array.from(rows.department, (d) => dept(d));
  let sTotal = 0, oTotal = 0;
  for (let i = 0; i < n; i++) { sTotal += sdx[at(i)]!.length; oTotal += op[at(i)]!.length; }
  const cols: CaseColumns = {
    n,
    principalDx: new Int32Array(n), secondaryDx: new Int32Array(sTotal), secondaryDxOffsets: new Int32Array(n + 1),
    principalProc: new Int32Array(n), otherProcs: new Int32Array(oTotal), otherProcsOffsets: new Int32Array(n + 1),
    ageYears: new Int32Array(n), ageDays: new Int32Array(n), sex: new Uint8Array(n), birthWeightG: new Int32Array(n),
    los: new Int32Array(n), dischargeStatus: new Int32Array(n), icuHours: new Int32Array(n), department: new Int32Array(n),
  };
  let s = 0, o = 0;
  for (let i = 0; i < n; i++) {
    const r = at(i);
    if (r >= srcN) throw new Error('pick out of range');
    cols.principalDx[i] = pdx[r]!;
    cols.principalProc[i] = pp[r]!;
    cols.secondaryDx.set(sdx[r]!, s); s += sdx[r]!.length; cols.secondaryDxOffsets[i + 1] = s;
    cols.otherProcs.set(op[r]!, o); o += op[r]!.length; cols.otherProcsOffsets[i + 1] = o;
    cols.ageYears[i] = rows.ageYears[r]!;
    cols.ageDays[i] = rows.ageDays[r]!;
    cols.sex[i] = sex[r]!;
    cols.birthWeightG[i] = rows.birthWeightG[r]!;
    cols.los[i] = rows.los[r]!;
    cols.dischargeStatus[i] = rows.dischargeStatus[r]!;
    cols.icuHours[i] = rows.icuHours[r]!;
    cols.department[i] = department[r]!;
  }
  return cols;
}
