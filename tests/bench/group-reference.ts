// Benchmark of the plain-TypeScript reference DRG grouper: cases.csv resampled to 1M cases, cases/s.
// Run with `npx tsx tests/bench/group-reference.ts [cases]`; reads ../shared/reference, never copies it.
import { performance } from 'node:perf_hooks';
import { CHS_MISSING_MESSAGE, chsReferenceDir, encodeChsRows, importChsReference, readChsCases } from '../unit/chs-reference-data.ts';
import { compileRuleset, compiledTableBytes } from '../../src/rules/ruleset-compile.ts';
import { allocDrgOutput, groupDrg } from '../../src/engine/reference/drg-grouper.ts';

const dir = chsReferenceDir();
if (!dir) {
  console.log(CHS_MISSING_MESSAGE);
  process.exit(0);
}
const n = Number(process.argv[2] ?? 1_000_000);
const ruleset = importChsReference(dir);
let t0 = performance.now();
const compiled = compileRuleset(ruleset);
const compileMs = performance.now() - t0;
const rows = readChsCases(dir);

// Deterministic resample (xorshift) so runs are comparable.
let seed = 0x2545f491;
const pick = new Int32Array(n);
for (let i = 0; i < n; i++) {
  seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
  pick[i] = (seed >>> 0) % rows.caseId.length;
}
t0 = performance.now();
const cols = encodeChsRows(compiled, rows, pick);
const encodeMs = performance.now() - t0;

const out = allocDrgOutput(n);
groupDrg(compiled, cols, out, 0, Math.min(n, 50_000)); // warm-up
const runs: number[] = [];
for (let r = 0; r < 3; r++) {
  t0 = performance.now();
  groupDrg(compiled, cols, out);
  runs.push(performance.now() - t0);
}
const best = Math.min(...runs);
let grouped = 0;
for (let i = 0; i < n; i++) if (out.drg[i]! >= 0) grouped++;
console.log(`ruleset ${compiled.meta.name}: compile ${compileMs.toFixed(0)} ms, tables ${(compiledTableBytes(compiled) / 1024).toFixed(0)} KiB`);
console.log(`cases ${n}: encode (copy of pre-encoded rows) ${encodeMs.toFixed(0)} ms; grouped ${grouped}`);
console.log(`reference grouper: best of 3 ${best.toFixed(0)} ms (${runs.map((x) => x.toFixed(0)).join(', ')}) → ${Math.round(n / (best / 1000)).toLocaleString('en')} cases/s`);
