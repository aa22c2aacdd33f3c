// Header names that hospital and bureau exports use for the §1 columns, in Chinese and English.
// Matching ignores case, spaces, underscores and brackets, so 年龄（岁）, 年龄(岁) and age_years all match.
import { normaliseHeader } from '../shared/csv-header.ts';

export const HEADER_ALIASES: Readonly<Record<string, readonly string[]>> = {
  case_id: ['病案号', '住院号', '病历号', '结算清单号', '清单流水号', 'caseid', 'case_no', 'mrn'],
  patient_id: ['患者编号', '患者id', '病人id', '病人编号', '个人编号', '身份证号', 'patientid'],
  hospital_id: ['医院编码', '医院代码', '医疗机构编码', '定点医药机构编码', '机构编码', 'hospital', 'hospitalid'],
  hospital_level: ['医院等级', '医院级别', '机构等级', 'level'],
  department: ['出院科室', '出院科别', '科室', '科室名称', 'dept', 'department'],
  ward: ['病区', '出院病区', 'ward'],
  physician: ['主诊医师', '主治医师', '主诊医生', '医师', 'doctor', 'physician'],
  admit_date: ['入院日期', '入院时间', 'admitdate', 'admissiondate'],
  discharge_date: ['出院日期', '出院时间', 'dischargedate'],
  los: ['住院天数', '实际住院天数', '住院日', 'lengthofstay', 'los'],
  age_years: ['年龄', '年龄岁', '年龄(岁)', 'age', 'ageyears'],
  age_days: ['年龄天', '年龄(天)', '不足1周岁年龄天', '不足1周岁年龄(天)', '新生儿天数', 'agedays'],
  sex: ['性别', 'gender', 'sex'],
  birth_weight_g: ['新生儿出生体重', '出生体重', '新生儿出生体重克', 'birthweight', 'birthweightg'],
  discharge_status: ['离院方式', '出院方式', 'dischargestatus', 'leavingtype'],
  principal_dx: ['主要诊断编码', '主要诊断代码', '主诊断编码', '主要诊断', 'principaldx', 'maindx'],
  secondary_dx: ['其他诊断编码', '其他诊断代码', '次要诊断编码', '其他诊断', 'secondarydx'],
  principal_proc: ['主要手术操作编码', '主要手术编码', '主手术编码', '主要手术及操作编码', '主要手术操作', 'principalproc', 'mainproc'],
  other_procs: ['其他手术操作编码', '其他手术编码', '其他手术及操作编码', '其他手术操作', 'otherprocs'],
  vent_hours: ['有创呼吸机使用时间', '呼吸机使用时间', '呼吸机使用小时', 'venthours'],
  icu_hours: ['重症监护时长', '重症监护时长小时', '重症监护室时长', 'ICU时长', 'ICU时长小时', 'icuhours'],
  total_cost: ['住院总费用', '总费用', '医疗总费用', '费用合计', 'totalcost'],
  drug_cost: ['药品费', '药费', '药品费用', 'drugcost'],
  consumable_cost: ['耗材费', '材料费', '卫生材料费', '耗材费用', 'consumablecost'],
  exam_cost: ['检查费', '检查费用', 'examcost'],
  lab_cost: ['化验费', '检验费', '实验室诊断费', 'labcost'],
  treatment_cost: ['治疗费', '治疗费用', 'treatmentcost'],
  surgery_cost: ['手术费', '手术治疗费', 'surgerycost'],
  nursing_cost: ['护理费', 'nursingcost'],
  bed_cost: ['床位费', 'bedcost'],
  other_cost: ['其他费', '其他费用', 'othercost'],
  fund_paid: ['统筹支付', '基金支付', '统筹基金支付', 'fundpaid'],
  self_pay: ['个人负担', '个人自付', '个人支付', 'selfpay'],
  insurance_type: ['医保类型', '险种类型', '险种', '参保类型', 'insurancetype'],
};

/** Numbered columns of a list: 其他诊断编码1, 其他诊断2, secondary_dx_3, other_procs4 … */
export const NUMBERED_LIST_HEADERS: Readonly<Record<'secondary_dx' | 'other_procs', RegExp>> = {
  secondary_dx: /^(?:其他诊断编码|其他诊断代码|次要诊断编码|其他诊断|secondarydx|dx)(\d+)$/,
  other_procs: /^(?:其他手术操作编码|其他手术编码|其他手术及操作编码|其他手术操作|otherprocs|otherproc|proc)(\d+)$/,
};


const lookup = new Map<string, string>();
for (const [column, aliases] of Object.entries(HEADER_ALIASES)) {
  lookup.set(normaliseHeader(column), column);
  for (const a of aliases) lookup.set(normaliseHeader(a), column);
}

export type HeaderTarget =
  | { kind: 'column'; column: string }
  | { kind: 'numbered'; column: 'secondary_dx' | 'other_procs'; index: number }
  | { kind: 'unused' };

export function matchHeader(header: string): HeaderTarget {
  const h = normaliseHeader(header);
  const column = lookup.get(h);
  if (column) return { kind: 'column', column };
  for (const [list, pattern] of Object.entries(NUMBERED_LIST_HEADERS)) {
    const m = pattern.exec(h);
    if (m) return { kind: 'numbered', column: list as 'secondary_dx' | 'other_procs', index: Number(m[1]) };
  }
  return { kind: 'unused' };
}
