// The casemix-ruleset/1 document: DRG grouping rules, dictionaries and tables as plain JSON data.
// Types and their meaning only — no evaluation, no I/O; the grouper reads the compiled form, never this.
import {
  REASON_AGE_CONFLICT, REASON_AMBIGUOUS, REASON_GROUPED, REASON_INVALID_DATA, REASON_MISSING_PRINCIPAL_DX, REASON_NEWBORN_ERROR,
  REASON_NO_ADRG, REASON_NO_MDC, REASON_SEX_CONFLICT, REASON_UNKNOWN_PRINCIPAL_DX,
} from '../../assembly/rule-codes.ts';

/** The format tag every ruleset document carries. */
export const RULESET_FORMAT = 'casemix-ruleset/1';

/**
 * One ruleset document. Everything the DRG grouper (domain §2) and the DIP grouper (§4) decide is
 * here as data; `docs/ruleset-format.md` describes it for people writing one by hand.
 *
 * Evaluation order (§2): `checks` (first failing → 0000 with its reason), then `mdcs` in array
 * order: an MDC whose `guard` holds runs its `steps` in order; the first step that returns a group
 * wins; when none does, the next MDC is tried (fall-through); when every MDC fails the case is 0000.
 */
export interface Ruleset {
  format: typeof RULESET_FORMAT;
  meta: RulesetMeta;
  /** How case codes are matched to the dictionaries (normalisation and fallback levels). */
  code_matching?: { dx?: CodeMatching; proc?: CodeMatching };
  /** Input code → grouper code, applied once after normalisation (e.g. 国临版 → 医保版). */
  dx_map?: Record<string, string>;
  proc_map?: Record<string, string>;
  /** Diagnosis dictionary, with the CC/MCC table and exclusion-table numbers (§2.6). */
  diagnoses?: DiagnosisEntry[];
  /** Procedure dictionary, with the OR flag (`$or_procedures`) and DIP procedure class (§4). */
  procedures?: ProcedureEntry[];
  /** Named code lists that conditions refer to. One namespace for the whole ruleset. */
  lists?: Record<string, string[]>;
  /** Validation checks tried before the MDCs; the first whose `when` holds fails the case. */
  checks?: CheckRule[];
  /** The MDCs in the order they are tried (pre-MDC first, §2.2–2.4). */
  mdcs: MdcRule[];
  adrgs: AdrgRule[];
  /** The DRG table: every DRG code a split or fallback can return. */
  drgs: DrgEntry[];
  /** DIP core-combination catalog (§4). */
  dip_catalog?: DipCatalogEntry[];
  /** DIP comprehensive groups (综合病种, §4): where a case goes when its combination is not in the catalog. */
  dip_comprehensive?: DipComprehensiveEntry[];
  /** Default parameters (rates, thresholds, shares) a scenario starts from (§3, §4, §10). */
  parameters?: Record<string, number | string | boolean>;
  /** When a case ends 0000 and has other procedures, group it again with each of them alone as
   * its only procedure; the first that groups wins (some regional groupers do this). */
  retry_each_other_procedure?: boolean;
  /** The DRG codes a region reports for a case no MDC takes (`ungroupable`) and for one whose MDC
   * matched but none of its ADRGs (`mdc_only`); both "0000" when absent. Output only. */
  fail_drg_codes?: { ungroupable?: string; mdc_only?: string };
}

/** The DRG code of an ungrouped case when the ruleset names none. */
export const DEFAULT_FAIL_DRG_CODE = '0000';

export interface RulesetMeta {
  name: string;
  version: string;
  /** `national` or the region, e.g. `北京`, `烟台`. */
  region?: string;
  code_systems?: { dx?: string; proc?: string };
  /** DIP score factor (§4): 1000 by default, 100 in some regions. */
  dip_score_factor?: number;
  /** True for made-up rulesets meant for teaching, never for settlement. */
  teaching_only?: boolean;
  /** Where the rules come from (publisher, licence). */
  source?: string;
}

export interface CodeMatching {
  /** Code prefixes to try, longest first, when the full code is unknown: `[5, 3]` tries `K80.1`
   * then `K80` for `K80.100x001`. Empty or absent: full code only. */
  fallback_lengths?: number[];
}

export interface DiagnosisEntry {
  /** Where this entry comes from (publication, or `unverified`). */
  source?: string;
  code: string;
  name?: string;
  /** This code as a secondary diagnosis is a CC or MCC (§2.6). */
  cc?: 'cc' | 'mcc';
  /** Its exclusion-table number (排除表): ignored as CC/MCC when the principal diagnosis has the same. */
  cc_exclusion?: string;
  /** The exclusion-table number this code carries when it is the principal diagnosis. */
  principal_exclusion?: string;
}

/** DIP procedure class, lowest to highest (§4): 0 conservative, 1 diagnostic, 2 therapeutic, 3 surgery. */
export type DipProcedureClass = 0 | 1 | 2 | 3;
export const DIP_PROCEDURE_CLASSES: readonly DipProcedureClass[] = [0, 1, 2, 3];

