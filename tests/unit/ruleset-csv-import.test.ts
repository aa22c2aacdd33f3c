// Import of rulesets from CSV tables (docs/ruleset-format.md "CSV tables"): the worked example groups as
// documented, headers in either language, GBK files, and bad tables refused with file / line / column.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CSV_TABLES, importCsvTables, type CsvFile } from '../../src/rules/import-csv-tables.ts';
import { importCsvDir } from '../../src/rules/node/import-csv-dir.ts';
import { compileRuleset } from '../../src/rules/ruleset-compile.ts';
import { encodeCaseRecords, type CaseInput } from '../../src/rules/case-encoding.ts';
import { drgCodesOf, groupDrg } from '../../src/engine/reference/drg-grouper.ts';
import { REASON_NAMES, type Ruleset } from '../../src/rules/ruleset-format.ts';
import { normaliseHeader } from '../../src/shared/csv-header.ts';

const EXAMPLE = join(import.meta.dirname, '../../docs/examples/csv-tables');
const MINI = join(import.meta.dirname, '../../docs/examples/mini-ruleset.json');

const utf8 = (s: string) => new TextEncoder().encode(s);
const textOf = (f: CsvFile) => new TextDecoder().decode(f.bytes);

function exampleFiles(): CsvFile[] {
  const r = importCsvDir(EXAMPLE);
  return r.tables.map((t) => ({ name: t.file, bytes: new Uint8Array(readFileSync(join(EXAMPLE, t.file))) }));
}
/** The example with one file's text replaced (or removed, with null). */
function edit(name: string, change: (text: string) => string | null): CsvFile[] {
  return exampleFiles().flatMap((f) => {
    if (f.name !== name) return [f];
    const t = change(textOf(f));
    return t === null ? [] : [{ name, bytes: utf8(t) }];
  });
}

/** Rewrites each header row to the canonical English headers. */
function englishHeaders(files: CsvFile[]): CsvFile[] {
  return files.map((f) => {
    const spec = CSV_TABLES.find((s) => s.table === f.name.replace(/\.csv$/, ''))!;
    const [head, ...rest] = textOf(f).split('\n');
    const en = head!.split(',').map((h) => spec.columns.find((c) => [c.key, c.zh, ...c.aliases].some((a) => normaliseHeader(a) === normaliseHeader(h)))!.key);
    return { name: f.name, bytes: utf8([en.join(','), ...rest].join('\n')) };
  });
}

/** A GBK encoder built from the platform's GB18030 decoder (tests only). */
function gbkEncoder(): (s: string) => Uint8Array {
  const dec = new TextDecoder('gb18030');
  const map = new Map<string, [number, number]>();
  for (let a = 0x81; a <= 0xfe; a++) for (let b = 0x40; b <= 0xfe; b++) {
    if (b === 0x7f) continue;
    const ch = dec.decode(Uint8Array.of(a, b));
    if (ch.length === 1 && !map.has(ch)) map.set(ch, [a, b]);
  }
  return (s) => {
    const out: number[] = [];
    for (const ch of s) {
      if (ch.charCodeAt(0) < 0x80) { out.push(ch.charCodeAt(0)); continue; }
      const pair = map.get(ch);
      if (!pair) throw new Error(`no GBK code for ${ch}`);
      out.push(...pair);
    }
    return Uint8Array.from(out);
  };
}

const base: Omit<CaseInput, 'principal_dx'> = { age_years: 50, sex: 1, los: 5, discharge_status: 1 };
function group(ruleset: Ruleset, cases: (Partial<CaseInput> & { principal_dx: string })[]) {
  const compiled = compileRuleset(ruleset);
  const out = groupDrg(compiled, encodeCaseRecords(compiled, cases.map((c) => ({ ...base, ...c }))));
  return cases.map((_, i) => ({ ...drgCodesOf(compiled, out, i), reason: REASON_NAMES[out.reason[i]!] }));
}

