// Problems and warnings of one CSV-table import, each pointing at a file, a line and a column header.
// Collected, never thrown: the importer reports every problem it finds and refuses the ruleset whole.
import type { Problem } from '../ruleset-format.ts';

/** Where a problem is: the file (`table`), its line (`row`) and the header as written (`field`). */
export const placeAt = (table: string, row?: number | string, field?: string): Problem['where'] =>
  ({ table, ...(row !== undefined ? { row } : {}), ...(field !== undefined ? { field } : {}) });

export class ProblemLog {
  readonly problems: Problem[] = [];
  /** Things the importer did that the analyst should know (ignored columns, derived lists). */
  readonly warnings: Problem[] = [];

  problem(code: string, message: string, table: string, row?: number | string, field?: string): void {
    this.problems.push({ code, message, where: placeAt(table, row, field) });
  }

  warn(code: string, message: string, table: string, row?: number | string, field?: string): void {
    this.warnings.push({ code, message, where: placeAt(table, row, field) });
  }
}
