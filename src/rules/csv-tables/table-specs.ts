// The CSV tables an analyst may supply: which files exist, their columns, and the English and Chinese
// header spellings each accepts (docs/ruleset-format.md "CSV tables"). Data only; nothing reads a file here.
import { normaliseHeader } from '../../shared/csv-header.ts';

export type CsvTableName =
  | 'meta' | 'params' | 'mdc' | 'mdc_dx' | 'adrg' | 'adrg_dx' | 'adrg_proc' | 'drg'
  | 'cc' | 'exclusion' | 'dx' | 'proc' | 'dx_map' | 'proc_map' | 'dip';

export interface CsvColumnSpec {
  /** Canonical English header (also the key the importer reads). */
  key: string;
  /** Canonical Chinese header. */
  zh: string;
  /** Other accepted spellings; all compared through `normaliseHeader`. */
  aliases: readonly string[];
  required: boolean;
}

export interface CsvTableSpec {
  table: CsvTableName;
  /** File names (without extension) that identify the table, compared through `normaliseHeader`. */
  fileNames: readonly string[];
  columns: readonly CsvColumnSpec[];
}

const col = (key: string, zh: string, aliases: string[] = [], required = false): CsvColumnSpec => ({ key, zh, aliases, required });
const req = (key: string, zh: string, aliases: string[] = []): CsvColumnSpec => col(key, zh, aliases, true);

const NAME = col('name', '名称');
const ADRG_REF = req('adrg', 'ADRG编码', ['ADRG代码']);
const MDC_REF = req('mdc', 'MDC编码', ['MDC代码']);
const MEAN_COST = col('mean_cost', '例均费用', ['例均费用元', '平均费用', '次均费用', '均次费用']);

