// CSV input never corrupts silently (issue 19, findings 1–2): stray and unclosed quotes, overlong fields,
// and the text encoding decided on the whole file, each refused with file, line and column, or read right.
import { describe, expect, it } from 'vitest';
import { csvToArrow } from '../../src/data/csv-to-arrow.ts';
import { CsvTokenizer, MAX_FIELD_CHARS } from '../../src/shared/csv-tokenizer.ts';
import { decodeText, detectEncoding } from '../../src/shared/text-encoding.ts';
import { parseBenchmarkCsv } from '../../src/evaluation/benchmark-table.ts';
import { errorsOf } from '../fixtures/engine-failures.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const HEAD = 'case_id,hospital_id,department,admit_date,discharge_date,age_years,sex,discharge_status,principal_dx,total_cost';
/** Line n (1-based, header is line 1) of a generated case file: ASCII only. */
const row = (i: number, dept = 'D1', dx = 'K80.1') => `C${i},H1,${dept},2024-01-01,2024-01-03,40,1,1,${dx},${1000 + i}`;
const rows = (n: number, edit: (i: number) => string = (i) => row(i)) => Array.from({ length: n }, (_, k) => edit(k + 1));


function tokenize(text: string, chunk: number, width = 0): { records: string[][]; ok: boolean; t: CsvTokenizer } {
  const records: string[][] = [];
  const t = new CsvTokenizer(',', (f) => records.push(f));
  t.recordWidth = width;
  for (let i = 0; i < text.length; i += chunk) t.push(text.slice(i, i + chunk));
  return { records, ok: t.end(), t };
}

/** GBK bytes of a few words (TextEncoder cannot write GBK): 骨科 B9C7 BFC6, 儿科 B6F9 BFC6, 职工 D6B0 B9A4. */
const GBK: Record<string, number[]> = { 骨科: [0xb9, 0xc7, 0xbf, 0xc6], 儿科: [0xb6, 0xf9, 0xbf, 0xc6], 职工: [0xd6, 0xb0, 0xb9, 0xa4] };

