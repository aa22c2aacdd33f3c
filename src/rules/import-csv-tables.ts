// Builds a casemix-ruleset/1 document from CSV tables an analyst fills from official spreadsheets
// (drg.csv, adrg.csv, cc.csv …, English or Chinese headers). Pure — bytes in, ruleset or problems out, no fs.
import { CsvTokenizer, sniffDelimiter } from '../shared/csv-tokenizer.ts';
import { detectEncoding } from '../shared/text-encoding.ts';
import { normaliseHeader } from '../shared/csv-header.ts';
import {
  OR_PROCEDURES_LIST, RULESET_FORMAT, adrgKindOf,
  type AdrgKind, type AdrgRule, type CheckRule, type Condition, type DiagnosisEntry, type DipCatalogEntry,
  type DipProcedureClass, type DrgEntry, type MdcRule, type Problem, type ProcedureEntry, type Ruleset,
  type RulesetMeta, type Split, type Step,
} from './ruleset-format.ts';
import { tryCompileRuleset } from './ruleset-compile.ts';

// ----- the tables ----------------------------------------------------------------------------------

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
const META_KEYS: Readonly<Record<string, readonly string[]>> = {
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

/** CHS-DRG MDC order, used only when mdc.csv is absent. */
const CHS_MDC_ORDER = 'APYZMNBCDEFGHIJKLOQRSTUVWX';

// ----- values --------------------------------------------------------------------------------------

type AdrgEntryRule =
  | 'principal_dx' | 'any_dx' | 'secondary_dx' | 'principal_proc' | 'any_proc' | 'dx_and_proc' | 'dx_and_any_proc'
  | 'or_proc' | 'no_or_proc' | 'always';
type MdcGuard = 'principal_dx' | 'any_dx' | 'or_proc' | 'always';
type SplitName = '9' | '1/3/5' | '1/5' | '3/5' | 'custom';

/** Enumerated cell values: accepted spellings (normalised) → value. */
function vocabulary<T extends string | number | boolean>(entries: [T, string[]][]): Map<string, T> {
  const m = new Map<string, T>();
  for (const [v, words] of entries) {
    m.set(normaliseHeader(String(v)), v);
    for (const w of words) m.set(normaliseHeader(w), v);
  }
  return m;
}
const YES_NO = vocabulary<boolean>([[true, ['是', 'y', 'yes', '1', '√', '有']], [false, ['否', 'n', 'no', '0', '×', '无']]]);
const SEX = vocabulary<number>([[1, ['m', 'male', '男', '男性']], [2, ['f', 'female', '女', '女性']]]);
const KIND = vocabulary<AdrgKind>([
  ['surgical', ['外科', '手术', '外科手术', '外科手术组']],
  ['non_or', ['非手术室操作', '非手术室', '操作', '非手术室操作组']],
  ['medical', ['内科', '内科组', '内科治疗']],
]);
const ADRG_RULE = vocabulary<AdrgEntryRule>([
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
const MDC_GUARD = vocabulary<MdcGuard>([
  ['principal_dx', ['主要诊断', '主诊断']],
  ['any_dx', ['任一诊断', '所有诊断']],
  ['or_proc', ['手术室手术', '主要手术为手术室手术']],
  ['always', ['无条件', '全部']],
]);
const SPLIT = vocabulary<SplitName>([
  ['9', ['不细分', '不分']],
  ['1/3/5', ['135']],
  ['1/5', ['15']],
  ['3/5', ['35']],
  ['custom', ['自定义', 'age', '年龄', 'death', '死亡', 'los', '住院日']],
]);
const SEVERITY = vocabulary<'mcc' | 'cc' | 'none'>([['mcc', ['严重', '伴严重并发症']], ['cc', ['一般', '伴并发症']], ['none', ['无', '不伴']]]);
const CC_LEVEL = vocabulary<'cc' | 'mcc'>([['cc', ['一般并发症']], ['mcc', ['严重并发症']]]);
const DIP_CLASS = vocabulary<DipProcedureClass>([
  [0, ['保守治疗']], [1, ['诊断性操作', '诊断性']], [2, ['治疗性操作', '治疗性']], [3, ['相关手术', '手术']],
]);
/** Split value spellings keep their slashes: only spaces and full-width slashes are tidied first. */
const splitKey = (v: string) => normaliseHeader(v.replace(/[／\\、]/g, '/'));

// ----- reading files -------------------------------------------------------------------------------

export interface CsvFile {
  name: string;
  bytes: Uint8Array;
}

export interface CsvImportResult {
  /** The ruleset, or null when there is any problem (it is refused whole). */
  ruleset: Ruleset | null;
  /** Each names the file (`where.table`), its line (`where.row`) and the column header (`where.field`). */
  problems: Problem[];
  /** Things the importer did that the analyst should know (ignored columns, derived lists). */
  warnings: Problem[];
  /** Which file was read as which table, and how it was recognised. */
  tables: { file: string; table: CsvTableName; by: 'name' | 'header' }[];
}

/** One data row: its 1-based line and the cell of each known column (trimmed, '' when absent). */
interface Row {
  line: number;
  cells: Record<string, string>;
}

interface ReadTable {
  file: string;
  spec: CsvTableSpec;
  rows: Row[];
  /** Column key → header as written in the file (what problems name). */
  header: Map<string, string>;
  headerLine: number;
}

/** How many leading records may precede the header row (a spreadsheet title). */
const MAX_TITLE_ROWS = 10;

const stemOf = (name: string) => name.replace(/^.*[\\/]/, '').replace(/\.(csv|tsv|txt)$/i, '');
const specByFileName = new Map<string, CsvTableSpec>();
for (const s of CSV_TABLES) for (const n of [s.table, ...s.fileNames]) specByFileName.set(normaliseHeader(n), s);
const columnLookup = new Map<CsvTableSpec, Map<string, CsvColumnSpec>>();
for (const s of CSV_TABLES) {
  const m = new Map<string, CsvColumnSpec>();
  for (const c of s.columns) for (const a of [c.key, c.zh, ...c.aliases]) m.set(normaliseHeader(a), c);
  columnLookup.set(s, m);
}

/** Index of the first record (within the title allowance) holding every required column of the table. */
function headerIndex(records: string[][], spec: CsvTableSpec): number {
  const lookup = columnLookup.get(spec)!;
  const required = spec.columns.filter((c) => c.required);
  for (let i = 0; i < Math.min(records.length, MAX_TITLE_ROWS); i++) {
    const keys = new Set(records[i]!.map((h) => lookup.get(normaliseHeader(h))?.key));
    if (required.every((c) => keys.has(c.key))) return i;
  }
  return -1;
}

const knownColumns = (record: string[], spec: CsvTableSpec) =>
  record.filter((h) => columnLookup.get(spec)!.has(normaliseHeader(h))).length;

/** Imports CSV tables (one file per table) into a ruleset; `meta` overrides meta.csv. */
export function importCsvTables(files: readonly CsvFile[], meta: Partial<RulesetMeta> = {}): CsvImportResult {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const at = (table: string, row?: number | string, field?: string): Problem['where'] =>
    ({ table, ...(row !== undefined ? { row } : {}), ...(field !== undefined ? { field } : {}) });
  const problem = (code: string, message: string, table: string, row?: number | string, field?: string) =>
    problems.push({ code, message, where: at(table, row, field) });
  const warn = (code: string, message: string, table: string, row?: number | string, field?: string) =>
    warnings.push({ code, message, where: at(table, row, field) });

  const recognised: CsvImportResult['tables'] = [];
  const byTable = new Map<CsvTableName, ReadTable>();

  for (const f of files) {
    if (/\.(xlsx|xls|ods)$/i.test(f.name)) { problem('csv.not_csv', `${f.name} is a spreadsheet: save each sheet as CSV (UTF-8 or GBK)`, f.name); continue; }
    const text = new TextDecoder(detectEncoding(f.bytes)).decode(f.bytes);
    const records: { fields: string[]; line: number }[] = [];
    const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
    const tok = new CsvTokenizer(sniffDelimiter(firstLine), (fields, line) => records.push({ fields, line }));
    tok.push(text);
    if (!tok.end()) { problem('csv.unclosed_quote', 'the file ends inside a quoted field', f.name, tok.recordLine); continue; }
    const plain = records.map((r) => r.fields);

    // By file name first; otherwise by the header row, when exactly one table fits best.
    let spec = specByFileName.get(normaliseHeader(stemOf(f.name)));
    let by: 'name' | 'header' = 'name';
    if (!spec) {
      const fits = CSV_TABLES.map((s) => ({ s, i: headerIndex(plain, s) })).filter((x) => x.i >= 0);
      const first = Math.min(...fits.map((x) => x.i));
      const atFirst = fits.filter((x) => x.i === first);
      const best = Math.max(...atFirst.map((x) => knownColumns(plain[first]!, x.s)));
      const winners = atFirst.filter((x) => knownColumns(plain[first]!, x.s) === best);
      if (winners.length !== 1) {
        const which = winners.length ? ` (its headers fit ${winners.map((w) => `${w.s.table}.csv`).join(', ')})` : '';
        problem('csv.unrecognised_file', `cannot tell which table ${f.name} is${which}: name it after its table, e.g. drg.csv`, f.name);
        continue;
      }
      spec = winners[0]!.s;
      by = 'header';
      warn('csv.recognised_by_header', `${f.name} read as ${spec.table}.csv (by its header row)`, f.name);
    }
    const other = byTable.get(spec.table);
    if (other) { problem('csv.duplicate_table', `${f.name} and ${other.file} are both the ${spec.table} table`, f.name); continue; }
    recognised.push({ file: f.name, table: spec.table, by });
    if (records.length === 0) { problem('csv.empty', 'the file has no header row', f.name); continue; }

    const hi = headerIndex(plain, spec);
    if (hi < 0) {
      const lookup = columnLookup.get(spec)!;
      const have = new Set(records[0]!.fields.map((h) => lookup.get(normaliseHeader(h))?.key));
      for (const c of spec.columns) if (c.required && !have.has(c.key))
        problem('csv.missing_column', `${spec.table}.csv needs the column ${c.zh} (${c.key})`, f.name, records[0]!.line, c.zh);
      continue;
    }
    if (hi > 0) warn('csv.title_skipped', `lines before the header row (line ${records[hi]!.line}) were skipped as a title`, f.name, records[0]!.line);
    const headerRec = records[hi]!;
    const lookup = columnLookup.get(spec)!;
    const header = new Map<string, string>();
    const colKey: (string | null)[] = headerRec.fields.map((h) => {
      if (h.trim() === '') return null;
      const c = lookup.get(normaliseHeader(h));
      if (!c) { warn('csv.unknown_column', `column "${h}" is not a column of ${spec!.table}.csv; it is ignored`, f.name, headerRec.line, h); return null; }
      if (header.has(c.key)) { problem('csv.duplicate_column', `columns "${header.get(c.key)}" and "${h}" are both ${c.key}`, f.name, headerRec.line, h); return null; }
      header.set(c.key, h.trim());
      return c.key;
    });
    const rows: Row[] = [];
    for (const r of records.slice(hi + 1)) {
      if (r.fields.every((x) => x.trim() === '')) continue;
      const cells: Record<string, string> = {};
      r.fields.forEach((x, i) => {
        const k = i < colKey.length ? colKey[i] : undefined;
        if (k) cells[k] = x.trim();
        else if (i >= colKey.length && x.trim() !== '')
          problem('csv.extra_field', `line has ${r.fields.length} fields but the header has ${colKey.length} (an unquoted comma?)`, f.name, r.line);
      });
      rows.push({ line: r.line, cells });
    }
    byTable.set(spec.table, { file: f.name, spec, rows, header, headerLine: headerRec.line });
  }
  if (problems.length) return { ruleset: null, problems, warnings, tables: recognised };
  for (const t of ['adrg', 'drg'] as const)
    if (!byTable.has(t)) problem('csv.missing_table', `${t}.csv is required (no file was recognised as the ${t} table)`, `${t}.csv`);
  if (problems.length) return { ruleset: null, problems, warnings, tables: recognised };

  // ----- cell readers: each reports file / line / header on a bad value ----------------------------
  const rowsOf = (t: CsvTableName): Row[] => byTable.get(t)?.rows ?? [];
  const fileOf = (t: CsvTableName) => byTable.get(t)?.file ?? `${t}.csv`;
  const fieldOf = (t: CsvTableName, key: string) => byTable.get(t)?.header.get(key) ?? CSV_TABLES.find((s) => s.table === t)!.columns.find((c) => c.key === key)?.zh ?? key;
  const cell = (r: Row, key: string) => r.cells[key] ?? '';
  const required = (t: CsvTableName, r: Row, key: string): string | null => {
    const v = cell(r, key);
    if (v === '') { problem('csv.missing_value', `${fieldOf(t, key)} is empty`, fileOf(t), r.line, fieldOf(t, key)); return null; }
    return v;
  };
  const word = <T,>(t: CsvTableName, r: Row, key: string, vocab: Map<string, T>, what: string, norm = normaliseHeader): T | undefined | null => {
    const v = cell(r, key);
    if (v === '') return undefined;
    const hit = vocab.get(norm(v));
    if (hit === undefined) { problem('csv.bad_value', `"${v}" is not ${what}`, fileOf(t), r.line, fieldOf(t, key)); return null; }
    return hit;
  };
  const number = (t: CsvTableName, r: Row, key: string, integer = false): number | undefined | null => {
    let v = cell(r, key);
    if (v === '') return undefined;
    if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(v)) v = v.replace(/,/g, ''); // thousands separators from spreadsheets
    const n = Number(v);
    if (!/^[+]?\d*\.?\d+(e[+-]?\d+)?$/i.test(v) || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
      problem('csv.not_number', `"${cell(r, key)}" is not ${integer ? 'a whole number ≥ 0' : 'a number ≥ 0'}`, fileOf(t), r.line, fieldOf(t, key));
      return null;
    }
    return n;
  };
  const provenance = new Map<string, { file: string; line: number }>();
  const from = (table: string, key: string | number, t: CsvTableName, r: Row) => provenance.set(`${table}:${key}`, { file: fileOf(t), line: r.line });
  /** First line of each key in a table; a second occurrence is a problem. */
  const unique = (t: CsvTableName, field: string) => {
    const seen = new Map<string, number>();
    return (key: string, r: Row): boolean => {
      const k = key.toUpperCase();
      const first = seen.get(k);
      if (first !== undefined) { problem('csv.duplicate', `"${key}" appears twice (first on line ${first})`, fileOf(t), r.line, fieldOf(t, field)); return false; }
      seen.set(k, r.line);
      return true;
    };
  };

  // ----- meta and parameters --------------------------------------------------------------------
  const metaKeyOf = new Map<string, string>();
  for (const [k, aliases] of Object.entries(META_KEYS)) for (const a of [k, ...aliases]) metaKeyOf.set(normaliseHeader(a), k);
  const metaIn: Record<string, { value: string; row: Row }> = {};
  const seenMeta = unique('meta', 'key');
  for (const r of rowsOf('meta')) {
    const k = required('meta', r, 'key');
    if (k === null) continue;
    const key = metaKeyOf.get(normaliseHeader(k));
    if (!key) { problem('csv.bad_value', `"${k}" is not a meta key (${Object.keys(META_KEYS).join(', ')})`, fileOf('meta'), r.line, fieldOf('meta', 'key')); continue; }
    if (seenMeta(key, r)) metaIn[key] = { value: cell(r, 'value'), row: r };
  }
  const metaWord = <T,>(key: string, vocab: Map<string, T>, what: string): T | undefined => {
    const m = metaIn[key];
    if (!m || m.value === '') return undefined;
    const v = vocab.get(normaliseHeader(m.value));
    if (v === undefined) problem('csv.bad_value', `${key}: "${m.value}" is not ${what}`, fileOf('meta'), m.row.line, fieldOf('meta', 'value'));
    return v;
  };
  const metaLengths = (key: string): number[] | undefined => {
    const m = metaIn[key];
    if (!m || m.value === '') return undefined;
    const parts = m.value.split(/[;,，；\s/]+/).filter((s) => s !== '');
    if (!parts.every((p) => /^\d+$/.test(p) && Number(p) > 0)) {
      problem('csv.not_number', `${key}: "${m.value}" must be code lengths such as 5 or 5;3`, fileOf('meta'), m.row.line, fieldOf('meta', 'value'));
      return undefined;
    }
    return parts.map(Number);
  };
  const metaText = (key: string) => (metaIn[key]?.value ? metaIn[key]!.value : undefined);
  let dipFactor: number | undefined;
  if (metaIn.dip_score_factor?.value) {
    const n = Number(metaIn.dip_score_factor.value);
    if (Number.isFinite(n) && n > 0) dipFactor = n;
    else problem('csv.not_number', `dip_score_factor: "${metaIn.dip_score_factor.value}" is not a number`, fileOf('meta'), metaIn.dip_score_factor.row.line, fieldOf('meta', 'value'));
  }
  const teaching = metaWord('teaching_only', YES_NO, 'yes/no (是/否)');
  const retry = metaWord('retry_each_other_procedure', YES_NO, 'yes/no (是/否)');
  const dxLengths = metaLengths('dx_fallback_lengths');
  const procLengths = metaLengths('proc_fallback_lengths');
  const dxSystem = metaText('dx_code_system');
  const procSystem = metaText('proc_code_system');

  const parameters: Record<string, number | string | boolean> = {};
  const seenParam = unique('params', 'key');
  for (const r of rowsOf('params')) {
    const k = required('params', r, 'key');
    if (k === null || !seenParam(k, r)) continue;
    const v = cell(r, 'value');
    const yn = YES_NO.get(normaliseHeader(v));
    parameters[k] = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v !== '' && yn !== undefined && !/^\d+$/.test(v) ? yn : v;
    from('parameters', k, 'params', r);
  }

  // ----- dictionaries ---------------------------------------------------------------------------
  const dxByCode = new Map<string, DiagnosisEntry>();
  const dxEntry = (code: string) => {
    const k = code.toUpperCase();
    let e = dxByCode.get(k);
    if (!e) dxByCode.set(k, (e = { code }));
    return e;
  };
  const maleOnly: string[] = [];
  const femaleOnly: string[] = [];
  const seenDx = unique('dx', 'code');
  for (const r of rowsOf('dx')) {
    const code = required('dx', r, 'code');
    if (code === null || !seenDx(code, r)) continue;
    const e = dxEntry(code);
    from('diagnoses', e.code, 'dx', r);
    if (cell(r, 'name')) e.name = cell(r, 'name');
    const sex = word('dx', r, 'sex', SEX, 'a sex (M/F, 男/女)');
    if (sex === 1) maleOnly.push(code);
    if (sex === 2) femaleOnly.push(code);
  }
  const seenCc = unique('cc', 'dx');
  for (const r of rowsOf('cc')) {
    const code = required('cc', r, 'dx');
    const level = word('cc', r, 'level', CC_LEVEL, 'CC or MCC');
    const table = required('cc', r, 'exclusion');
    if (code === null || !seenCc(code, r)) continue;
    if (level === undefined) required('cc', r, 'level');
    if (!level || table === null) continue;
    const e = dxEntry(code);
    if (!provenance.has(`diagnoses:${e.code}`)) from('diagnoses', e.code, 'cc', r);
    if (!e.name && cell(r, 'name')) e.name = cell(r, 'name');
    e.cc = level;
    e.cc_exclusion = table;
  }
  const seenEx = unique('exclusion', 'dx');
  for (const r of rowsOf('exclusion')) {
    const code = required('exclusion', r, 'dx');
    const table = required('exclusion', r, 'exclusion');
    if (code === null || table === null || !seenEx(code, r)) continue;
    const e = dxEntry(code);
    if (!provenance.has(`diagnoses:${e.code}`)) from('diagnoses', e.code, 'exclusion', r);
    e.principal_exclusion = table;
  }

  const procedures: ProcedureEntry[] = [];
  const seenProc = unique('proc', 'code');
  for (const r of rowsOf('proc')) {
    const code = required('proc', r, 'code');
    const or = word('proc', r, 'or', YES_NO, 'yes/no (是/否)');
    const dip = word('proc', r, 'dip_class', DIP_CLASS, 'a DIP procedure class (0–3, 保守治疗/诊断性操作/治疗性操作/相关手术)');
    if (code === null || !seenProc(code, r)) continue;
    const p: ProcedureEntry = { code };
    if (cell(r, 'name')) p.name = cell(r, 'name');
    if (typeof or === 'boolean') p.or = or;
    if (typeof dip === 'number') p.dip_class = dip;
    procedures.push(p);
    from('procedures', code, 'proc', r);
  }

  const readMap = (t: 'dx_map' | 'proc_map'): Record<string, string> | undefined => {
    if (!byTable.has(t)) return undefined;
    const out: Record<string, string> = {};
    const seen = unique(t, 'from');
    for (const r of rowsOf(t)) {
      const a = required(t, r, 'from');
      const b = required(t, r, 'to');
      if (a !== null && b !== null && seen(a, r)) { out[a] = b; from(t, a, t, r); }
    }
    return out;
  };
  const dxMap = readMap('dx_map');
  const procMap = readMap('proc_map');

  // ----- ADRGs and their lists ------------------------------------------------------------------
  const mdcCode = (t: CsvTableName, r: Row, key: string): string | null => {
    const v = cell(r, key).toUpperCase().replace(/\s/g, '');
    const m = /^(?:MDC)?([A-Z])$/.exec(v);
    if (!m) { problem('csv.bad_value', `"${cell(r, key)}" is not an MDC code (one letter, or MDC + letter)`, fileOf(t), r.line, fieldOf(t, key)); return null; }
    return `MDC${m[1]}`;
  };

  interface AdrgIn { code: string; row: Row; index: number; mdc: string; kind: AdrgKind; order: number }
  const adrgIn = new Map<string, AdrgIn>();
  const seenAdrg = unique('adrg', 'adrg');
  rowsOf('adrg').forEach((r, index) => {
    const raw = required('adrg', r, 'adrg');
    if (raw === null) return;
    const code = raw.toUpperCase();
    if (!/^[A-Z][A-Z][0-9A-Z]$/.test(code)) { problem('csv.bad_value', `"${raw}" is not an ADRG code (MDC letter, type letter, digit: HC2)`, fileOf('adrg'), r.line, fieldOf('adrg', 'adrg')); return; }
    if (!seenAdrg(code, r)) return;
    const mdc = cell(r, 'mdc') ? mdcCode('adrg', r, 'mdc') : `MDC${code[0]}`;
    const kind = word('adrg', r, 'kind', KIND, 'an ADRG type (surgical/non_or/medical, 外科/非手术室操作/内科)');
    const order = number('adrg', r, 'order', true);
    if (mdc === null || kind === null || order === null) return;
    adrgIn.set(code, { code, row: r, index, mdc, kind: kind ?? adrgKindOf({ code, when: true, splits: [] }), order: order ?? Infinity });
  });

  const lists: Record<string, string[]> = {};
  const addToList = (name: string, code: string) => {
    const l = (lists[name] ??= []);
    if (!l.some((c) => c.toUpperCase() === code.toUpperCase())) l.push(code);
  };
  const adrgRef = (t: CsvTableName, r: Row): string | null => {
    const a = required(t, r, 'adrg');
    if (a === null) return null;
    if (!adrgIn.has(a.toUpperCase())) { problem('csv.ref_undefined', `ADRG "${a}" is not in adrg.csv`, fileOf(t), r.line, fieldOf(t, 'adrg')); return null; }
    return a.toUpperCase();
  };
  for (const r of rowsOf('adrg_dx')) {
    const a = adrgRef('adrg_dx', r);
    const dx = required('adrg_dx', r, 'dx');
    if (a !== null && dx !== null) addToList(`${a}.dx`, dx);
  }
  /** ADRG → tag → first line where the tag appears, in order of appearance. */
  const tagsOf = new Map<string, Map<string, number>>();
  const untagged = new Map<string, number>();
  for (const r of rowsOf('adrg_proc')) {
    const a = adrgRef('adrg_proc', r);
    const p = required('adrg_proc', r, 'proc');
    if (a === null || p === null) continue;
    addToList(`${a}.proc`, p);
    const tag = cell(r, 'tag');
    if (tag === '') { if (!untagged.has(a)) untagged.set(a, r.line); continue; }
    const tags = tagsOf.get(a) ?? new Map<string, number>();
    tagsOf.set(a, tags);
    if (!tags.has(tag)) tags.set(tag, r.line);
    addToList(`${a}.proc#${tag}`, p);
  }
  for (const [a, tags] of tagsOf) if (untagged.has(a))
    problem('csv.missing_value', `ADRG ${a}: some procedures have a ${fieldOf('adrg_proc', 'tag')} (${[...tags.keys()].join(', ')}) and this one has none`, fileOf('adrg_proc'), untagged.get(a), fieldOf('adrg_proc', 'tag'));

  // ----- DRGs -----------------------------------------------------------------------------------
  interface DrgIn { entry: DrgEntry; row: Row; when: Condition | undefined }
  const drgsByAdrg = new Map<string, DrgIn[]>();
  const drgs: DrgEntry[] = [];
  const qyListed = new Set<string>();
  const badSplitRows = new Set<string>();
  const seenDrg = unique('drg', 'drg');
  for (const r of rowsOf('drg')) {
    const raw = required('drg', r, 'drg');
    if (raw === null) continue;
    const code = raw.toUpperCase();
    if (!seenDrg(code, r)) continue;
    const adrgField = cell(r, 'adrg') ? 'adrg' : 'drg';
    const adrg = (cell(r, 'adrg') || code.slice(0, 3)).toUpperCase();
    const weight = number('drg', r, 'weight');
    const los = number('drg', r, 'mean_los');
    const cost = number('drg', r, 'mean_cost');
    const when = drgCondition(r);
    if (/^[A-Z]QY$/.test(code) && !adrgIn.has(code)) {
      // An ambiguity group (歧义组) has no ADRG of its own; listing it switches it on for its MDC.
      qyListed.add(code);
      if (weight !== undefined) warn('csv.ambiguity_weight', `${code} is an ambiguity group; casemix-ruleset/1 keeps no weight for it`, fileOf('drg'), r.line, fieldOf('drg', 'weight'));
      continue;
    }
    if (!adrgIn.has(adrg)) {
      problem('csv.ref_undefined', `DRG ${code} belongs to ADRG ${adrg}, which is not in adrg.csv`, fileOf('drg'), r.line, fieldOf('drg', adrgField));
      continue;
    }
    // A bad number or condition is already a problem; the DRG stays so its ADRG is not also reported.
    if (when === null) badSplitRows.add(adrg);
    const entry: DrgEntry = { code, adrg };
    if (cell(r, 'name')) entry.name = cell(r, 'name');
    if (typeof weight === 'number') entry.weight = weight;
    if (typeof los === 'number') entry.mean_los = los;
    if (typeof cost === 'number') entry.mean_cost = cost;
    drgs.push(entry);
    from('drgs', code, 'drg', r);
    const list = drgsByAdrg.get(adrg) ?? [];
    drgsByAdrg.set(adrg, list);
    list.push({ entry, row: r, when: when ?? undefined });
  }

  /** The condition columns of a DRG row (used by split "custom"); undefined when it has none. */
  function drgCondition(r: Row): Condition | undefined | null {
    const parts: Condition[] = [];
    let bad = false;
    const sev = word('drg', r, 'severity', SEVERITY, 'a severity (MCC, CC, none / 严重, 一般, 无)');
    if (sev === null) bad = true;
    else if (sev === 'mcc') parts.push({ has_mcc: true });
    else if (sev === 'cc') parts.push({ or: [{ has_mcc: true }, { has_cc: true }] });
    else if (sev === 'none') parts.push({ has_mcc: false }, { has_cc: false });
    const bound = (key: string, field: 'age_years' | 'los', op: '>=' | '<=') => {
      const n = number('drg', r, key, true);
      if (n === null) bad = true;
      else if (n !== undefined) parts.push({ cmp: [field, op, n] });
    };
    bound('min_age_years', 'age_years', '>=');
    bound('max_age_years', 'age_years', '<=');
    bound('min_los', 'los', '>=');
    bound('max_los', 'los', '<=');
    const ds = cell(r, 'discharge_status');
    if (ds !== '') {
      const n = ds === '死亡' || ds.toLowerCase() === 'death' ? 5 : /^[1-9]$/.test(ds) ? Number(ds) : null;
      if (n === null) { problem('csv.bad_value', `"${ds}" is not a discharge status (1–9, 5 = 死亡)`, fileOf('drg'), r.line, fieldOf('drg', 'discharge_status')); bad = true; }
      else parts.push({ cmp: ['discharge_status', '==', n] });
    }
    if (bad) return null;
    return parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : { and: parts };
  }

  const adrgs: AdrgRule[] = [];
  const CC_OR_MCC: Condition = { or: [{ has_mcc: true }, { has_cc: true }] };
  const STANDARD: Record<Exclude<SplitName, 'custom'>, [string, Condition | undefined][]> = {
    '9': [['9', undefined]],
    '1/3/5': [['1', { has_mcc: true }], ['3', CC_OR_MCC], ['5', undefined]],
    '1/5': [['1', { has_mcc: true }], ['5', undefined]],
    '3/5': [['3', CC_OR_MCC], ['5', undefined]],
  };
  const usedDrgs = new Set<string>();
  for (const a of adrgIn.values()) {
    const r = a.row;
    const own = drgsByAdrg.get(a.code) ?? [];
    const rule = word('adrg', r, 'rule', ADRG_RULE, 'an entry rule (principal_dx, principal_proc, any_proc, dx_and_proc, …; 主要诊断, 主要手术, 任一手术 …)');
    let split = word('adrg', r, 'split', SPLIT, 'a split (9, 1/3/5, 1/5, 3/5, custom/自定义)', splitKey);
    const maxAgeDays = number('adrg', r, 'max_age_days', true);
    const minBw = number('adrg', r, 'min_birth_weight_g', true);
    const maxBw = number('adrg', r, 'max_birth_weight_g', true);
    if (rule === null || split === null || maxAgeDays === null || minBw === null || maxBw === null || badSplitRows.has(a.code)) continue;
    const fileA = fileOf('adrg');

    // Entry condition.
    const dxList = lists[`${a.code}.dx`] ? `${a.code}.dx` : null;
    const procList = lists[`${a.code}.proc`] ? `${a.code}.proc` : null;
    const tags = tagsOf.get(a.code);
    let procCond: Condition | null = null;
    const formula = cell(r, 'formula');
    if (tags) {
      const parsed = parseTagFormula(formula || [...tags.keys()].join(' and '), new Set(tags.keys()));
      if ('error' in parsed) { problem('csv.bad_formula', parsed.error, fileA, r.line, fieldOf('adrg', 'formula')); continue; }
      procCond = mapTags(parsed.tree, (t) => ({ any_in: ['all_procs', `${a.code}.proc#${t}`] }));
    } else if (formula) {
      problem('csv.bad_formula', `a ${fieldOf('adrg', 'formula')} needs tagged procedures (${fieldOf('adrg_proc', 'tag')} in adrg_proc.csv)`, fileA, r.line, fieldOf('adrg', 'formula'));
      continue;
    }
    const how: AdrgEntryRule | undefined = rule ?? (dxList && procList ? 'dx_and_proc' : procList ? (tags ? 'any_proc' : 'principal_proc') : dxList ? 'principal_dx' : undefined);
    if (!how) { problem('csv.missing_value', `ADRG ${a.code} has no codes in adrg_dx.csv or adrg_proc.csv; give its ${fieldOf('adrg', 'rule')} (e.g. or_proc / 手术室手术)`, fileA, r.line, fieldOf('adrg', 'rule')); continue; }
    const needsDx = ['principal_dx', 'any_dx', 'secondary_dx', 'dx_and_proc', 'dx_and_any_proc'].includes(how);
    const needsProc = ['principal_proc', 'any_proc', 'dx_and_proc', 'dx_and_any_proc'].includes(how);
    if (needsDx && !dxList) { problem('csv.list_empty', `ADRG ${a.code} enters by ${how} but adrg_dx.csv has no codes for it`, fileA, r.line, fieldOf('adrg', 'rule')); continue; }
    if (needsProc && !procList) { problem('csv.list_empty', `ADRG ${a.code} enters by ${how} but adrg_proc.csv has no codes for it`, fileA, r.line, fieldOf('adrg', 'rule')); continue; }
    const pproc: Condition = procCond ?? { in: ['principal_proc', procList ?? ''] };
    const anyProc: Condition = procCond ?? { any_in: ['all_procs', procList ?? ''] };
    const parts: Condition[] = [];
    switch (how) {
      case 'principal_dx': parts.push({ in: ['principal_dx', dxList!] }); break;
      case 'any_dx': parts.push({ any_in: ['all_dx', dxList!] }); break;
      case 'secondary_dx': parts.push({ any_in: ['secondary_dx', dxList!] }); break;
      case 'principal_proc': parts.push(pproc); break;
      case 'any_proc': parts.push(anyProc); break;
      case 'dx_and_proc': parts.push({ in: ['principal_dx', dxList!] }, pproc); break;
      case 'dx_and_any_proc': parts.push({ in: ['principal_dx', dxList!] }, anyProc); break;
      case 'or_proc': parts.push({ in: ['principal_proc', OR_PROCEDURES_LIST] }); break;
      case 'no_or_proc': parts.push({ not: { any_in: ['all_procs', OR_PROCEDURES_LIST] } }); break;
      case 'always': break;
    }
    if (maxAgeDays !== undefined) parts.push({ cmp: ['age_days', '<=', maxAgeDays] });
    if (minBw !== undefined) parts.push({ cmp: ['birth_weight_g', '>=', minBw] });
    if (maxBw !== undefined) parts.push({ cmp: ['birth_weight_g', '<=', maxBw] });
    const when: Condition = parts.length === 0 ? true : parts.length === 1 ? parts[0]! : { and: parts };

    // Splits: named pattern, or derived from the DRG codes listed for the ADRG.
    const withConditions = own.filter((d) => d.when !== undefined);
    if (split === undefined) {
      const suffixes = own.map((d) => d.entry.code.slice(3)).sort().join('/');
      split = withConditions.length ? 'custom' : (['9', '1/3/5', '1/5', '3/5'] as const).find((s) => s === suffixes);
      if (split === undefined) {
        problem('csv.split_unknown', `ADRG ${a.code}: no ${fieldOf('adrg', 'split')} given and its DRGs in drg.csv (${own.map((d) => d.entry.code).join(', ') || 'none'}) are not a standard split`, fileA, r.line, fieldOf('adrg', 'split'));
        continue;
      }
    }
    const splits: Split[] = [];
    if (split === 'custom') {
      if (own.length === 0) { problem('csv.split_drg_missing', `ADRG ${a.code} splits "custom" but drg.csv lists no DRG for it`, fileA, r.line, fieldOf('adrg', 'split')); continue; }
      own.forEach((d, i) => {
        if (d.when === undefined && i < own.length - 1)
          problem('csv.split_unreachable', `DRG ${d.entry.code} has no condition, so the DRGs after it can never be reached; put it last`, fileOf('drg'), d.row.line, fieldOf('drg', 'drg'));
        splits.push(d.when === undefined ? { drg: d.entry.code } : { drg: d.entry.code, when: d.when });
        usedDrgs.add(d.entry.code);
      });
    } else {
      for (const d of withConditions)
        problem('csv.split_conditions', `DRG ${d.entry.code} has split conditions, but ADRG ${a.code} splits "${split}"; set its ${fieldOf('adrg', 'split')} to custom (自定义)`, fileOf('drg'), d.row.line, fieldOf('drg', 'drg'));
      for (const [suffix, c] of STANDARD[split]) {
        const drg = a.code + suffix;
        if (!own.some((d) => d.entry.code === drg)) { problem('csv.split_drg_missing', `split ${split} of ADRG ${a.code} needs DRG ${drg}, which drg.csv does not list`, fileA, r.line, fieldOf('adrg', 'split')); continue; }
        splits.push(c === undefined ? { drg } : { drg, when: c });
        usedDrgs.add(drg);
      }
    }
    adrgs.push({ code: a.code, ...(cell(r, 'name') ? { name: cell(r, 'name') } : {}), ...(cell(r, 'kind') ? { kind: a.kind } : {}), when, splits });
    from('adrgs', a.code, 'adrg', r);
  }
  for (const [adrg, own] of drgsByAdrg) for (const d of own)
    if (!usedDrgs.has(d.entry.code) && adrgs.some((a) => a.code === adrg))
      warn('csv.drg_unused', `DRG ${d.entry.code} is not given by any split of ADRG ${adrg}`, fileOf('drg'), d.row.line, fieldOf('drg', 'drg'));

  // ----- MDCs -----------------------------------------------------------------------------------
  interface MdcIn { code: string; row: Row | null; index: number; order: number }
  const mdcIn = new Map<string, MdcIn>();
  if (byTable.has('mdc')) {
    const seenMdc = unique('mdc', 'mdc');
    rowsOf('mdc').forEach((r, index) => {
      if (required('mdc', r, 'mdc') === null) return;
      const code = mdcCode('mdc', r, 'mdc');
      const order = number('mdc', r, 'order', true);
      if (code === null || order === null || !seenMdc(code, r)) return;
      mdcIn.set(code, { code, row: r, index, order: order ?? Infinity });
    });
    for (const a of adrgIn.values()) if (!mdcIn.has(a.mdc))
      problem('csv.ref_undefined', `ADRG ${a.code} belongs to ${a.mdc}, which is not in mdc.csv`, fileOf('adrg'), a.row.line, fieldOf('adrg', cell(a.row, 'mdc') ? 'mdc' : 'adrg'));
  } else {
    const letters = [...new Set([...adrgIn.values()].map((a) => a.mdc.slice(3)))];
    letters.sort((x, y) => (CHS_MDC_ORDER.indexOf(x) + 1 || 99) - (CHS_MDC_ORDER.indexOf(y) + 1 || 99) || x.localeCompare(y));
    letters.forEach((l, index) => mdcIn.set(`MDC${l}`, { code: `MDC${l}`, row: null, index, order: index }));
    warn('csv.mdcs_derived', `no mdc.csv: MDCs ${letters.join(', ')} derived from adrg.csv, in CHS order, by principal diagnosis`, 'mdc.csv');
  }
  const sitesOf = new Map<string, string[]>();
  for (const r of rowsOf('mdc_dx')) {
    if (required('mdc_dx', r, 'mdc') === null) continue;
    const m = mdcCode('mdc_dx', r, 'mdc');
    const dx = required('mdc_dx', r, 'dx');
    if (m === null || dx === null) continue;
    if (!mdcIn.has(m)) { problem('csv.ref_undefined', `${m} is not an MDC of mdc.csv`, fileOf('mdc_dx'), r.line, fieldOf('mdc_dx', 'mdc')); continue; }
    addToList(`${m}.dx`, dx);
    const site = cell(r, 'site');
    if (site) {
      const s = sitesOf.get(m) ?? [];
      sitesOf.set(m, s);
      if (!s.includes(site)) s.push(site);
      addToList(`${m}.site:${site}`, dx);
    }
  }

  const mdcs: MdcRule[] = [];
  const ordered = [...mdcIn.values()].sort((x, y) => x.order - y.order || x.index - y.index);
  for (const m of ordered) {
    const r = m.row;
    const letter = m.code.slice(3);
    const guardKind = r ? word('mdc', r, 'guard', MDC_GUARD, 'an MDC entry rule (principal_dx, any_dx, or_proc, always; 主要诊断, 任一诊断, 手术室手术, 无条件)') : undefined;
    const sex = r ? word('mdc', r, 'sex', SEX, 'a sex (M/F, 男/女)') : undefined;
    const maxY = r ? number('mdc', r, 'max_age_years', true) : undefined;
    const maxD = r ? number('mdc', r, 'max_age_days', true) : undefined;
    const minSites = r ? number('mdc', r, 'min_sites', true) : undefined;
    const amb = r ? word('mdc', r, 'ambiguity', YES_NO, 'yes/no (是/否)') : undefined;
    if (guardKind === null || sex === null || maxY === null || maxD === null || minSites === null || amb === null) continue;
    const fileM = r ? fileOf('mdc') : 'mdc.csv';
    const line = r?.line;
    const members = [...adrgIn.values()].filter((a) => a.mdc === m.code).sort((x, y) => x.order - y.order || x.index - y.index);

    const guardParts: Condition[] = [];
    const kind = guardKind ?? 'principal_dx';
    if (kind === 'principal_dx' || kind === 'any_dx') {
      if (!lists[`${m.code}.dx`]) {
        // No mdc_dx rows: the MDC's diagnoses are those its ADRGs list.
        for (const a of members) for (const c of lists[`${a.code}.dx`] ?? []) addToList(`${m.code}.dx`, c);
        if (!lists[`${m.code}.dx`]) { problem('csv.list_empty', `${m.code} enters by diagnosis but neither mdc_dx.csv nor its ADRGs' adrg_dx.csv rows give any`, fileM, line, r ? fieldOf('mdc', 'mdc') : undefined); continue; }
        warn('csv.mdc_dx_derived', `${m.code}: no rows in mdc_dx.csv; its diagnosis list is the union of its ADRGs' lists (${lists[`${m.code}.dx`]!.length} codes)`, fileM, line);
      }
      guardParts.push(kind === 'principal_dx' ? { in: ['principal_dx', `${m.code}.dx`] } : { any_in: ['all_dx', `${m.code}.dx`] });
    } else if (kind === 'or_proc') guardParts.push({ in: ['principal_proc', OR_PROCEDURES_LIST] });
    if (sex !== undefined) guardParts.push({ cmp: ['sex', '==', sex] });
    if (maxY !== undefined) guardParts.push({ cmp: ['age_years', '<=', maxY] });
    if (maxD !== undefined) guardParts.push({ cmp: ['age_days', '<=', maxD] });
    if (minSites !== undefined) {
      const sites = sitesOf.get(m.code) ?? [];
      if (sites.length < minSites) { problem('csv.list_empty', `${m.code} needs diagnoses in at least ${minSites} sites, but mdc_dx.csv gives ${sites.length} sites (${fieldOf('mdc_dx', 'site')})`, fileM, line, r ? fieldOf('mdc', 'min_sites') : undefined); continue; }
      guardParts.push({ hits_at_least: ['all_dx', sites.map((s) => `${m.code}.site:${s}`), minSites] });
    }

    // Steps: ADRGs in their order; the ambiguity group (歧义组) before the first medical ADRG.
    const steps: Step[] = members.map((a) => ({ adrg: a.code }));
    const qy = `${letter}QY`;
    if (amb ?? qyListed.has(qy)) {
      const firstMedical = members.findIndex((a) => a.kind === 'medical');
      steps.splice(firstMedical < 0 ? steps.length : firstMedical, 0, { ambiguity: qy, when: { any_in: ['all_procs', OR_PROCEDURES_LIST] } });
    }
    const guard: Condition = guardParts.length === 0 ? true : guardParts.length === 1 ? guardParts[0]! : { and: guardParts };
    mdcs.push({ code: m.code, ...(r && cell(r, 'name') ? { name: cell(r, 'name') } : {}), guard, steps });
    if (r) from('mdcs', m.code, 'mdc', r);
  }

  // ----- DIP catalog ----------------------------------------------------------------------------
  const dipCatalog: DipCatalogEntry[] = [];
  const seenDip = new Map<string, number>();
  for (const r of rowsOf('dip')) {
    const dx = required('dip', r, 'dx');
    const score = number('dip', r, 'score');
    const cost = number('dip', r, 'mean_cost');
    if (dx === null || score === null || cost === null) continue;
    const procs = [...new Set(cell(r, 'procs').split(/[+;；,，、|\s]+/).filter((p) => p !== ''))].sort();
    const key = `${dx.toUpperCase()}|${procs.join('+').toUpperCase()}`;
    const first = seenDip.get(key);
    if (first !== undefined) { problem('csv.duplicate', `DIP combination ${dx} + [${procs.join(' ')}] appears twice (first on line ${first})`, fileOf('dip'), r.line, fieldOf('dip', 'procs')); continue; }
    seenDip.set(key, r.line);
    const e: DipCatalogEntry = { dx, procs };
    if (cell(r, 'name')) e.name = cell(r, 'name');
    if (score !== undefined) e.score = score;
    if (cost !== undefined) e.mean_cost = cost;
    from('dip_catalog', dipCatalog.length, 'dip', r);
    dipCatalog.push(e);
  }

  // ----- checks ---------------------------------------------------------------------------------
  const checks: CheckRule[] = [];
  if (maleOnly.length) {
    lists.male_only_dx = maleOnly;
    checks.push({ reason: 'sex_conflict', when: { and: [{ cmp: ['sex', '==', 2] }, { in: ['principal_dx', 'male_only_dx'] }] }, note: '男性专用诊断用于女性' });
  }
  if (femaleOnly.length) {
    lists.female_only_dx = femaleOnly;
    checks.push({ reason: 'sex_conflict', when: { and: [{ cmp: ['sex', '==', 1] }, { in: ['principal_dx', 'female_only_dx'] }] }, note: '女性专用诊断用于男性' });
  }

  if (problems.length) return { ruleset: null, problems, warnings, tables: recognised };

  // ----- assemble -------------------------------------------------------------------------------
  const name = meta.name ?? metaText('name');
  const version = meta.version ?? metaText('version');
  if (name === undefined || version === undefined)
    warn('csv.meta_default', `meta.csv gives no ${name === undefined ? 'name' : 'version'}; a default is used`, fileOf('meta'));
  const codeSystems = meta.code_systems ?? (dxSystem || procSystem ? { ...(dxSystem ? { dx: dxSystem } : {}), ...(procSystem ? { proc: procSystem } : {}) } : undefined);
  const region = meta.region ?? metaText('region');
  const source = meta.source ?? metaText('source');
  const factor = meta.dip_score_factor ?? dipFactor;
  const teachingOnly = meta.teaching_only ?? teaching;
  const ruleset: Ruleset = {
    format: RULESET_FORMAT,
    meta: {
      name: name ?? 'CSV tables',
      version: version ?? '',
      ...(region !== undefined ? { region } : {}),
      ...(codeSystems ? { code_systems: codeSystems } : {}),
      ...(factor !== undefined ? { dip_score_factor: factor } : {}),
      ...(teachingOnly !== undefined ? { teaching_only: teachingOnly } : {}),
      ...(source !== undefined ? { source } : {}),
    },
    ...(dxLengths || procLengths ? {
      code_matching: { ...(dxLengths ? { dx: { fallback_lengths: dxLengths } } : {}), ...(procLengths ? { proc: { fallback_lengths: procLengths } } : {}) },
    } : {}),
    ...(dxMap ? { dx_map: dxMap } : {}),
    ...(procMap ? { proc_map: procMap } : {}),
    ...(dxByCode.size ? { diagnoses: [...dxByCode.values()] } : {}),
    ...(procedures.length ? { procedures } : {}),
    lists,
    ...(checks.length ? { checks } : {}),
    mdcs,
    adrgs,
    drgs,
    ...(dipCatalog.length ? { dip_catalog: dipCatalog } : {}),
    ...(Object.keys(parameters).length ? { parameters } : {}),
    ...(retry !== undefined ? { retry_each_other_procedure: retry } : {}),
  };

  // The tables were checked row by row; the format's own checks are the last word. Their problems
  // are pointed back at the file and line the entry came from.
  const compiled = tryCompileRuleset(ruleset);
  if (compiled.problems.length) {
    const back = compiled.problems.map((p): Problem => {
      const src = p.where.row !== undefined ? provenance.get(`${p.where.table}:${p.where.row}`) : undefined;
      return src ? { ...p, message: `${p.message} (ruleset ${p.where.table}${p.where.field ? `.${p.where.field}` : ''})`, where: at(src.file, src.line, p.where.field) } : p;
    });
    return { ruleset: null, problems: back, warnings, tables: recognised };
  }
  return { ruleset, problems: [], warnings, tables: recognised };
}

// ----- procedure tag formulas ------------------------------------------------------------------------

type TagTree = string | { and: TagTree[] } | { or: TagTree[] };

/** Parses `1 or (2 and 3)` (also 且/和/+/& and 或/|, full-width brackets); `and` binds tighter. */
export function parseTagFormula(text: string, tags: ReadonlySet<string>): { tree: TagTree } | { error: string } {
  const tokens = text.replace(/（/g, '(').replace(/）/g, ')').match(/\(|\)|[+&|]|[^\s()+&|]+/g) ?? [];
  let i = 0;
  const fail = (why: string): never => { throw new FormulaError(`formula "${text}": ${why}`); };
  const isAnd = (t: string | undefined) => t !== undefined && ['and', '且', '和', '+', '&'].includes(t.toLowerCase());
  const isOr = (t: string | undefined) => t !== undefined && ['or', '或', '|'].includes(t.toLowerCase());
  const atom = (): TagTree => {
    const t = tokens[i++];
    if (t === undefined) return fail('ends early');
    if (t === '(') {
      const inner = orExpr();
      if (tokens[i++] !== ')') fail('missing ")"');
      return inner;
    }
    if (t === ')' || isAnd(t) || isOr(t)) fail(`unexpected "${t}"`);
    if (!tags.has(t)) fail(`"${t}" is not a tag of this ADRG's procedures (${[...tags].join(', ')})`);
    return t;
  };
  const seq = (next: () => TagTree, isOp: (t: string | undefined) => boolean, kind: 'and' | 'or'): TagTree => {
    const items = [next()];
    while (isOp(tokens[i])) { i++; items.push(next()); }
    return items.length === 1 ? items[0]! : kind === 'and' ? { and: items } : { or: items };
  };
  const andExpr = () => seq(atom, isAnd, 'and');
  const orExpr = (): TagTree => seq(andExpr, isOr, 'or');
  try {
    const tree = orExpr();
    if (i < tokens.length) fail(`unexpected "${tokens[i]}"`);
    return { tree };
  } catch (e) {
    if (e instanceof FormulaError) return { error: e.message };
    throw e;
  }
}

class FormulaError extends Error {}

function mapTags(t: TagTree, leaf: (tag: string) => Condition): Condition {
  if (typeof t === 'string') return leaf(t);
  return 'and' in t ? { and: t.and.map((k) => mapTags(k, leaf)) } : { or: t.or.map((k) => mapTags(k, leaf)) };
}
