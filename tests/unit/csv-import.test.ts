// CSV import (Case data issue; domain §1): encodings, quoting, header aliases, list layouts, coercion,
// and the errors that name file, column, line and value.
import { describe, expect, it } from 'vitest';
import { csvToArrow } from '../../src/data/csv-to-arrow.ts';
import { CsvTokenizer } from '../../src/shared/csv-tokenizer.ts';
import { detectEncoding } from '../../src/shared/text-encoding.ts';
import { errorsOf } from '../fixtures/engine-failures.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const HEAD_ZH = '病案号,医院编码,出院科室,入院日期,出院日期,年龄,性别,离院方式,主要诊断编码,住院总费用';
const HEAD_EN = 'case_id,hospital_id,department,admit_date,discharge_date,age_years,sex,discharge_status,principal_dx,total_cost';


function tokenize(text: string, chunk: number): string[][] {
  const out: string[][] = [];
  const t = new CsvTokenizer(',', (f) => out.push(f));
  for (let i = 0; i < text.length; i += chunk) t.push(text.slice(i, i + chunk));
  t.end();
  return out;
}

describe('CSV tokenizer', () => {
  const text = 'a,"b,c","d\n""quoted"" e"\r\n1,,3\n\n"x"\n';
  const expected = [['a', 'b,c', 'd\n"quoted" e'], ['1', '', '3'], ['x']];
  it('handles quoted delimiters, escaped quotes, embedded newlines, CRLF and blank lines', () => {
    expect(tokenize(text, 1 << 20)).toEqual(expected);
  });
  it.each([1, 2, 3, 5, 7])('gives the same records whatever the chunk size (%i)', (chunk) => {
    expect(tokenize(text, chunk)).toEqual(expected);
  });
});

describe('encoding detection', () => {
  it('UTF-8 with and without BOM, GBK otherwise', () => {
    expect(detectEncoding(utf8('\ufeff骨科'))).toBe('utf-8');
    expect(detectEncoding(utf8('骨科,儿科'))).toBe('utf-8');
    expect(detectEncoding(Uint8Array.of(0xb9, 0xc7, 0xbf, 0xc6))).toBe('gb18030'); // 骨科 in GBK
  });
  it('a UTF-8 sample cut inside a character is still UTF-8', () => {
    const bytes = utf8('科室骨科');
    expect(detectEncoding(bytes.subarray(0, 7))).toBe('utf-8');
  });
});