describe('issue 19 §1: a stray quote never swallows rows', () => {
  // Line 6 is case 5 (the header is line 1); its principal diagnosis gets a stray opening quote.
  const stray = (i: number) => (i === 5 ? row(i, 'D1', '"K80.1') : row(i));

  it('the issue: a stray quote on line 6 and a quoted value 100 lines later in 20,000 rows → refused at line 6', () => {
    const lines = rows(20_000, (i) => (i === 105 ? row(i, '"骨科"') : stray(i)));
    const [e] = errorsOf(() => csvToArrow(utf8(`${HEAD}\n${lines.join('\n')}\n`), 'stray.csv'));
    expect(e.code).toBe('csv.text_after_quote');
    // "C5,H1,D1,2024-01-01,2024-01-03,40,1,1," is 38 characters: the quote is character 39, field 9.
    expect(e.params).toMatchObject({ file: 'stray.csv', line: 6, position: 39, field: 9, column: 'principal_dx' });
    expect(e.where).toEqual({ file: 'stray.csv', row: 6, column: 'principal_dx' });
    expect(e.message).toContain('line 106');
  });

  it('a stray quote with no quote after it → unclosed quote named at its line and character', () => {
    const [e] = errorsOf(() => csvToArrow(utf8(`${HEAD}\n${rows(500, stray).join('\n')}\n`), 'open.csv'));
    expect(e.code).toBe('csv.unclosed_quote');
    expect(e.params).toMatchObject({ line: 6, position: 39, column: 'principal_dx' });
    // In 20,000 rows the open field passes 65,536 characters long before the end: refused at the same place.
    const [long] = errorsOf(() => csvToArrow(utf8(`${HEAD}\n${rows(20_000, stray).join('\n')}\n`), 'open.csv'));
    expect(long.params).toMatchObject({ line: 6, position: 39, column: 'principal_dx' });
    expect(long.code).toBe('csv.field_too_long');
  });

  it('a stray quote closed by a literal inch mark 100 lines later → the swallowed records are recognised', () => {
    // `12"` is a literal quote (not at a field start) in normal reading; in quotes it closes cleanly before ",".
    const lines = rows(20_000, (i) => (i === 105 ? row(i, '12"') : stray(i)));
    const [e] = errorsOf(() => csvToArrow(utf8(`${HEAD}\n${lines.join('\n')}\n`), 'inch.csv'));
    expect(e.code).toBe('csv.quoted_records');
    expect(e.params).toMatchObject({ line: 6, position: 39, column: 'principal_dx' });
  });

  it('a field longer than 65,536 characters is refused where it opened', () => {
    const long = `"${'x'.repeat(MAX_FIELD_CHARS)}y"`;
    const [e] = errorsOf(() => csvToArrow(utf8(`${HEAD},备注\n${row(1)},ok\n${row(2)},${long}\n`), 'long.csv'));
    expect(e.code).toBe('csv.field_too_long');
    expect(e.params).toMatchObject({ line: 3, position: row(2).length + 2, field: 11, column: '备注', limit: 65_536 });
    const plain = tokenize(`a,${'z'.repeat(MAX_FIELD_CHARS + 1)}\n`, 1000);
    expect([plain.ok, plain.t.problem?.code, plain.t.problem?.position]).toEqual([false, 'csv.field_too_long', 3]);
  });

  it('a quote inside a value (not at its start) is a literal character', () => {
    const csv = `${HEAD}\n${row(1, '12"骨科')}\n${row(2, 'a"b"')}\n`;
    const dept = csvToArrow(utf8(csv), 'lit.csv').table.getChild('department')!;
    expect([dept.get(0), dept.get(1)]).toEqual(['12"骨科', 'a"b"']);
  });

  it('legitimate quoted fields: separators, doubled quotes and newlines, in any chunking, positions exact', () => {
    const text = 'id,note,n\n1,"a,b ""c""\nsecond line, with, commas",2\n"3","",4\n';
    const expected = [['id', 'note', 'n'], ['1', 'a,b "c"\nsecond line, with, commas', '2'], ['3', '', '4']];
    for (const chunk of [1, 2, 3, 7, 1 << 20]) {
      const r = tokenize(text, chunk, 10);
      expect([r.ok, r.records]).toEqual([true, expected]);
    }
    // With a header of 3 fields, the note's line "second line, with, commas" reads as a whole record.
    expect(tokenize(text, 5, 3).t.problem).toMatchObject({ code: 'csv.quoted_records', line: 2, position: 3, field: 2 });
    const bad = tokenize('id,note\n1,"ab"c\n', 1);
    expect(bad.t.problem).toMatchObject({ code: 'csv.text_after_quote', line: 2, position: 3, field: 2 });
  });

  it('a case file with a quoted multi-line note imports every row', () => {
    const csv = `${HEAD},备注\n${row(1)},"第一行,有逗号\n第二行"\n${row(2)},\n`;
    const { table } = csvToArrow(utf8(csv), 'note.csv');
    expect(table.numRows).toBe(2);
    expect(table.getChild('total_cost')!.get(1)).toBe(1002);
  });

  it('the benchmark reader names the stray quote too', () => {
    const [e] = errorsOf(() => parseBenchmarkCsv('drg,平均住院日,例均费用\nAA1,"5x"y,100\n', 'bench.csv'));
    expect(e).toMatchObject({ code: 'csv.text_after_quote', params: { line: 2, position: 5, field: 2 } });
  });
});