/** The cases of the mini example's table (docs/ruleset-format.md) and of §2.6. */
const CASES: { c: Partial<CaseInput> & { principal_dx: string }; drg: string; reason?: string }[] = [
  { c: { principal_dx: 'K80.100', principal_proc: '51.2300', secondary_dx: ['E11.900'] }, drg: 'HC23' },
  { c: { principal_dx: 'K80.100', principal_proc: '51.2300', secondary_dx: ['K83.000'] }, drg: 'HC25' },
  { c: { principal_dx: 'K81.000', principal_proc: '86.2200' }, drg: 'HQY', reason: 'ambiguous' },
  { c: { principal_dx: 'K80.100', secondary_dx: ['J96.000'] }, drg: 'HS21' },
  { c: { principal_dx: 'K80.100', secondary_dx: ['E11.900'] }, drg: 'HS23' },
  { c: { principal_dx: 'K80.100', secondary_dx: ['K83.000'] }, drg: 'HS25' },
  { c: { principal_dx: 'k80.200' }, drg: 'HS25' },
  { c: { principal_dx: 'K80.100x099', principal_proc: '51.8800' }, drg: 'HL19' },
  { c: { principal_dx: 'N40.x00', sex: 2 }, drg: '0000', reason: 'sex_conflict' },
  { c: { principal_dx: 'N40.x00', sex: 1 }, drg: '0000', reason: 'no_mdc' },
];

