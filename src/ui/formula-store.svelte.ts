// The evaluation formula text (§5, §10), shared by the Evaluation page, which edits it, and the scenario, which
// saves and shares it with the pricing parameters. Kept in localStorage too, so a reload keeps it.
import { SEED_COMPOSITE } from '../scenario/composite-presets.ts';

const FORMULAS_KEY = 'casemix.evaluation.formulas';

function storedFormulas(): string {
  try {
    return globalThis.localStorage?.getItem(FORMULAS_KEY) ?? SEED_COMPOSITE.text;
  } catch {
    return SEED_COMPOSITE.text;
  }
}

export const formulaStore = $state({ text: storedFormulas() });

export function setFormulaText(text: string): void {
  formulaStore.text = text;
  try {
    globalThis.localStorage?.setItem(FORMULAS_KEY, text);
  } catch {
    /* private mode: the text lasts for this page only */
  }
}
