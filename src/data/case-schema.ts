// The case record of domain §1: one row per inpatient discharge, as Arrow columns.
// The single source for column names, logical kinds, which are required, and their Chinese names.

export type ColumnKind = 'utf8' | 'int' | 'float' | 'date' | 'utf8-list' | 'utf8-or-int';

export interface CaseColumnSpec {
  name: string;
  kind: ColumnKind;
  required: boolean;
  zh: string;
}

export const CASE_COLUMNS: readonly CaseColumnSpec[] = [
  { name: 'case_id', kind: 'utf8', required: true, zh: '病案号' },
  { name: 'patient_id', kind: 'utf8', required: false, zh: '患者编号' },
  { name: 'hospital_id', kind: 'utf8', required: true, zh: '医院编码' },
  { name: 'hospital_level', kind: 'int', required: false, zh: '医院等级' },
  { name: 'department', kind: 'utf8', required: true, zh: '出院科室' },
  { name: 'ward', kind: 'utf8', required: false, zh: '病区' },
  { name: 'physician', kind: 'utf8', required: false, zh: '主诊医师' },
  { name: 'admit_date', kind: 'date', required: true, zh: '入院日期' },
  { name: 'discharge_date', kind: 'date', required: true, zh: '出院日期' },
  { name: 'los', kind: 'int', required: false, zh: '住院天数' },
  { name: 'age_years', kind: 'int', required: true, zh: '年龄(岁)' },
  { name: 'age_days', kind: 'int', required: false, zh: '年龄(天)' }, // int32 accepted: some exports give every age in days
  { name: 'sex', kind: 'utf8-or-int', required: true, zh: '性别' },
  { name: 'birth_weight_g', kind: 'int', required: false, zh: '新生儿出生体重(克)' },
  { name: 'discharge_status', kind: 'int', required: true, zh: '离院方式' },
  { name: 'principal_dx', kind: 'utf8', required: true, zh: '主要诊断编码' },
  { name: 'secondary_dx', kind: 'utf8-list', required: false, zh: '其他诊断编码' },
  { name: 'principal_proc', kind: 'utf8', required: false, zh: '主要手术操作编码' },
  { name: 'other_procs', kind: 'utf8-list', required: false, zh: '其他手术操作编码' },
  { name: 'vent_hours', kind: 'int', required: false, zh: '有创呼吸机使用时间(小时)' },
  { name: 'icu_hours', kind: 'float', required: false, zh: '重症监护时长(小时)' }, // regional splits on ICU hours
  { name: 'total_cost', kind: 'float', required: true, zh: '住院总费用' },
  { name: 'drug_cost', kind: 'float', required: false, zh: '药品费' },
  { name: 'consumable_cost', kind: 'float', required: false, zh: '耗材费' },
  { name: 'exam_cost', kind: 'float', required: false, zh: '检查费' },
  { name: 'lab_cost', kind: 'float', required: false, zh: '化验费' },
  { name: 'treatment_cost', kind: 'float', required: false, zh: '治疗费' },
  { name: 'surgery_cost', kind: 'float', required: false, zh: '手术费' },
  { name: 'nursing_cost', kind: 'float', required: false, zh: '护理费' },
  { name: 'bed_cost', kind: 'float', required: false, zh: '床位费' },
  { name: 'other_cost', kind: 'float', required: false, zh: '其他费' },
  { name: 'fund_paid', kind: 'float', required: false, zh: '统筹支付' },
  { name: 'self_pay', kind: 'float', required: false, zh: '个人负担' },
  { name: 'insurance_type', kind: 'utf8', required: false, zh: '医保类型' },
];

export const REQUIRED_COLUMNS = CASE_COLUMNS.filter((c) => c.required).map((c) => c.name);

/** Discharge status codes (离院方式), domain §1. */
export const DISCHARGE_STATUS = { home: 1, transfer: 2, community: 3, againstAdvice: 4, death: 5, other: 9 } as const;
