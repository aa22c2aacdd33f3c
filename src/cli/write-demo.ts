// Writes the built-in demo files: public/demo/ruleset.json and cases.arrow (deterministic: same bytes).
// Run by `npm run demo`, and by `npm run build`/`dev` when a file is missing.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { demoArrowBytes } from '../data/demo-cases.ts';
import { ROOT } from '../engine/node/wasm-build.ts';
import { DEMO_RULESET_FILE, writeDemoRuleset } from '../rules/demo/write-demo-ruleset.ts';

export const DEMO_FILE = join(ROOT, 'public', 'demo', 'cases.arrow');
export const DEMO_OPTIONS = { cases: 20_000, seed: 20_240_101 };

export function writeDemo(force: boolean): boolean {
  if (force || !existsSync(DEMO_RULESET_FILE)) writeDemoRuleset();
  if (!force && existsSync(DEMO_FILE)) return false;
  mkdirSync(dirname(DEMO_FILE), { recursive: true });
  writeFileSync(DEMO_FILE, demoArrowBytes(DEMO_OPTIONS));
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const wrote = writeDemo(process.argv.includes('--force'));
  console.log(wrote ? `wrote ${DEMO_FILE}` : `${DEMO_FILE} exists (use --force to rewrite)`);
}
