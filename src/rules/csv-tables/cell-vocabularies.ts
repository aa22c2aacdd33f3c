// The spellings accepted in enumerated cells (yes/no, sex, ADRG type, entry rules, splits …), each mapped
// to the value the ruleset stores. One visible place for every word an analyst may type.
import { normaliseHeader } from '../../shared/csv-header.ts';
import type { AdrgKind, DipProcedureClass } from '../ruleset-format.ts';

export type AdrgEntryRule =
  | 'principal_dx' | 'any_dx' | 'secondary_dx' | 'principal_proc' | 'any_proc' | 'dx_and_proc' | 'dx_and_any_proc'
  | 'or_proc' | 'no_or_proc' | 'always';
export type MdcGuard = 'principal_dx' | 'any_dx' | 'or_proc' | 'always';
export type SplitName = '9' | '1/3/5' | '1/5' | '3/5' | 'custom';

/** Enumerated cell values: accepted spellings (normalised) → value. */
function vocabulary<T extends string | number | boolean>(entries: [T, string[]][]): Map<string, T> {
  const m = new Map<string, T>();
  for (const [v, words] of entries) {
    m.set(normaliseHeader(String(v)), v);
    for (const w of words) m.set(normaliseHeader(w), v);
  }
  return m;
}
export const YES_NO = vocabulary<boolean>([[true, ['是', 'y', 'yes', '1', '√', '有']], [false, ['否', 'n', 'no', '0', '×', '无']]]);
export const SEX = vocabulary<number>([[1, ['m', 'male', '男', '男性']], [2, ['f', 'female', '女', '女性']]]);
export const KIND = vocabulary<AdrgKind>([
  ['surgical', ['外科', '手术', '外科手术', '外科手术组']],
  ['non_or', ['非手术室操作', '非手术室', '操作', '非手术室操作组']],
  ['medical', ['内科', '内科组', '内科治疗']],
]);
export const ADRG_RULE = vocabulary<AdrgEntryRule>([
  ['principal_dx', ['主要诊断', '主诊断']],
  ['any_dx', ['任一诊断', '所有诊断']],
  ['secondary_dx', ['其他诊断', '次要诊断']],
  ['principal_proc', ['主要手术', '主手术', '主要手术操作']],
  ['any_proc', ['任一手术', '任一手术操作', '任意手术']],
  ['dx_and_proc', ['主要诊断+主要手术', '主诊断+主手术', '诊断+手术', 'dx+proc']],
  ['dx_and_any_proc', ['主要诊断+任一手术', '主诊断+任一手术', 'dx+anyproc']],
  ['or_proc', ['手术室手术', '任一手术室手术', '主要手术为手术室手术']],
  ['no_or_proc', ['无手术室手术', '无手术']],
  ['always', ['无条件', '全部']],
]);
export const MDC_GUARD = vocabulary<MdcGuard>([
  ['principal_dx', ['主要诊断', '主诊断']],
  ['any_dx', ['任一诊断', '所有诊断']],
  ['or_proc', ['手术室手术', '主要手术为手术室手术']],
  ['always', ['无条件', '全部']],
]);
export const SPLIT = vocabulary<SplitName>([
  ['9', ['不细分', '不分']],
  ['1/3/5', ['135']],
  ['1/5', ['15']],
  ['3/5', ['35']],
  ['custom', ['自定义', 'age', '年龄', 'death', '死亡', 'los', '住院日']],
]);
export const SEVERITY = vocabulary<'mcc' | 'cc' | 'none'>([['mcc', ['严重', '伴严重并发症']], ['cc', ['一般', '伴并发症']], ['none', ['无', '不伴']]]);
export const CC_LEVEL = vocabulary<'cc' | 'mcc'>([['cc', ['一般并发症']], ['mcc', ['严重并发症']]]);
export const DIP_CLASS = vocabulary<DipProcedureClass>([
  [0, ['保守治疗']], [1, ['诊断性操作', '诊断性']], [2, ['治疗性操作', '治疗性']], [3, ['相关手术', '手术']],
]);
/** Split value spellings keep their slashes: only spaces and full-width slashes are tidied first. */
export const splitKey = (v: string) => normaliseHeader(v.replace(/[／\\、]/g, '/'));
