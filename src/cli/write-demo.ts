// Writes the built-in demo files: public/demo/ruleset.json and cases.arrow (deterministic: same bytes).
// Run by `npm run demo`, and by `npm run build`/`dev` when a file is missing.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from '../engine/node/wasm-build.ts';
import { DEMO_RULESET_FILE, writeDemoRuleset } from '../rules/demo/write-demo-ruleset.ts';
import { generateCommand } from './generate-command.ts';

export const DEMO_FILE = join(ROOT, 'public', 'demo', 'cases.arrow');
/** The same as `casemix generate --cases 100000 --seed 20240101 --hospitals 3 --years 2 --compact`. */
export const DEMO_OPTIONS = { cases: 100_000, seed: 20_240_101, hospitals: 3, years: 2, compact: true };

export async function writeDemo(force: boolean): Promise<boolean> {
  if (force || !existsSync(DEMO_RULESET_FILE)) writeDemoRuleset();
  if (!force && existsSync(DEMO_FILE)) return false;
  mkdirSync(dirname(DEMO_FILE), { recursive: true });
  await generateCommand({ ...DEMO_OPTIONS, out: DEMO_FILE, log: () => {} });
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const wrote = await writeDemo(process.argv.includes('--force'));
  console.log(wrote ? `wrote ${DEMO_FILE}` : `${DEMO_FILE} exists (use --force to rewrite)`);
}