/** Every table the importer reads, its file names and its columns (docs/ruleset-format.md "CSV tables"). */
export const CSV_TABLES: readonly CsvTableSpec[] = [
  { table: 'meta', fileNames: ['meta', '元数据', '规则信息', '基本信息'], columns: [req('key', '项目', ['键', '字段']), req('value', '值', ['内容', '取值'])] },
  { table: 'params', fileNames: ['params', 'parameters', '参数', '默认参数'], columns: [req('key', '参数', ['参数名', '项目']), req('value', '值', ['参数值', '取值'])] },
  {
    table: 'mdc', fileNames: ['mdc', 'mdcs', 'mdc目录', '主要诊断大类'],
    columns: [
      req('mdc', 'MDC编码', ['MDC代码', '编码', 'code']), col('name', '名称', ['MDC名称']), col('order', '顺序', ['优先级', 'priority']),
      col('guard', '入组方式', ['入组条件']), col('sex', '性别'), col('max_age_years', '年龄上限', ['最大年龄', '最大年龄岁', '年龄上限岁']),
      col('max_age_days', '日龄上限', ['最大年龄天', '年龄上限天']), col('min_sites', '最少部位数', ['多发伤部位数']),
      col('ambiguity', '歧义组'),
    ],
  },
  { table: 'mdc_dx', fileNames: ['mdc_dx', 'mdc诊断', 'mdc主要诊断', 'mdc诊断表'], columns: [MDC_REF, req('dx', '主要诊断编码', ['主要诊断', '诊断编码']), col('site', '部位', ['创伤部位'])] },
  {
    table: 'adrg', fileNames: ['adrg', 'adrgs', 'adrg目录', '核心疾病诊断相关分组'],
    columns: [
      req('adrg', 'ADRG编码', ['ADRG代码', '编码', 'code']), col('name', '名称', ['ADRG名称']), col('mdc', 'MDC编码', ['MDC代码']),
      col('kind', '类型', ['类别', 'type']), col('order', '顺序', ['优先级', 'priority']), col('rule', '入组方式', ['入组规则', '入组条件']),
      col('split', '细分方式', ['细分', '拆分方式']), col('formula', '手术组合', ['手术组合公式', '组合公式']),
      col('max_age_days', '日龄上限', ['最大年龄天', '年龄上限天']),
      col('min_birth_weight_g', '出生体重下限', ['出生体重下限g', '出生体重下限克']), col('max_birth_weight_g', '出生体重上限', ['出生体重上限g', '出生体重上限克']),
    ],
  },
  { table: 'adrg_dx', fileNames: ['adrg_dx', 'adrg诊断', 'adrg主要诊断', 'adrg诊断表'], columns: [ADRG_REF, req('dx', '主要诊断编码', ['主要诊断', '诊断编码', '诊断'])] },
  {
    table: 'adrg_proc', fileNames: ['adrg_proc', 'adrg手术', 'adrg手术操作', 'adrg手术表'],
    columns: [ADRG_REF, req('proc', '手术操作编码', ['手术编码', '操作编码', '主要手术操作编码', '手术操作']), col('tag', '组别', ['标签', '列表'])],
  },
  {
    table: 'drg', fileNames: ['drg', 'drgs', 'drg分组', 'drg目录', 'drg权重', '细分组', '分组', '病组'],
    columns: [
      req('drg', 'DRG编码', ['分组编码', '病组编码', 'DRG代码', '编码', 'code']), col('name', '名称', ['DRG名称', '分组名称', '病组名称']),
      col('adrg', 'ADRG编码', ['ADRG代码']), col('weight', '权重', ['RW', '相对权重']),
      col('mean_los', '平均住院日', ['平均住院天数', '平均住院日天']), MEAN_COST,
      col('severity', '严重程度', ['并发症']), col('min_age_years', '年龄下限', ['最小年龄']), col('max_age_years', '年龄上限', ['最大年龄']),
      col('min_los', '住院日下限', ['最短住院日']), col('max_los', '住院日上限', ['最长住院日']), col('discharge_status', '离院方式'),
    ],
  },
  {
    table: 'cc', fileNames: ['cc', 'mcc', 'cc_mcc', 'mcc_cc', 'cc表', '并发症', '并发症合并症', '严重并发症'],
    columns: [req('dx', '诊断编码', ['其他诊断编码', '编码', 'code']), col('name', '名称', ['诊断名称']), req('level', '级别', ['CC级别', '并发症级别', 'cc']), req('exclusion', '排除表', ['排除表编号', '排除表号'])],
  },
  { table: 'exclusion', fileNames: ['exclusion', 'exclusions', '排除表', '主诊断排除表', '主要诊断排除表'], columns: [req('dx', '主要诊断编码', ['主要诊断', '诊断编码']), req('exclusion', '排除表', ['排除表编号', '排除表号'])] },
  { table: 'dx', fileNames: ['dx', 'diagnoses', '诊断', '诊断字典', '疾病诊断', 'icd10'], columns: [req('code', '诊断编码', ['编码', '疾病编码']), col('name', '名称', ['诊断名称', '疾病名称']), col('sex', '性别', ['性别限制'])] },
  {
    table: 'proc', fileNames: ['proc', 'procedures', '手术操作', '手术操作字典', 'icd9'],
    columns: [req('code', '手术操作编码', ['编码', '手术编码', '操作编码']), col('name', '名称', ['手术操作名称']), col('or', '手术室手术', ['是否手术室手术', 'OR手术']), col('dip_class', 'DIP操作分类', ['操作分类', '手术操作类别'])],
  },
  { table: 'dx_map', fileNames: ['dx_map', '诊断映射', '诊断编码映射'], columns: [req('from', '原编码', ['源编码', '输入编码']), req('to', '目标编码', ['医保版编码', '映射编码'])] },
  { table: 'proc_map', fileNames: ['proc_map', '手术映射', '手术操作映射', '手术编码映射'], columns: [req('from', '原编码', ['源编码', '输入编码']), req('to', '目标编码', ['医保版编码', '映射编码'])] },
  {
    table: 'dip', fileNames: ['dip', 'dip目录', '病种目录', '核心病种', 'dip病种'],
    columns: [req('dx', '主要诊断', ['诊断编码', '主要诊断编码', '诊断']), col('procs', '手术操作组合', ['手术操作', '操作组合', '手术操作编码']), NAME, col('score', '分值', ['病种分值']), MEAN_COST],
  },
];

/** The keys of meta.csv: ruleset meta fields and three settings that live at the ruleset's top level. */
export const META_KEYS: Readonly<Record<string, readonly string[]>> = {
  name: ['名称', '规则名称'],
  version: ['版本', '版本号'],
  region: ['地区', '区域', '统筹区'],
  source: ['来源', '出处'],
  teaching_only: ['仅供教学', '教学用'],
  dip_score_factor: ['DIP分值系数', '分值系数'],
  dx_code_system: ['诊断编码版本', '诊断编码体系'],
  proc_code_system: ['手术操作编码版本', '手术编码版本'],
  dx_fallback_lengths: ['诊断编码回退长度', '诊断回退长度'],
  proc_fallback_lengths: ['手术编码回退长度', '手术操作编码回退长度'],
  retry_each_other_procedure: ['逐一尝试其他手术', '其他手术重新分组'],
};

/** A table's spec, by its name. */
export const specOf = (table: CsvTableName): CsvTableSpec => CSV_TABLES.find((s) => s.table === table)!;

/** Normalised file name → the table it names. */
export const specByFileName = new Map<string, CsvTableSpec>();
for (const s of CSV_TABLES) for (const n of [s.table, ...s.fileNames]) specByFileName.set(normaliseHeader(n), s);

/** Per table: normalised header spelling → its column. */
export const columnLookup = new Map<CsvTableSpec, Map<string, CsvColumnSpec>>();
for (const s of CSV_TABLES) {
  const m = new Map<string, CsvColumnSpec>();
  for (const c of s.columns) for (const a of [c.key, c.zh, ...c.aliases]) m.set(normaliseHeader(a), c);
  columnLookup.set(s, m);
}