export interface ProcedureEntry {
  /** Where this entry comes from (publication, or `unverified`). */
  source?: string;
  code: string;
  name?: string;
  /** A valid operating-room procedure (member of the built-in list `$or_procedures`). */
  or?: boolean;
  dip_class?: DipProcedureClass;
}

/** Why a case did not group, or how it grouped. Stored as a small integer (see REASON_CODES). */
export type ReasonName =
  | 'grouped'
  | 'missing_principal_dx'
  | 'unknown_principal_dx'
  | 'no_mdc'
  | 'no_adrg'
  | 'sex_conflict'
  | 'newborn_error'
  | 'age_conflict'
  | 'invalid_data'
  | 'ambiguous';

/** Reason codes of the output column, by name (the numbers are the core's, assembly/rule-codes.ts). `ambiguous`
 * is grouped into an xQY. */
export const REASON_CODES: Readonly<Record<ReasonName, number>> = {
  grouped: REASON_GROUPED,
  missing_principal_dx: REASON_MISSING_PRINCIPAL_DX,
  unknown_principal_dx: REASON_UNKNOWN_PRINCIPAL_DX,
  no_mdc: REASON_NO_MDC,
  no_adrg: REASON_NO_ADRG,
  sex_conflict: REASON_SEX_CONFLICT,
  newborn_error: REASON_NEWBORN_ERROR,
  age_conflict: REASON_AGE_CONFLICT,
  invalid_data: REASON_INVALID_DATA,
  ambiguous: REASON_AMBIGUOUS,
};
export const REASON_NAMES: readonly ReasonName[] = (Object.keys(REASON_CODES) as ReasonName[])
  .sort((a, b) => REASON_CODES[a] - REASON_CODES[b]);

/** Reasons a `checks` rule may give (the others are decided by the grouper itself). */
export const CHECK_REASONS: readonly ReasonName[] = ['sex_conflict', 'newborn_error', 'age_conflict', 'invalid_data', 'unknown_principal_dx'];

export interface CheckRule {
  /** Where this entry comes from (publication, or `unverified`). */
  source?: string;
  reason: ReasonName;
  when: Condition;
  note?: string;
}

export interface MdcRule {
  /** Where this entry comes from (publication, or `unverified`). */
  source?: string;
  /** `MDCF`; the letter after `MDC` is the MDC letter. */
  code: string;
  name?: string;
  guard: Condition;
  steps: Step[];
}

/** A step of an MDC: try an ADRG, or send the case to the MDC's ambiguity group (歧义组). */
export type Step = AdrgStep | AmbiguityStep;
export interface AdrgStep {
  adrg: string;
  /** Extra condition on the step, on top of the ADRG's own `when`. Absent = true. */
  when?: Condition;
}
export interface AmbiguityStep {
  /** The ambiguity group code, e.g. `FQY`; it is both its ADRG and its DRG. */
  ambiguity: string;
  /** When it applies; `false` switches it off. Usually "has a valid OR procedure". */
  when: Condition;
  /** Its name (e.g. a region's drg_names["BQY"]). */
  name?: string;
}

export type AdrgKind = 'surgical' | 'non_or' | 'medical';

export interface AdrgRule {
  /** Where this entry comes from (publication, or `unverified`). */
  source?: string;
  /** Three characters: MDC letter, type letter, digit (§2); for an alternative entry its own label (`AH1_2`). */
  code: string;
  /** Set on an alternative entry (定义) of an ADRG written as several rows: the ADRG it defines (`AH1`). Steps
   * name the entry; a case it takes gets this ADRG, and its DRGs belong to it. */
  adrg?: string;
  name?: string;
  /** Derived from the type letter when absent (A–J surgical, K–Q non-OR, R–Z medical). */
  kind?: AdrgKind;
  when: Condition;
  /** DRG splits, tried in order; the first whose `when` holds gives the DRG. */
  splits: Split[];
  /** DRG given when no split matches. Absent: the ADRG did not match; the MDC goes on. */
  fallback?: string;
}

export interface Split {
  drg: string;
  /** Absent = true (the default DRG, suffix 5 or 9). */
  when?: Condition;
}

export interface DrgEntry {
  /** Where this entry comes from (publication, or `unverified`). */
  source?: string;
  code: string;
  name?: string;
  /** The ADRG it belongs to (usually its first three characters). */
  adrg: string;
  /** Relative weight RW (§3). */
  weight?: number;
  mean_los?: number;
  mean_cost?: number;
}

export interface DipCatalogEntry {
  /** Where this entry comes from (publication, or `unverified`). */
  source?: string;
  /** Diagnosis key at subcategory level, e.g. `K80.1`. */
  dx: string;
  /** Exact procedure set, sorted, duplicates removed; empty for conservative treatment. */
  procs: string[];
  name?: string;
  score?: number;
  mean_cost?: number;
}

/**
 * A DIP comprehensive group (综合病种, §4): a diagnosis category crossed with the highest procedure
 * class the case carries. One entry per (dx, proc_class).
 */
