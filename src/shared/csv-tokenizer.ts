// A streaming RFC 4180 CSV tokenizer: quoted fields with delimiters, quotes and newlines inside.
// Fed text in chunks of any size; hands out one record (array of fields) at a time. Knows no schema.

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

  constructor(
    private readonly delimiter: string,
    private readonly onRecord: (fields: string[], line: number) => void,
  ) {}

  push(text: string): void {
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
      }
      if (this.inQuotes) {
        const q = text.indexOf('"', i);
        if (q < 0) {
          this.countLines(text, i, n);
          this.field += text.slice(i);
          return;
        }
        this.countLines(text, i, q);
        this.field += text.slice(i, q);
        if (q + 1 === n) { this.pendingQuote = true; return; }
        if (text[q + 1] === '"') { this.field += '"'; i = q + 2; } else { this.inQuotes = false; i = q + 1; }
        continue;
      }
      const c = text[i];
      if (this.afterCr) {
        this.afterCr = false;
        if (c === '\n') { i++; continue; }
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
      } else if (c === '"' && this.field === '') {
        this.inQuotes = true;
        i++;
      } else {
        // Plain run up to the next special character, appended in one slice.
        let j = i + 1;
        while (j < n) {
          const cj = text[j];
          if (cj === d || cj === '\n' || cj === '\r') break;
          j++;
        }
        this.field += text.slice(i, j);
        i = j;
      }
    }
  }

  /** Flushes the last record; returns false when the text ended inside a quoted field. */
  end(): boolean {
    if (this.pendingQuote) { this.pendingQuote = false; this.inQuotes = false; }
    const closed = !this.inQuotes;
    if (this.field !== '' || this.record.length > 0) this.endRecord();
    return closed;
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
    for (let k = text.indexOf('\n', from); k >= 0 && k < to; k = text.indexOf('\n', k + 1)) this.line++;
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
