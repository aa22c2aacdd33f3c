// The evaluation formula text (§5, §10), shared by the Evaluation page, which edits it, and the scenario, which
// saves and shares it with the pricing parameters. Kept in localStorage too, so a reload keeps it.
import { SEED_COMPOSITE } from '../scenario/composite-presets.ts';
import { readSetting, writeSetting } from '../shared/stored-setting.ts';

const FORMULAS_KEY = 'casemix.evaluation.formulas';

export const formulaStore = $state({ text: readSetting(FORMULAS_KEY) ?? SEED_COMPOSITE.text });

export function setFormulaText(text: string): void {
  formulaStore.text = text;
  writeSetting(FORMULAS_KEY, text);
}
