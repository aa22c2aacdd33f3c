// Two rulesets compared in the worker: each is a library entry (IndexedDB) or a file this site serves (the demo);
// the texts are read here and handed to the engine's compareRulesets. The page never holds a ruleset's text.
import type { EngineApi } from '../src/engine/engine-api.ts';
import type { RulesetComparison, RulesetText } from '../src/engine/ruleset-comparison.ts';
import type { Result } from '../src/shared/errors.ts';
import { listRulesets, rulesetText } from './ruleset-store.ts';

/** A ruleset to compare: kept in the library by id, or served by this site at a same-origin URL. */
export type RulesetSource = { stored: number } | { url: string; file: string };

async function textOf(source: RulesetSource): Promise<Result<RulesetText>> {
  if ('url' in source) {
    try {
      const response = await fetch(source.url);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return { ok: true, value: { text: await response.text(), file: source.file } };
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      return { ok: false, errors: [{ code: 'file.read', message: `${source.file}: ${detail}`, params: { file: source.file, detail }, where: { file: source.file } }] };
    }
  }
  const id = source.stored;
  const text = await rulesetText(id);
  if (text === null) return { ok: false, errors: [{ code: 'ruleset.not_stored', message: `No stored ruleset ${id}`, params: { id } }] };
  const stored = (await listRulesets()).find((r) => r.id === id);
  return { ok: true, value: { text, file: stored?.file ?? `ruleset-${id}.json` } };
}

export function rulesetComparison(ready: () => Promise<EngineApi>) {
  return {
    /** What differs from `a` to `b`, and the loaded cases regrouped under both (the loaded ruleset stays). */
    async compareStoredRulesets(a: RulesetSource, b: RulesetSource): Promise<Result<RulesetComparison>> {
      const [ta, tb] = await Promise.all([textOf(a), textOf(b)]);
      if (!ta.ok) return ta;
      if (!tb.ok) return tb;
      return (await ready()).compareRulesets(ta.value, tb.value);
    },
  };
}