describe('issue 19 §2: the encoding is decided on the whole file', () => {
  /** 1,000 ASCII rows, then rows whose department and insurance type are GBK Chinese. */
  function lateGbk(): Uint8Array {
    const head = utf8(`${HEAD},医保类型\n`.replace('医保类型', 'insurance_type'));
    const parts: number[] = [...head];
    for (let i = 1; i <= 1_000; i++) parts.push(...utf8(`${row(i, 'Department-of-surgery-01')},X\n`));
    for (let i = 1_001; i <= 1_010; i++) {
      const [a, b] = i % 2 ? ['骨科', '职工'] : ['儿科', '职工'];
      parts.push(...utf8(`C${i},H1,`), ...GBK[a], ...utf8(',2024-01-01,2024-01-03,40,1,1,K80.1,100,'), ...GBK[b], 0x0a);
    }
    return Uint8Array.from(parts);
  }

  it('the issue: GBK Chinese after 1,000 ASCII rows (past 64 KB) is read as GB18030, not U+FFFD', () => {
    const bytes = lateGbk();
    expect(bytes.length).toBeGreaterThan(65_536);
    const { table, encoding } = csvToArrow(bytes, 'late-gbk.csv');
    expect(encoding).toBe('gb18030');
    expect(table.numRows).toBe(1_010);
    const dept = table.getChild('department')!;
    expect([dept.get(999), dept.get(1_000), dept.get(1_001)]).toEqual(['Department-of-surgery-01', '骨科', '儿科']);
    expect(table.getChild('insurance_type')!.get(1_009)).toBe('职工');
    expect(detectEncoding(bytes)).toBe('gb18030');
    expect(decodeText(bytes).text).toContain('C1010,H1,儿科,');
  });

  it('the same GBK rows after more than one 4 MiB read chunk of ASCII', () => {
    const head = utf8(`${HEAD},insurance_type\n`);
    const filler = utf8(`${rows(80_000).join('\n')}\n`); // no insurance column on these rows: read as empty
    const late = lateGbk().subarray(head.length);
    const big = new Uint8Array(head.length + filler.length + late.length);
    big.set(head);
    big.set(filler, head.length);
    big.set(late, head.length + filler.length);
    expect(head.length + filler.length).toBeGreaterThan(4 << 20);
    const { table, encoding } = csvToArrow(big, 'later-gbk.csv');
    expect(encoding).toBe('gb18030');
    expect(table.numRows).toBe(81_010);
    expect(table.getChild('department')!.get(81_000)).toBe('骨科');
    expect(table.getChild('insurance_type')!.get(81_009)).toBe('职工');
  });

  it('UTF-8 with and without BOM stays UTF-8; a UTF-8 BOM with invalid bytes is refused, not re-read as GBK', () => {
    const csv = `${HEAD}\n${row(1, '骨科')}\n`;
    expect(csvToArrow(utf8(csv), 'u.csv').table.getChild('department')!.get(0)).toBe('骨科');
    const withBom = csvToArrow(utf8(`\ufeff${csv}`), 'b.csv');
    expect([withBom.encoding, withBom.table.getChild('case_id')!.get(0)]).toEqual(['utf-8', 'C1']);
    const broken = Uint8Array.from([...utf8(`\ufeff${HEAD}\n${row(1)}\n`), ...utf8('C2,H1,'), 0xb9, 0xc7, 0x0a]);
    const [e] = errorsOf(() => csvToArrow(broken, 'bom.csv'));
    expect(e).toMatchObject({ code: 'csv.bad_encoding', params: { file: 'bom.csv', line: 3 } });
  });

  it('UTF-16 (with BOM, or without: NUL bytes) is refused with "save as UTF-8"', () => {
    const le = Uint8Array.from([0xff, 0xfe, 0x61, 0x00, 0x2c, 0x00]);
    expect(errorsOf(() => csvToArrow(le, 'w.csv'))[0]).toMatchObject({ code: 'csv.utf16', params: { file: 'w.csv' } });
    expect(errorsOf(() => csvToArrow(Uint8Array.from([0xfe, 0xff, 0x00, 0x61]), 'w.csv'))[0].code).toBe('csv.utf16');
    const [e] = errorsOf(() => csvToArrow(Uint8Array.from([0x61, 0x00, 0x2c, 0x00]), 'nul.csv'));
    expect(e).toMatchObject({ code: 'csv.binary', params: { byte: 2 } });
    expect(e.message).toMatch(/UTF-8/);
  });

  it('a file that is neither UTF-8 nor GB18030 says so, naming its line', () => {
    // 0xFF is never valid in GB18030, nor in UTF-8.
    const bytes = Uint8Array.from([...utf8(`${HEAD}\n${row(1)}\nC2,`), 0xff, ...utf8(',x\n')]);
    const [e] = errorsOf(() => csvToArrow(bytes, 'junk.csv'));
    expect(e).toMatchObject({ code: 'csv.bad_encoding', params: { file: 'junk.csv', line: 3, byte: bytes.indexOf(0xff) + 1 } });
    expect(errorsOf(() => decodeText(bytes, 'junk.csv'))[0].code).toBe('csv.bad_encoding');
  });
});