describe('CSV → Arrow case table', () => {
  it('reads Chinese headers, 男/女 and text discharge status, several date styles and money with separators', () => {
    const csv = `\ufeff${HEAD_ZH},其他诊断编码1,其他诊断编码2,主要手术操作编码,备注\n` +
      'A1,H1,骨科,2024-01-01,2024/01/05,50,男,1,S72.000,12000,I10.x00,E11.900,79.3500,"有,逗号\n和换行"\n' +
      'A2,H1,儿科,20240102,2024年1月3日,3,女,死亡,J18.000,800.5,,,,\n';
    const { table, encoding, unusedColumns } = csvToArrow(utf8(csv), 'zh.csv');
    expect(encoding).toBe('utf-8');
    expect(unusedColumns).toEqual(['备注']);
    expect(table.numRows).toBe(2);
    const row = (i: number) => table.get(i)!.toJSON();
    expect(row(0).sex).toBe(1);
    expect(row(1).sex).toBe(2);
    expect(row(1).discharge_status).toBe(5);
    expect(table.getChild('admit_date')!.get(1)).toBe(Date.UTC(2024, 0, 2));
    expect(table.getChild('discharge_date')!.get(1)).toBe(Date.UTC(2024, 0, 3));
    expect([...table.getChild('secondary_dx')!.get(0)!]).toEqual(['I10.x00', 'E11.900']);
    expect([...table.getChild('secondary_dx')!.get(1)!]).toEqual([]);
    expect(table.getChild('principal_proc')!.get(1)).toBeNull();
  });

  it('reads English headers and a delimited secondary-diagnosis field', () => {
    const csv = `${HEAD_EN},secondary_dx,other_procs\nB1,H2,Ortho,2024-03-01,2024-03-04,61,M,1,K80.100,9000,"I10.x00|E11.900; N18.900",88.3800\n`;
    const { table } = csvToArrow(utf8(csv), 'en.csv');
    expect([...table.getChild('secondary_dx')!.get(0)!]).toEqual(['I10.x00', 'E11.900', 'N18.900']);
    expect([...table.getChild('other_procs')!.get(0)!]).toEqual(['88.3800']);
    expect(table.getChild('total_cost')!.get(0)).toBe(9000);
  });

  it('money: "12,345.60" and "￥800" are read losslessly', () => {
    const csv = `${HEAD_EN}\nC1,H,D,2024-01-01,2024-01-02,5,1,1,K80.1,"12,345.60"\nC2,H,D,2024-01-01,2024-01-02,5,2,1,K80.1,￥800\n`;
    const { table } = csvToArrow(utf8(csv), 'money.csv');
    expect(table.getChild('total_cost')!.get(0)).toBe(12345.6);
    expect(table.getChild('total_cost')!.get(1)).toBe(800);
  });

  it('a GBK file (hospital export) is detected and decoded', () => {
    const head = utf8(`${HEAD_EN}\nG1,H,`);
    const tail = utf8(',2024-01-01,2024-01-02,40,');
    const gbk = Uint8Array.from([...head, 0xb9, 0xc7, 0xbf, 0xc6, ...tail, 0xc5, 0xae, ...utf8(',1,K80.1,10\n')]); // 骨科 … 女
    const { table, encoding } = csvToArrow(gbk, 'gbk.csv');
    expect(encoding).toBe('gb18030');
    expect(table.getChild('department')!.get(0)).toBe('骨科');
    expect(table.getChild('sex')!.get(0)).toBe(2);
  });

  it('strings in a cost column: the column, count, an example value and its line are named', () => {
    const csv = `${HEAD_EN}\nC1,H,D,2024-01-01,2024-01-02,5,1,1,K80.1,10\nC2,H,D,2024-01-01,2024-01-02,5,1,1,K80.1,一百\nC3,H,D,2024-01-01,2024-01-02,5,1,1,K80.1,abc\n`;
    const [e] = errorsOf(() => csvToArrow(utf8(csv), 'bad.csv'));
    expect(e.code).toBe('csv.bad_value');
    expect(e.where).toEqual({ file: 'bad.csv', column: 'total_cost', row: 3 });
    expect(e.params).toMatchObject({ count: 2, value: '一百' });
  });

  it('an impossible date (2024-02-30) and a non-integer age are refused, not guessed', () => {
    const csv = `${HEAD_EN}\nC1,H,D,2024-02-30,2024-03-02,5.5,1,1,K80.1,10\n`;
    const errors = errorsOf(() => csvToArrow(utf8(csv), 'dates.csv'));
    expect(errors.map((e) => e.where?.column).sort()).toEqual(['admit_date', 'age_years']);
  });

  it('every missing required column is named', () => {
    const errors = errorsOf(() => csvToArrow(utf8('病案号,出院科室\nA,B\n'), 'few.csv'));
    expect(errors.every((e) => e.code === 'schema.missing_column')).toBe(true);
    expect(errors.map((e) => e.where?.column)).toContain('principal_dx');
    expect(errors).toHaveLength(8);
  });

  it('two headers for one column are refused', () => {
    const errors = errorsOf(() => csvToArrow(utf8(`${HEAD_EN},住院总费用\n`), 'dup.csv'));
    expect(errors[0].code).toBe('csv.duplicate_column');
  });

  it('a quoted field that never closes names its line', () => {
    const csv = `${HEAD_EN}\nC1,H,D,2024-01-01,2024-01-02,5,1,1,K80.1,10\nC2,H,"D,2024-01-01\n`;
    const [e] = errorsOf(() => csvToArrow(utf8(csv), 'open.csv'));
    expect(e.code).toBe('csv.unclosed_quote');
    expect(e.params?.line).toBe(3);
  });

  it('a header and no rows, or nothing at all', () => {
    expect(errorsOf(() => csvToArrow(utf8(`${HEAD_EN}\n`), 'h.csv'))[0].code).toBe('file.no_rows');
    expect(errorsOf(() => csvToArrow(new Uint8Array(0), 'e.csv'))[0].code).toBe('file.empty');
  });
});

describe('docs/case-schema.md', () => {
  it('documents every §1 column with its Chinese name', async () => {
    const { readFileSync } = await import('node:fs');
    const { CASE_COLUMNS } = await import('../../src/data/case-schema.ts');
    const doc = readFileSync(new URL('../../docs/case-schema.md', import.meta.url), 'utf8');
    for (const c of CASE_COLUMNS) expect(doc, c.name).toContain(`| \`${c.name}\` | ${c.zh} |`);
  });
});
