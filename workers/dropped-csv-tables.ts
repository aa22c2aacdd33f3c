// Official tables saved as CSV (drg.csv, adrg.csv, …) and dropped together on the Grouping page: imported into
// one ruleset in the worker, loaded, and kept in the library like any ruleset file.
import type { EngineApi } from '../src/engine/engine-api.ts';
import { problemError } from '../src/engine/ruleset-loading.ts';
import { importCsvTables } from '../src/rules/import-csv-tables.ts';
import type { Result } from '../src/shared/errors.ts';
import { loadAndKeep, type LibraryRulesetInfo } from './ruleset-library.ts';

export function droppedCsvTables(ready: () => Promise<EngineApi>) {
  return {
    /** Builds a ruleset from the CSV tables whose bytes were transferred; refused whole, with every problem. */
    async loadRulesetCsv(files: { name: string; buffer: ArrayBuffer }[]): Promise<Result<LibraryRulesetInfo>> {
      const imported = importCsvTables(files.map((f) => ({ name: f.name, bytes: new Uint8Array(f.buffer) })));
      if (!imported.ruleset) return { ok: false, errors: imported.problems.map((p) => problemError(p.where.table, p)) };
      const label = files.map((f) => f.name).join(', ');
      return loadAndKeep(await ready(), JSON.stringify(imported.ruleset), label, (info) => `${info.name}.json`);
    },
  };
}
