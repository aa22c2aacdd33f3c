// This browser's ruleset library: a ruleset file that loads into the engine is kept in IndexedDB
// (ruleset-store.ts), so a region's tables are imported once; kept ones are listed, loaded again, deleted.
import type { EngineApi } from '../src/engine/engine-api.ts';
import type { RulesetInfo } from '../src/engine/engine.ts';
import type { Result } from '../src/shared/errors.ts';
import { deleteRuleset, isRulesetStoreAvailable, listRulesets, rulesetText, saveRuleset, type StoredRuleset } from './ruleset-store.ts';

/** A loaded ruleset and, when it was kept, its id in the library. */
export type LibraryRulesetInfo = RulesetInfo & { storedId?: number };

/** Loads a ruleset's text and, when it loaded, keeps it in the library as the file `keptAs` names. */
export async function loadAndKeep(engine: EngineApi, text: string, file: string, keptAs: (info: RulesetInfo) => string): Promise<Result<LibraryRulesetInfo>> {
  const result = engine.loadRulesetText(text, file);
  if (!result.ok || !isRulesetStoreAvailable()) return result;
  try {
    const stored = await saveRuleset(result.value, keptAs(result.value), text);
    return { ok: true, value: { ...result.value, storedId: stored.id } };
  } catch {
    return result; // private mode or quota: the ruleset is loaded, just not kept
  }
}

export function rulesetLibrary(ready: () => Promise<EngineApi>) {
  return {
    /** Loads a ruleset file (casemix-ruleset/1, or the CHS-DRG reference layout) whose bytes were transferred, and keeps it. */
    async loadRuleset(buffer: ArrayBuffer, file: string): Promise<Result<LibraryRulesetInfo>> {
      const text = new TextDecoder().decode(buffer);
      return loadAndKeep(await ready(), text, file, () => file);
    },

    async storedRulesets(): Promise<StoredRuleset[]> {
      return isRulesetStoreAvailable() ? listRulesets() : [];
    },

    /** Loads a ruleset kept in the library. */
    async useStoredRuleset(id: number): Promise<Result<LibraryRulesetInfo>> {
      const text = await rulesetText(id);
      if (text === null) return { ok: false, errors: [{ code: 'ruleset.not_stored', message: `No stored ruleset ${id}`, params: { id } }] };
      const stored = (await listRulesets()).find((r) => r.id === id);
      const result = (await ready()).loadRulesetText(text, stored?.file ?? `ruleset-${id}.json`);
      return result.ok ? { ok: true, value: { ...result.value, storedId: id } } : result;
    },

    /** Deletes a kept ruleset; the library as it is afterwards. */
    async deleteStoredRuleset(id: number): Promise<StoredRuleset[]> {
      await deleteRuleset(id);
      return listRulesets();
    },
  };
}