export interface DipComprehensiveEntry {
  /** Where this entry comes from (publication, or `unverified`). */
  source?: string;
  /** Diagnosis category, e.g. `K80`. */
  dx: string;
  /** Highest procedure class present: 0 conservative (no procedure), 1 diagnostic, 2 therapeutic, 3 surgery. */
  proc_class: DipProcedureClass;
  name?: string;
  score?: number;
  mean_cost?: number;
}

/** Code lengths of the DIP keys (§4): the diagnosis key is the subcategory (`K80.1`), the category `K80`. */
export const DIP_DX_KEY_LENGTH = 5;
export const DIP_CATEGORY_LENGTH = 3;

// ----- conditions ---------------------------------------------------------------------------------

/** A single code of the case. Missing → `in` is false. */
export type CodeField = 'principal_dx' | 'principal_proc';
/** A list of codes of the case: all_dx = principal + secondary; all_procs = principal + others. */
export type CodeListField = 'all_dx' | 'secondary_dx' | 'all_procs' | 'other_procs';
/** Numbers of the case. sex: 1 male, 2 female (0 = unknown = missing). dx_count counts the
 * principal diagnosis too. Missing values compare false except with `!=`. */
export type NumberField =
  | 'age_years' | 'age_days' | 'birth_weight_g' | 'sex' | 'los' | 'discharge_status' | 'dx_count' | 'proc_count'
  | 'icu_hours' | 'department';
/** The one field whose values are texts (the case's department, e.g. `ICU`): tested with `one_of`, or cmp with null. */
export const TEXT_VALUE_FIELD = 'department';
export type CmpOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** A list operand: a list name (`$or_procedures` = the OR procedures of the dictionary) or literal codes. */
export type ListRef = string | { codes: string[] };

/**
 * A boolean condition tree. Exactly one key per object.
 * - `in`: the code field is in the list; `any_in`: some code of the list field is in the list.
 * - `has_code`: shorthand for `any_in` with one literal code.
 * - `cmp`: number field against a number, `null` (== null: missing; != null: present) or another field;
 *   `department` only against `null` (its texts are tested with `one_of`).
 * - `one_of`: the field equals one of the values (discharge status in {2, 5}; department in {ICU, CCU}).
 * - `present`: code field given / list field non-empty / number field given and non-zero.
 * - `hits_at_least`: at least n of the lists each contain some code of the field (multi-site trauma).
 * - `has_mcc` / `has_cc`: some secondary diagnosis is MCC (CC), not excluded by the principal (§2.6).
 */
export type Condition =
  | boolean
  | { and: Condition[] }
  | { or: Condition[] }
  | { not: Condition }
  | { in: [CodeField, ListRef] }
  | { any_in: [CodeListField, ListRef] }
  | { has_code: [CodeListField | CodeField, string] }
  | { cmp: [NumberField, CmpOp, number | null | { field: NumberField }] }
  | { one_of: [NumberField, (number | string)[]] }
  | { present: CodeField | CodeListField | NumberField }
  | { hits_at_least: [CodeListField, ListRef[], number] }
  | { has_mcc: boolean }
  | { has_cc: boolean };

export const CODE_FIELDS: readonly CodeField[] = ['principal_dx', 'principal_proc'];
export const CODE_LIST_FIELDS: readonly CodeListField[] = ['all_dx', 'secondary_dx', 'all_procs', 'other_procs'];
export const NUMBER_FIELDS: readonly NumberField[] = [
  'age_years', 'age_days', 'birth_weight_g', 'sex', 'los', 'discharge_status', 'dx_count', 'proc_count', 'icu_hours', 'department',
];
export const CMP_OPS: readonly CmpOp[] = ['==', '!=', '<', '<=', '>', '>='];
export const CONDITION_KEYS = ['and', 'or', 'not', 'in', 'any_in', 'has_code', 'cmp', 'one_of', 'present', 'hits_at_least', 'has_mcc', 'has_cc'] as const;
/** The built-in list of valid OR procedures (procedures with `or: true`). */
export const OR_PROCEDURES_LIST = '$or_procedures';

/** Whether a code or list field holds diagnoses or procedures. */
export function fieldCodeSpace(field: CodeField | CodeListField): 'dx' | 'proc' {
  return field === 'principal_dx' || field === 'all_dx' || field === 'secondary_dx' ? 'dx' : 'proc';
}

/** The ADRG kind from its type letter (§2): A–J surgical, K–Q non-OR procedure, R–Z medical. */
export function adrgKindOf(adrg: AdrgRule): AdrgKind {
  if (adrg.kind) return adrg.kind;
  const t = adrg.code.charAt(1);
  return t <= 'J' ? 'surgical' : t <= 'Q' ? 'non_or' : 'medical';
}

/** The ADRG an ADRG row stands for: its `adrg` when it is an alternative entry, else its own code. */
export function adrgOfRow(row: Pick<AdrgRule, 'code' | 'adrg'>): string {
  return row.adrg ?? row.code;
}

/** A problem found in a ruleset (or in a file being imported). Any problem refuses the ruleset; a warning
 * (same shape, from `rulesetWarnings`) never does. */
export interface Problem {
  code: string;
  message: string;
  where: { table: string; row?: string | number; field?: string };
}
