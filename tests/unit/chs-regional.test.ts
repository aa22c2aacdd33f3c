// Every regional CHS-DRG rule set of ../shared/reference/regional (national 1.0 and local versions) imports
// and groups its 3,000 reference cases exactly, through the engine from cases.csv, in Wasm and in the reference.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.ts';
import { createNodeEngine } from '../../src/engine/node/engine-node.ts';
import { loadCaseStore } from '../../src/engine/case-loading.ts';
import { releaseCaseStore } from '../../src/engine/case-store.ts';
import { encodeCases } from '../../src/engine/drg-grouping.ts';
import { drgCodesOf, explainDrg, groupDrg, type DrgOutput } from '../../src/engine/reference/drg-grouper.ts';
import { importChsRules } from '../../src/rules/import-chs.ts';
import type { CompiledRuleset } from '../../src/rules/ruleset-compile.ts';
import type { CaseColumns } from '../../src/rules/case-encoding.ts';
import { REFERENCE_REQUIRED, REGIONAL_MISSING_MESSAGE, readChsExpected, regionalReferenceDirs, requireReference } from './chs-reference-data.ts';

const folders = regionalReferenceDirs();
if (!folders.length && !REFERENCE_REQUIRED) console.warn(REGIONAL_MISSING_MESSAGE);

let engine: Engine;
beforeAll(async () => {
  engine = await createNodeEngine();
});

/** MDC, ADRG (QY for an ambiguity group, as the reference prints it) and DRG of case i. */
function codesAt(compiled: CompiledRuleset, out: DrgOutput, i: number): { mdc: string; adrg: string; drg: string } {
  const c = drgCodesOf(compiled, out, i);
  return { ...c, adrg: compiled.tables.drgAdrg[out.drg[i]!] !== undefined && out.drg[i]! >= 0 && compiled.tables.drgAmbiguous[out.drg[i]!] ? 'QY' : c.adrg };
}

/** Cases through the engine's own path (CSV → case store → ruleset ids), grouped by the engine (Wasm) and by the reference. */
function groupBoth(dir: string): { compiled: CompiledRuleset; wasm: DrgOutput; ref: DrgOutput; cols: CaseColumns; caseIds: string[] } {
  const loaded = engine.loadRulesetText(readFileSync(join(dir, 'rules.json'), 'utf8'), 'rules.json');
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors.slice(0, 5)));
  const bytes = readFileSync(join(dir, 'cases.csv'));
  const cases = engine.loadCases(bytes, 'cases.csv');
  if (!cases.ok) throw new Error(JSON.stringify(cases.errors.slice(0, 5)));
  const { compiled, out: wasm } = engine.groupingOutput();
  const store = loadCaseStore(engine.core, bytes, 'cases.csv');
  try {
    const cols = encodeCases(engine.core, compiled, store.codes, store.numbers);
    const ids = store.quality.caseIds;
    const caseIds = Array.from(ids.ids, (id) => ids.labels[id]!);
    return { compiled, wasm, ref: groupDrg(compiled, cols), cols, caseIds };
  } finally {
    releaseCaseStore(engine.core, store);
  }
}

describe.skipIf(!folders.length && !REFERENCE_REQUIRED)('regional CHS-DRG rule sets (../shared/reference/regional)', () => {
  it('the nine regional folders are present (required under CI)', () => {
    requireReference(folders.length ? 'regional' : null, '../shared/reference/regional');
    expect(folders.map((f) => f.name)).toEqual([
      'anyang_2021', 'changzhou_2022', 'chs_drg_10', 'guangxi_2022', 'handan_2022', 'hefei_2023', 'qingdao_2023', 'wlmq_2022', 'zhejiang_2022',
    ]);
  });

  for (const { name, dir } of folders) {
    it(`§2 ${name}: imports, and groups every reference case to the expected MDC, ADRG and DRG in Wasm and in the reference (100 %)`, () => {
      const imported = importChsRules(JSON.parse(readFileSync(join(dir, 'rules.json'), 'utf8')));
      expect(imported.problems).toEqual([]);
      const { compiled, wasm, ref, caseIds } = groupBoth(dir);
      const expected = readChsExpected(dir);
      expect(caseIds.length).toBeGreaterThan(2900);
      const wrong: string[] = [];
      let agree = 0;
      caseIds.forEach((id, i) => {
        const exp = expected.get(id);
        const w = codesAt(compiled, wasm, i);
        const r = codesAt(compiled, ref, i);
        if (exp && JSON.stringify(w) === JSON.stringify(exp) && JSON.stringify(r) === JSON.stringify(exp)) agree++;
        else wrong.push(`${id}: wasm ${JSON.stringify(w)} ref ${JSON.stringify(r)} expected ${JSON.stringify(exp)}`);
      });
      expect(wrong.slice(0, 5)).toEqual([]);
      expect(agree).toBe(caseIds.length);
      console.info(`${name}: ${agree}/${caseIds.length} agree in Wasm and reference; ${imported.warnings.length} warning(s)`);
    });
  }

  it('§2.7 explain agrees with the grouper on every 25th case of every folder', () => {
    for (const { dir } of folders) {
      const { compiled, ref, cols } = groupBoth(dir);
      for (let i = 0; i < cols.n; i += 25) {
        const ex = explainDrg(compiled, i, cols);
        expect({ mdc: ex.mdc, adrg: ex.adrg, drg: ex.drg }).toEqual(drgCodesOf(compiled, ref, i));
      }
    }
  });
});
