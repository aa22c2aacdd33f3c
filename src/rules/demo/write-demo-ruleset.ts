// Writes the built-in teaching ruleset to public/demo/ruleset.json (run with tsx; deterministic output).
// Refuses to write a ruleset that does not validate: a bad demo must fail the build, not the browser.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateRuleset } from '../ruleset-validate.ts';
import { buildDemoRuleset } from './build-demo-ruleset.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const DEMO_RULESET_FILE = join(ROOT, 'public', 'demo', 'ruleset.json');

/** Builds, validates and writes the demo ruleset; returns the file and its size in bytes. */
export function writeDemoRuleset(file: string = DEMO_RULESET_FILE): { file: string; bytes: number } {
  const ruleset = buildDemoRuleset();
  const problems = validateRuleset(ruleset);
  if (problems.length > 0) {
    const first = problems.slice(0, 5).map((p) => `${p.code} ${p.where.table}/${String(p.where.row ?? '')}/${p.where.field ?? ''}: ${p.message}`);
    throw new Error(`demo ruleset has ${problems.length} problem(s):\n${first.join('\n')}`);
  }
  const text = `${JSON.stringify(ruleset)}\n`;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return { file, bytes: Buffer.byteLength(text) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { file, bytes } = writeDemoRuleset();
  console.log(`wrote ${file} (${(bytes / 1024).toFixed(0)} KiB)`);
}
