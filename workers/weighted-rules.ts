// A rules file dropped together with a weight table (rules.json + weights.csv): the rules are read (the CHS-DRG
// reference layout imported first), the weights applied, and the result loaded and kept like any ruleset file.
import type { EngineApi } from '../src/engine/engine-api.ts';
import { problemError, rulesetDocument } from '../src/engine/ruleset-loading.ts';
import type { Ruleset } from '../src/rules/ruleset-format.ts';
import { validateRuleset } from '../src/rules/ruleset-validate.ts';
import { addWeightTable, type WeightReport } from '../src/rules/weight-table.ts';
import type { Result } from '../src/shared/errors.ts';
import { loadAndKeep, type LibraryRulesetInfo } from './ruleset-library.ts';

/** The loaded ruleset and what the weight table did to it. */
export type WeightedRulesetInfo = LibraryRulesetInfo & { weights: WeightReport };

/** The rules file's text as a casemix-ruleset/1 document (CHS layout imported), or every problem it has. */
function rulesDocument(text: string, file: string): Result<Ruleset> {
  const doc = rulesetDocument(text, file);
  if (!doc.ok) return doc;
  // The weights are applied to the document's DRG table, so it must be a valid document first.
  const problems = validateRuleset(doc.value.json);
  return problems.length ? { ok: false, errors: problems.map((p) => problemError(file, p)) } : { ok: true, value: doc.value.json as Ruleset };
}

export function weightedRules(ready: () => Promise<EngineApi>) {
  return {
    /** Loads a rules file with a weight table added (both files' bytes transferred); refused whole on any problem. */
    async loadRulesetWithWeights(rules: { name: string; buffer: ArrayBuffer }, weights: { name: string; buffer: ArrayBuffer }): Promise<Result<WeightedRulesetInfo>> {
      const doc = rulesDocument(new TextDecoder().decode(rules.buffer), rules.name);
      if (!doc.ok) return doc;
      const added = addWeightTable(doc.value, { name: weights.name, bytes: new Uint8Array(weights.buffer) });
      if (!added.ruleset || !added.report) return { ok: false, errors: added.problems.map((p) => problemError(weights.name, p)) };
      const loaded = await loadAndKeep(await ready(), JSON.stringify(added.ruleset), `${rules.name} + ${weights.name}`, (info) => `${info.name}.json`);
      return loaded.ok ? { ok: true, value: { ...loaded.value, weights: added.report } } : loaded;
    },
  };
}
