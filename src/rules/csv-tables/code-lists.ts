// The named code lists the CSV tables build (`HS2.dx`, `HC2.proc#A`, `MDCH.site:头`, …) for the
// ruleset's `lists`. Insertion order is kept: it is the order the ruleset document writes them in.
export class CodeLists {
  readonly lists: Record<string, string[]> = {};

  /** Adds a code to a list (created on first use); a code already there, in any case, is skipped. */
  add(name: string, code: string): void {
    const l = (this.lists[name] ??= []);
    if (!l.some((c) => c.toUpperCase() === code.toUpperCase())) l.push(code);
  }

  get(name: string): string[] | undefined {
    return this.lists[name];
  }

  set(name: string, codes: string[]): void {
    this.lists[name] = codes;
  }
}
