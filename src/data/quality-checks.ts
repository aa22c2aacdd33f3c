// Data-quality checks of the settlement list (结算清单质控, domain §11): each finding names its rule,
// the column and every row it concerns. Nothing is dropped or changed; the checks only report.

/** The rules, in the order the report lists them. */
export const QUALITY_RULES = [
  'missing_required_value',
  'duplicate_case_id',
  'unknown_principal_dx',
  'unknown_secondary_dx',
  'unknown_procedure',
  'sex_dx_conflict',
  'perinatal_dx_age',
  'newborn_no_birth_weight',
  'discharge_before_admit',
  'los_not_positive',
  'cost_components_mismatch',
] as const;
export type QualityRule = (typeof QUALITY_RULES)[number];

export const QUALITY_COLUMN: Record<QualityRule, string> = {
  missing_required_value: '', // one finding per column, named in the finding
  duplicate_case_id: 'case_id',
  unknown_principal_dx: 'principal_dx',
  unknown_secondary_dx: 'secondary_dx',
  unknown_procedure: 'principal_proc',
  sex_dx_conflict: 'sex',
  perinatal_dx_age: 'principal_dx',
  newborn_no_birth_weight: 'birth_weight_g',
  discharge_before_admit: 'discharge_date',
  los_not_positive: 'los',
  cost_components_mismatch: 'total_cost',
};

export interface QualityFinding {
  rule: QualityRule;
  column: string;
  /** 0-based rows, ascending. */
  rows: Int32Array;
}

/** Which sex a diagnosis code is limited to (ICD-10 chapters and blocks): 1 male, 2 female, 0 either. */
export function dxSexLimit(code: string): 0 | 1 | 2 {
  const c = code.trim().toUpperCase();
  const letter = c.charAt(0);
  const n = Number.parseInt(c.slice(1, 3), 10);
  if (!Number.isFinite(n)) return 0;
  if (letter === 'O') return 2; // pregnancy, childbirth and the puerperium
  if (letter === 'C' && n >= 51 && n <= 58) return 2; // female genital organs
  if (letter === 'C' && n >= 60 && n <= 63) return 1; // male genital organs
  if (letter === 'D' && n >= 25 && n <= 28) return 2; // benign tumours of female genital organs
  if (letter === 'D' && n === 29) return 1;
  if (letter === 'N' && n >= 40 && n <= 51) return 1; // diseases of male genital organs
  if (letter === 'N' && n >= 70 && n <= 98) return 2; // diseases of female genital organs
  return 0;
}

/** Perinatal-period codes (P00–P96), which §11 expects only up to 28 days of age. */
export const isPerinatalDx = (code: string) => /^P\d/.test(code.trim().toUpperCase());

export interface QualityInput {
  rows: number;
  caseIds: { ids: Int32Array; labels: string[] };
  principalDx: { ids: Int32Array; labels: string[] };
  /** Ids after encoding against the ruleset (−2 unknown); null when no ruleset is loaded. */
  encoded: { principalDx: Int32Array; secondaryDx: Int32Array; secondaryDxOffsets: Int32Array; principalProc: Int32Array; otherProcs: Int32Array; otherProcsOffsets: Int32Array } | null;
  sex: Uint8Array;
  ageYears: Int32Array;
  ageDays: Int32Array;
  birthWeightG: Int32Array;
  /** discharge − admit in days, before the LOS floor of 1; null when the file has no dates. */
  stayDays: Int32Array | null;
  /** The file's own los column, −1 where absent. */
  losGiven: Int32Array | null;
  totalCost: Float64Array;
  /** Cost components (drug_cost … other_cost) present in the file. */
  components: Float64Array[];
  /** Rows where a required column is empty (read as a neutral value so the row is kept). */
  missing: { column: string; rows: Int32Array }[];
}

/** Tolerance of §11: components may differ from the total by up to 1 %. */
const COMPONENT_TOLERANCE = 0.01;

export function runQualityChecks(q: QualityInput): QualityFinding[] {
  const flagged = new Map<QualityRule, number[]>(QUALITY_RULES.map((r) => [r, []]));
  const flag = (rule: QualityRule, row: number) => flagged.get(rule)!.push(row);
  const n = q.rows;

  // Per distinct value, not per row: counts of case ids, and code classes of principal diagnoses.
  const idCount = new Int32Array(q.caseIds.labels.length);
  for (let i = 0; i < n; i++) idCount[q.caseIds.ids[i]]++;
  const pdxSex = Int8Array.from(q.principalDx.labels, dxSexLimit);
  const pdxPerinatal = Uint8Array.from(q.principalDx.labels, (c) => (isPerinatalDx(c) ? 1 : 0));

  for (let i = 0; i < n; i++) {
    if (idCount[q.caseIds.ids[i]] > 1) flag('duplicate_case_id', i);
    const e = q.encoded;
    if (e) {
      if (e.principalDx[i] === -2) flag('unknown_principal_dx', i);
      for (let k = e.secondaryDxOffsets[i]; k < e.secondaryDxOffsets[i + 1]; k++) {
        if (e.secondaryDx[k] === -2) { flag('unknown_secondary_dx', i); break; }
      }
      let unknownProc = e.principalProc[i] === -2;
      for (let k = e.otherProcsOffsets[i]; !unknownProc && k < e.otherProcsOffsets[i + 1]; k++) unknownProc = e.otherProcs[k] === -2;
      if (unknownProc) flag('unknown_procedure', i);
    }
    const pdx = q.principalDx.ids[i];
    if (pdx >= 0) {
      const limit = pdxSex[pdx];
      if (limit !== 0 && (q.sex[i] === 1 || q.sex[i] === 2) && q.sex[i] !== limit) flag('sex_dx_conflict', i);
      if (pdxPerinatal[pdx] && (q.ageYears[i] >= 1 || q.ageDays[i] > 28)) flag('perinatal_dx_age', i);
    }
    const newborn = q.ageYears[i] === 0 && q.ageDays[i] >= 0 && q.ageDays[i] <= 28;
    if (newborn && q.birthWeightG[i] < 0) flag('newborn_no_birth_weight', i);
    if (q.stayDays && q.stayDays[i] < 0) flag('discharge_before_admit', i);
    if (q.losGiven && q.losGiven[i] !== -1 && q.losGiven[i] <= 0) flag('los_not_positive', i);
    if (q.components.length) {
      let sum = 0;
      for (const c of q.components) sum += Number.isFinite(c[i]) ? c[i] : 0;
      const total = q.totalCost[i];
      if (Math.abs(sum - total) > COMPONENT_TOLERANCE * Math.abs(total)) flag('cost_components_mismatch', i);
    }
  }
  const missing: QualityFinding[] = q.missing.map((m) => ({ rule: 'missing_required_value', column: m.column, rows: m.rows }));
  return [...missing, ...QUALITY_RULES.map((rule) => ({ rule, column: QUALITY_COLUMN[rule], rows: Int32Array.from(flagged.get(rule)!) }))
    .filter((f) => f.rows.length > 0 && f.rule !== 'missing_required_value')];
}