describe('CSV tables → casemix-ruleset/1', () => {
  it('the worked example imports with no problem and no warning', () => {
    const r = importCsvDir(EXAMPLE);
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.tables.map((t) => t.table).sort()).toEqual(CSV_TABLES.map((s) => s.table).filter((t) => t !== 'proc_map').sort());
    expect(r.ruleset!.adrgs.find((a) => a.code === 'HS2')!.splits).toEqual([
      { drg: 'HS21', when: { has_mcc: true } },
      { drg: 'HS23', when: { or: [{ has_mcc: true }, { has_cc: true }] } },
      { drg: 'HS25' },
    ]);
    expect(r.ruleset!.mdcs[0]!.steps).toEqual([
      { adrg: 'HC2' }, { adrg: 'HL1' }, { ambiguity: 'HQY', when: { any_in: ['all_procs', '$or_procedures'] } }, { adrg: 'HS2' },
    ]);
  });

  it('§2.6 the example groups as documented: MCC → x1, CC → x3, CC excluded by the principal → x5', () => {
    const got = group(importCsvDir(EXAMPLE).ruleset!, CASES.map((x) => x.c));
    CASES.forEach((x, i) => {
      expect(got[i]!.drg, JSON.stringify(x.c)).toBe(x.drg);
      expect(got[i]!.reason).toBe(x.reason ?? 'grouped');
    });
  });

  it('§2 groups every documented case exactly as docs/examples/mini-ruleset.json does', () => {
    const mini = JSON.parse(readFileSync(MINI, 'utf8')) as Ruleset;
    const cases = CASES.map((x) => x.c);
    expect(group(importCsvDir(EXAMPLE).ruleset!, cases)).toEqual(group(mini, cases));
  });

  it('English headers give the same ruleset as Chinese headers', () => {
    const zh = importCsvTables(exampleFiles());
    const en = importCsvTables(englishHeaders(exampleFiles()));
    expect(en.problems).toEqual([]);
    expect(en.ruleset).toEqual(zh.ruleset);
  });

  it('GBK-encoded tables (with Chinese file names) give the same ruleset', () => {
    const gbk = gbkEncoder();
    const files = exampleFiles().map((f) =>
      f.name === 'drg.csv' ? { name: 'DRG分组.csv', bytes: gbk(textOf(f)) }
        : f.name === 'cc.csv' ? { name: '并发症.csv', bytes: gbk(textOf(f)) } : f);
    const r = importCsvTables(files);
    expect(r.problems).toEqual([]);
    expect(r.tables.find((t) => t.file === 'DRG分组.csv')).toEqual({ file: 'DRG分组.csv', table: 'drg', by: 'name' });
    expect(r.ruleset).toEqual(importCsvTables(exampleFiles()).ruleset);
  });

  it('a file with an unknown name is recognised by its header row (a title line above it is skipped)', () => {
    const files = exampleFiles().map((f) => f.name === 'adrg.csv' ? { name: '2024版分组方案.csv', bytes: utf8(`某市DRG分组方案\n${textOf(f)}`) } : f);
    const r = importCsvTables(files);
    expect(r.problems).toEqual([]);
    expect(r.tables.find((t) => t.file === '2024版分组方案.csv')!.by).toBe('header');
    expect(r.warnings.map((w) => w.code).sort()).toEqual(['csv.recognised_by_header', 'csv.title_skipped']);
    expect(r.ruleset).toEqual(importCsvTables(exampleFiles()).ruleset);
  });

  it('an unknown column is a warning naming file, line and header; the column is ignored', () => {
    const r = importCsvTables(edit('drg.csv', (t) => t.replace('例均费用\n', '例均费用,备注\n')));
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual([{ code: 'csv.unknown_column', message: expect.any(String), where: { table: 'drg.csv', row: 1, field: '备注' } }]);
  });

  it('§2.5 one procedure from list A and one from list B (组别), and a tag formula', () => {
    const tagged = (procRows: string, formula?: string) => exampleFiles().map((f) =>
      f.name === 'adrg_proc.csv' ? { name: f.name, bytes: utf8(`ADRG编码,手术操作编码,组别\n${procRows}`) }
        : f.name === 'adrg.csv' && formula ? { name: f.name, bytes: utf8(textOf(f).replace('细分方式\n', '细分方式,手术组合\n').replace('3/5\n', `3/5,${formula}\n`)) } : f);
    const r = importCsvTables(tagged('HC2,51.2300,A\nHC2,51.2200,B\nHL1,51.8800,X\n'));
    expect(r.problems).toEqual([]);
    expect(r.ruleset!.adrgs.find((a) => a.code === 'HC2')!.when).toEqual({ and: [{ any_in: ['all_procs', 'HC2.proc#A'] }, { any_in: ['all_procs', 'HC2.proc#B'] }] });
    expect(group(r.ruleset!, [
      { principal_dx: 'K80.100', principal_proc: '51.2300', other_procs: ['51.2200'] },
      { principal_dx: 'K80.100', principal_proc: '51.2300' },
    ]).map((g) => g.drg)).toEqual(['HC25', 'HQY']);

    const f = importCsvTables(tagged('HC2,51.2300,1\nHC2,51.2200,2\nHC2,86.2200,3\nHL1,51.8800,X\n', '1 或 (2 且 3)'));
    expect(f.problems).toEqual([]);
    expect(f.ruleset!.adrgs.find((a) => a.code === 'HC2')!.when).toEqual({
      or: [{ any_in: ['all_procs', 'HC2.proc#1'] }, { and: [{ any_in: ['all_procs', 'HC2.proc#2'] }, { any_in: ['all_procs', 'HC2.proc#3'] }] }],
    });
    expect(importCsvTables(tagged('HC2,51.2300,1\nHL1,51.8800,X\n', '1 or 4')).problems.map((p) => ({ code: p.code, where: p.where })))
      .toEqual([{ code: 'csv.bad_formula', where: { table: 'adrg.csv', row: 2, field: '手术组合' } }]);
  });

  it('regional split "custom": death and age conditions from drg.csv, tried in file order', () => {
    const files = exampleFiles().map((f) =>
      f.name === 'adrg.csv' ? { name: f.name, bytes: utf8(textOf(f).replace('主要诊断,1/3/5', '主要诊断,自定义')) }
        : f.name === 'drg.csv' ? { name: f.name, bytes: utf8(textOf(f).replace('例均费用\n', '例均费用,严重程度,年龄上限,离院方式\n')
          .replace(/^HS21,(.*)$/m, 'HS27,胆道疾患，死亡,HS2,1.5,,,,,死亡\nHS21,$1,MCC,,').replace(/^HS23,(.*)$/m, 'HS23,$1,,17,').replace(/^HS25,(.*)$/m, 'HS25,$1,,,')) } : f);
    const r = importCsvTables(files);
    expect(r.problems).toEqual([]);
    expect(r.ruleset!.adrgs.find((a) => a.code === 'HS2')!.splits).toEqual([
      { drg: 'HS27', when: { cmp: ['discharge_status', '==', 5] } },
      { drg: 'HS21', when: { has_mcc: true } },
      { drg: 'HS23', when: { cmp: ['age_years', '<=', 17] } },
      { drg: 'HS25' },
    ]);
    expect(group(r.ruleset!, [
      { principal_dx: 'K80.100', secondary_dx: ['J96.000'], discharge_status: 5 },
      { principal_dx: 'K80.100', age_years: 12 },
      { principal_dx: 'K80.100', secondary_dx: ['E11.900'] },
    ]).map((g) => g.drg)).toEqual(['HS27', 'HS23', 'HS25']);
  });
});

