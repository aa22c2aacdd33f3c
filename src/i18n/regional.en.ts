// English strings for the regional CHS-DRG forms in the grouping trace (spread into en.ts): ADRG entries,
// department / discharge-status / ICU-hour splits, and the case's number fields. Same keys as regional.zh-CN.ts.
import type { regionalZhCN } from './regional.zh-CN.ts';

export const regionalEn: Record<keyof typeof regionalZhCN, string> = {
  'regional.entry': 'matched ADRG {adrg} through its definition {ordinal} of {count} ({entry})',
  'regional.leaf.is': '{field} is {against} (this case: {value})',
  'regional.leaf.isNot': '{field} is not {against} (this case: {value})',
  'regional.leaf.in': '{field} {value} is in {{against}}',
  'regional.leaf.notIn': '{field} {value} is not in {{against}}',
  'regional.leaf.cmp': '{field} {value} {op} {against}: {result}',
  'regional.leaf.missing': 'not given',
  'regional.leaf.otherDept': 'another department',
  'regional.warnings': 'Ruleset notes ({count}; the ruleset is loaded)',
  'error.ruleset.warning': '{file}: {at}: {detail}',
  'field.age_years': 'age (years)',
  'field.age_days': 'age (days)',
  'field.birth_weight_g': 'birth weight (g)',
  'field.sex': 'sex',
  'field.los': 'length of stay (days)',
  'field.discharge_status': 'discharge status',
  'field.dx_count': 'number of diagnoses',
  'field.proc_count': 'number of procedures',
  'field.icu_hours': 'ICU hours',
  'field.department': 'department',
};
