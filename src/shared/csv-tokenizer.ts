// A streaming RFC 4180 CSV tokenizer: quoted fields with delimiters, quotes and newlines inside.
// Fed text in chunks of any size; hands out one record at a time. Knows no schema; never merges rows silently.

/** Longest field accepted, in characters: a longer one is almost always a stray quote swallowing rows. */
export const MAX_FIELD_CHARS = 65_536;

/** A reason the text is not CSV, with where the offending quote or field opened (1-based). */
export interface CsvSyntaxProblem {
  code: 'csv.unclosed_quote' | 'csv.text_after_quote' | 'csv.field_too_long' | 'csv.quoted_records';
  /** Physical line and character position where the quote (or the field) opened. */
  line: number;
  position: number;
  /** Field number within its record. */
  field: number;
  message: string;
}

export class CsvTokenizer {
  private field = '';
  private record: string[] = [];
  private inQuotes = false;
  /** The previous chunk ended on a quote inside a quoted field: escape or closing quote, undecided. */
  private pendingQuote = false;
  private afterCr = false;
  private started = false;
  /** 1-based physical line where the current record starts (for messages). */
  recordLine = 1;
  private line = 1;
  /** Offsets in the whole text: of the current chunk's start and of the current line's start. */
  private offset = 0;
  private lineStart = 0;
  private openLine = 0;
  private openPosition = 0;
  /** Fields per record (the header's), set by a caller that knows it: a quoted field holding a line with as
   * many separators is whole records swallowed by a stray quote, not a value. 0 = no such check. */
  recordWidth = 0;
  /** The first syntax problem; once set, the rest of the text is ignored. */
  problem: CsvSyntaxProblem | null = null;

  constructor(
    private readonly delimiter: string,
    private readonly onRecord: (fields: string[], line: number) => void,
  ) {}

  push(text: string): void {
    if (this.problem) return;
    let i = 0;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) i = 1; // byte-order mark
    }
    const n = text.length;
    const d = this.delimiter;
    while (i < n) {
      if (this.pendingQuote) {
        this.pendingQuote = false;
        if (text[i] === '"') { this.field += '"'; i++; continue; }
        this.inQuotes = false;
        if (!this.closesCleanly(text[i])) return;
      }
      if (this.inQuotes) {
        const q = text.indexOf('"', i);
        if (q < 0) {
          this.countLines(text, i, n);
          this.field += text.slice(i);
          this.checkLength();
          this.offset += n;
          return;
        }
        this.countLines(text, i, q);
        this.field += text.slice(i, q);
        if (this.checkLength()) return;
        if (q + 1 === n) { this.pendingQuote = true; break; }
        if (text[q + 1] === '"') { this.field += '"'; i = q + 2; continue; }
        this.inQuotes = false;
        if (!this.closesCleanly(text[q + 1])) return;
        i = q + 1;
        continue;
      }
      const c = text[i];
      if (this.afterCr) {
        this.afterCr = false;
        if (c === '\n') { i++; this.lineStart = this.offset + i; continue; }
      }
      if (c === d) {
        this.record.push(this.field);
        this.field = '';
        i++;
      } else if (c === '\n' || c === '\r') {
        this.endRecord();
        this.line++;
        this.afterCr = c === '\r';
        i++;
        this.lineStart = this.offset + i;
      } else if (c === '"' && this.field === '') {
        // A quote opens a field only as its first character; elsewhere it is a literal character.
        this.inQuotes = true;
        this.openLine = this.line;
        this.openPosition = this.offset + i - this.lineStart + 1;
        i++;
      } else {
        // Plain run up to the next special character, appended in one slice.
        let j = i + 1;
        while (j < n) {
          const cj = text[j];
          if (cj === d || cj === '\n' || cj === '\r') break;
          j++;
        }
        if (this.field === '') { this.openLine = this.line; this.openPosition = this.offset + i - this.lineStart + 1; }
        this.field += text.slice(i, j);
        i = j;
        if (this.checkLength()) return;
      }
    }
    this.offset += n;
  }

  /** Flushes the last record; returns false when the text ended inside a quoted field or had a problem. */
  end(): boolean {
    if (this.problem) return false;
    if (this.pendingQuote) { this.pendingQuote = false; this.inQuotes = false; }
    if (this.inQuotes) {
      this.report('csv.unclosed_quote', 'a quote opens a field that is never closed');
      return false;
    }
    if (this.field !== '' || this.record.length > 0) this.endRecord();
    return true;
  }

  /** After a closing quote only a delimiter, a line end or the end of the text may follow. */
  private closesCleanly(next: string): boolean {
    if (next === this.delimiter || next === '\n' || next === '\r') {
      if (this.recordWidth < 3 || this.line === this.openLine || !this.holdsRecord()) return true;
      this.report('csv.quoted_records', `a quoted field runs to line ${this.line} and holds whole records (the opening quote is probably stray)`);
      return false;
    }
    this.report('csv.text_after_quote',
      `the quoted field closes on line ${this.line} and text follows the closing quote (write a quote inside a field as "")`);
    return false;
  }

  /** Whether a line inside the (multi-line) quoted field has a separator between every field of a record. */
  private holdsRecord(): boolean {
    for (const inner of this.field.split('\n')) {
      if (inner.split(this.delimiter).length >= this.recordWidth) return true;
    }
    return false;
  }

  private checkLength(): boolean {
    if (this.field.length <= MAX_FIELD_CHARS) return false;
    this.report('csv.field_too_long', `a field is longer than ${MAX_FIELD_CHARS} characters (often a stray quote)`);
    return true;
  }

  private report(code: CsvSyntaxProblem['code'], what: string): void {
    const field = this.record.length + 1;
    this.problem = { code, line: this.openLine, position: this.openPosition, field,
      message: `line ${this.openLine}, character ${this.openPosition} (field ${field}): ${what}` };
  }

  private endRecord(): void {
    this.record.push(this.field);
    this.field = '';
    const rec = this.record;
    this.record = [];
    // Skip blank lines (a single empty field).
    if (!(rec.length === 1 && rec[0] === '')) this.onRecord(rec, this.recordLine);
    this.recordLine = this.line + 1;
  }

  private countLines(text: string, from: number, to: number): void {
    for (let k = text.indexOf('\n', from); k >= 0 && k < to; k = text.indexOf('\n', k + 1)) {
      this.line++;
      this.lineStart = this.offset + k + 1;
    }
  }
}

/** Picks the delimiter that splits the header line into the most fields. */
export function sniffDelimiter(firstLine: string): string {
  let best = ',';
  let bestCount = 0;
  for (const d of [',', '\t', ';', '|']) {
    const count = firstLine.split(d).length;
    if (count > bestCount) { best = d; bestCount = count; }
  }
  return best;
}