describe('bad tables: every problem names file, line and column; the ruleset is refused whole', () => {
  const refused = (files: CsvFile[]) => {
    const r = importCsvTables(files);
    expect(r.ruleset).toBeNull();
    return r.problems.map((p) => ({ code: p.code, where: p.where }));
  };

  it('a missing required column', () => {
    expect(refused(edit('adrg_dx.csv', () => '主要诊断编码\nK80.100\n')))
      .toEqual([{ code: 'csv.missing_column', where: { table: 'adrg_dx.csv', row: 1, field: 'ADRG编码' } }]);
  });

  it('a DRG naming an unknown ADRG', () => {
    expect(refused(edit('drg.csv', (t) => `${t}HX15,未知,HX1,0.5,,\n`)))
      .toEqual([{ code: 'csv.ref_undefined', where: { table: 'drg.csv', row: 8, field: 'ADRG编码' } }]);
  });

  it('a bad split name', () => {
    expect(refused(edit('adrg.csv', (t) => t.replace('1/3/5', '1/2/5'))))
      .toEqual([{ code: 'csv.bad_value', where: { table: 'adrg.csv', row: 4, field: '细分方式' } }]);
  });

  it('a duplicate DRG code', () => {
    expect(refused(edit('drg.csv', (t) => `${t}hs25,重复,HS2,0.5,,\n`)))
      .toEqual([{ code: 'csv.duplicate', where: { table: 'drg.csv', row: 8, field: 'DRG编码' } }]);
  });

  it('a non-numeric weight', () => {
    expect(refused(edit('drg.csv', (t) => t.replace('HC2,1.28', 'HC2,1.2x'))))
      .toEqual([{ code: 'csv.not_number', where: { table: 'drg.csv', row: 2, field: '权重' } }]);
  });

  it('a split that needs a DRG drg.csv does not list, and an unquoted comma shifting a row', () => {
    expect(refused(edit('drg.csv', (t) => t.replace(/^HS23,.*\n/m, ''))))
      .toEqual([{ code: 'csv.split_drg_missing', where: { table: 'adrg.csv', row: 4, field: '细分方式' } }]);
    expect(refused(edit('cc.csv', (t) => t.replace('胆管炎,CC,H1', '胆管炎,急性,CC,H1'))))
      .toEqual([{ code: 'csv.extra_field', where: { table: 'cc.csv', row: 2 } }]); // reading problems stop before values are read
  });

  it('a file no table fits, and a spreadsheet instead of CSV', () => {
    expect(refused([...exampleFiles(), { name: 'notes.csv', bytes: utf8('编码,名称\nX,Y\n') }, { name: 'drg.xlsx', bytes: new Uint8Array(4) }]))
      .toEqual([{ code: 'csv.unrecognised_file', where: { table: 'notes.csv' } }, { code: 'csv.not_csv', where: { table: 'drg.xlsx' } }]);
  });
});
