// What a person reads of single cases: a page of rows matching a filter, and one case's grouping trace with
// its facts (§2 DRG, §4 DIP), retraced by the reference groupers. Reads the store and grouping, changes nothing.
import { fail } from '../shared/errors.ts';
import { createCodeEncoder, type CaseColumns } from '../rules/case-encoding.ts';
import type { DipCaseColumns } from '../rules/dip-encoding.ts';
import { REASON_NAMES } from '../rules/ruleset-format.ts';
import type { Grouping } from './case-grouping.ts';
import { caseIdAt, findRow, type CaseStore } from './case-store.ts';
import type { IdListColumn } from './column-placement.ts';
import { explainDip, type DipExplanation } from './reference/dip-grouper.ts';
import { explainDrg, type DrgExplanation } from './reference/drg-grouper.ts';
import type { WasmCore } from './wasm-core.ts';

/** One row of a page of cases, for the tables a person reads. */
export interface CaseRow {
  row: number;
  caseId: string;
  department: string;
  principalDx: string;
  mdc: string;
  drg: string;
  drgName: string;
  severity: number;
  reason: string;
  totalCost: number;
  los: number;
}

export type CaseFilter = { kind: 'all' } | { kind: 'ungrouped' } | { kind: 'drg'; drg: string };

export interface CaseExplanation extends DrgExplanation {
  /** The DIP side of the same case (§4). */
  dip: DipExplanation;
  row: number;
  caseId: string;
  facts: {
    principalDx: { code: string; name: string } | null;
    secondaryDx: { code: string; name: string; known: boolean }[];
    principalProc: { code: string; name: string } | null;
    otherProcs: { code: string; name: string; known: boolean }[];
    ageYears: number;
    ageDays: number;
    sex: number;
    birthWeightG: number;
    los: number;
    dischargeStatus: number;
  };
}

/** A page of cases matching a filter, as rows for display (a few dozen at a time). */
export function casesPage(core: WasmCore, s: CaseStore, g: Grouping, filter: CaseFilter, offset: number, limit: number): { total: number; rows: CaseRow[] } {
  const drgId = filter.kind === 'drg' ? g.compiled.strings.drgCodes.indexOf(filter.drg) : -1;
  const matches = (i: number) => filter.kind === 'all' || (filter.kind === 'ungrouped' ? g.out.drg[i] < 0 : g.out.drg[i] === drgId);
  const rows: CaseRow[] = [];
  let total = 0;
  for (let i = 0; i < s.rows; i++) {
    if (!matches(i)) continue;
    if (total >= offset && rows.length < limit) rows.push(caseRow(core, s, g, i));
    total++;
  }
  return { total, rows };
}

function caseRow(core: WasmCore, s: CaseStore, g: Grouping, i: number): CaseRow {
  const str = g.compiled.strings;
  const drg = g.out.drg[i];
  const pdx = s.codes.principalDx;
  return {
    row: i,
    caseId: caseIdAt(s, i),
    department: s.departmentLabels[core.i32(s.department, s.rows)[i]] ?? '',
    principalDx: pdx.ids[i] >= 0 ? pdx.labels[pdx.ids[i]] : '',
    mdc: g.out.mdc[i] >= 0 ? str.mdcCodes[g.out.mdc[i]] : '',
    drg: drg >= 0 ? str.drgCodes[drg] : '0000',
    drgName: drg >= 0 ? str.drgNames[drg] ?? '' : '',
    severity: g.out.severity[i],
    reason: REASON_NAMES[g.out.reason[i]] ?? '',
    totalCost: core.f64(s.totalCost, s.rows)[i],
    los: core.i32(s.los, s.rows)[i],
  };
}

/** The trace of every grouping decision for one case, by case_id or row number. */
export function explainCase(s: CaseStore, g: Grouping, key: { caseId: string } | { row: number }): CaseExplanation {
  const row = 'row' in key ? key.row : findRow(s, key.caseId);
  if (row < 0 || row >= s.rows) {
    const id = 'caseId' in key ? key.caseId : String(key.row);
    fail('case.not_found', `No case ${id} in ${s.info.file}`, { id, file: s.info.file }, { file: s.info.file });
  }
  const single: DipCaseColumns = { ...sliceCase(g.cases, row), principalDxDipKey: g.cases.principalDxDipKey.slice(row, row + 1) };
  const explanation = explainDrg(g.compiled, 0, single);
  const dip = explainDip(g.compiled, 0, single);
  const str = g.compiled.strings;
  const code = (labels: string[], ids: Int32Array, i: number) => (ids[i] >= 0 ? labels[ids[i]] : '');
  const dxName = (c: string, id: number) => ({ code: c, name: id >= 0 ? str.dxNames[id] ?? '' : '', known: id >= 0 });
  const procName = (c: string, id: number) => ({ code: c, name: id >= 0 ? str.procNames[id] ?? '' : '', known: id >= 0 });
  const list = (l: IdListColumn) => Array.from(l.ids.subarray(l.offsets[row], l.offsets[row + 1]), (id) => l.labels[id]).filter((c) => c !== '');
  const pdx = code(s.codes.principalDx.labels, s.codes.principalDx.ids, row);
  const pproc = code(s.codes.principalProc.labels, s.codes.principalProc.ids, row);
  const dxEnc = createCodeEncoder(g.compiled, 'dx');
  const procEnc = createCodeEncoder(g.compiled, 'proc');
  return {
    ...explanation, dip, row, caseId: caseIdAt(s, row),
    facts: {
      principalDx: pdx ? dxName(pdx, single.principalDx[0]) : null,
      secondaryDx: list(s.codes.secondaryDx).map((c) => dxName(c, dxEnc(c))),
      principalProc: pproc ? procName(pproc, single.principalProc[0]) : null,
      otherProcs: list(s.codes.otherProcs).map((c) => procName(c, procEnc(c))),
      ageYears: single.ageYears[0], ageDays: single.ageDays[0], sex: single.sex[0],
      birthWeightG: single.birthWeightG[0], los: single.los[0], dischargeStatus: single.dischargeStatus[0],
    },
  };
}

/** One case of a column set, as a one-row column set (for the per-case trace). */
function sliceCase(c: CaseColumns, i: number): CaseColumns {
  const a = c.secondaryDxOffsets[i], b = c.secondaryDxOffsets[i + 1];
  const p = c.otherProcsOffsets[i], q = c.otherProcsOffsets[i + 1];
  return {
    n: 1,
    principalDx: c.principalDx.slice(i, i + 1),
    secondaryDx: c.secondaryDx.slice(a, b), secondaryDxOffsets: Int32Array.of(0, b - a),
    principalProc: c.principalProc.slice(i, i + 1),
    otherProcs: c.otherProcs.slice(p, q), otherProcsOffsets: Int32Array.of(0, q - p),
    ageYears: c.ageYears.slice(i, i + 1), ageDays: c.ageDays.slice(i, i + 1), sex: c.sex.slice(i, i + 1),
    birthWeightG: c.birthWeightG.slice(i, i + 1), los: c.los.slice(i, i + 1), dischargeStatus: c.dischargeStatus.slice(i, i + 1),
    icuHours: c.icuHours.slice(i, i + 1), department: c.department.slice(i, i + 1),
  };
}
