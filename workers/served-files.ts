// Files this site serves (the demo cases and ruleset), fetched by the worker and loaded straight into the
// engine without passing through the page. With ifNoneLoaded, what the user loaded meanwhile wins.
import type { EngineApi } from '../src/engine/engine-api.ts';
import type { CaseFileInfo, RulesetInfo } from '../src/engine/engine.ts';
import type { Result } from '../src/shared/errors.ts';

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response;
}

function readFailure(file: string, e: unknown): Result<never> {
  const detail = e instanceof Error ? e.message : String(e);
  return { ok: false, errors: [{ code: 'file.read', message: `${file}: ${detail}`, params: { file, detail }, where: { file } }] };
}

export function servedFiles(ready: () => Promise<EngineApi>) {
  return {
    /** Fetches and loads a case file; with ifNoneLoaded, one the user loaded meanwhile stays (value null). */
    async loadCasesFromUrl(url: string, file: string, ifNoneLoaded = false): Promise<Result<CaseFileInfo | null>> {
      try {
        const bytes = new Uint8Array(await (await fetchOk(url)).arrayBuffer());
        const engine = await ready();
        if (ifNoneLoaded && engine.caseFileInfo()) return { ok: true, value: null };
        return engine.loadCases(bytes, file);
      } catch (e) {
        return readFailure(file, e);
      }
    },

    /** Fetches and loads a ruleset file; with ifNoneLoaded, one the user loaded meanwhile stays (value null). */
    async loadRulesetFromUrl(url: string, file: string, ifNoneLoaded = false): Promise<Result<RulesetInfo | null>> {
      try {
        const text = await (await fetchOk(url)).text();
        const engine = await ready();
        if (ifNoneLoaded && engine.rulesetInfo()) return { ok: true, value: null };
        return engine.loadRulesetText(text, file);
      } catch (e) {
        return readFailure(file, e);
      }
    },
  };
}
