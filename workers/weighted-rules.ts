// A rules file dropped together with a weight table (rules.json + weights.csv): the rules are read (the CHS-DRG
// reference layout imported first), the weights applied, and the result loaded and kept like any ruleset file.
import type { EngineApi } from '../src/engine/engine-api.ts';
import { problemError } from '../src/engine/ruleset-loading.ts';
import { importChsRules } from '../src/rules/import-chs.ts';
import type { Ruleset } from '../src/rules/ruleset-format.ts';
import { validateRuleset } from '../src/rules/ruleset-validate.ts';
import { addWeightTable, type WeightReport } from '../src/rules/weight-table.ts';
import type { Result } from '../src/shared/errors.ts';
import { loadAndKeep, type LibraryRulesetInfo } from './ruleset-library.ts';

/** The loaded ruleset and what the weight table did to it. */
export type WeightedRulesetInfo = LibraryRulesetInfo & { weights: WeightReport };

/** The parsed rules file as a casemix-ruleset/1 document, or every problem it has (nothing is loaded then). */
function rulesDocument(json: unknown, file: string): Result<Ruleset> {
  const chsLayout = typeof json === 'object' && json !== null && !('format' in json) && 'mdc_order' in json && 'adrgs' in json;
  if (chsLayout) {
    const imported = importChsRules(json as never, { name: file.replace(/\.json$/i, '') });
    return imported.ruleset ? { ok: true, value: imported.ruleset } : { ok: false, errors: imported.problems.map((p) => problemError(file, p)) };
  }
  // The weights are applied to the document's DRG table, so it must be a valid document first.
  const problems = validateRuleset(json);
  return problems.length ? { ok: false, errors: problems.map((p) => problemError(file, p)) } : { ok: true, value: json as Ruleset };
}

export function weightedRules(ready: () => Promise<EngineApi>) {
  return {
    /** Loads a rules file with a weight table added (both files' bytes transferred); refused whole on any problem. */
    async loadRulesetWithWeights(rules: { name: string; buffer: ArrayBuffer }, weights: { name: string; buffer: ArrayBuffer }): Promise<Result<WeightedRulesetInfo>> {
      const text = new TextDecoder().decode(rules.buffer);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        // The engine's own loader refuses it with the parser's message, and nothing changes.
        const refused = (await ready()).loadRulesetText(text, rules.name);
        if (!refused.ok) return refused;
      }
      const doc = rulesDocument(json, rules.name);
      if (!doc.ok) return doc;
      const added = addWeightTable(doc.value, { name: weights.name, bytes: new Uint8Array(weights.buffer) });
      if (!added.ruleset || !added.report) return { ok: false, errors: added.problems.map((p) => problemError(weights.name, p)) };
      const loaded = await loadAndKeep(await ready(), JSON.stringify(added.ruleset), `${rules.name} + ${weights.name}`, (info) => `${info.name}.json`);
      return loaded.ok ? { ok: true, value: { ...loaded.value, weights: added.report } } : loaded;
    },
  };
}
