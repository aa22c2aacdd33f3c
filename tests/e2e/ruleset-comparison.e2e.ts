// Region at a glance (issue 12): with the demo loaded, a second version of the demo ruleset is imported (FV21 split
// made unreachable in practice, FV25 reweighted) and compared with the built-in one. A person sees the changed
// weight, as many changed cases as the Node engine counts for the same rulesets and cases, and the transition.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createNodeEngine } from '../../src/engine/node/engine-node.ts';
import { ROOT } from '../../src/engine/node/wasm-build.ts';
import type { Ruleset } from '../../src/rules/ruleset-format.ts';
import { demoLoaded, launch, openPage } from './browser.ts';

const baseUrl = inject('baseUrl');
let browser: Browser;

const DEMO_TEXT = readFileSync(join(ROOT, 'public', 'demo', 'ruleset.json'), 'utf8');
/** FV21 now needs an MCC and an age no case has, so its cases fall to FV23 (MCC or CC); FV25 weighs 0.5 more. */
function modifiedDemo(): { ruleset: Ruleset; oldWeight: number; newWeight: number } {
  const r = JSON.parse(DEMO_TEXT) as Ruleset;
  r.meta.name = '演示规则修改版 Modified demo';
  r.meta.version = '2025.2-test';
  r.adrgs.find((a) => a.code === 'FV2')!.splits[0]!.when = { and: [{ has_mcc: true }, { cmp: ['age_years', '>=', 200] }] };
  const fv25 = r.drgs.find((d) => d.code === 'FV25')!;
  const oldWeight = fv25.weight!;
  fv25.weight = Math.round((oldWeight + 0.5) * 1e4) / 1e4;
  return { ruleset: r, oldWeight, newWeight: fv25.weight };
}

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('Ruleset comparison on the Grouping page', () => {
  it('lists the changed weight and split, counts the cases that change DRG as the Node engine does, and exports', async () => {
    const { ruleset, oldWeight, newWeight } = modifiedDemo();
    const text = JSON.stringify(ruleset);
    const file = join(mkdtempSync(join(tmpdir(), 'casemix-compare-')), 'demo-modified.json');
    writeFileSync(file, text);

    // What the engine under Node says for the same two rulesets and the demo cases.
    const node = await createNodeEngine();
    expect(node.loadRulesetText(DEMO_TEXT, 'demo/ruleset.json').ok).toBe(true);
    expect(node.loadCases(readFileSync(join(ROOT, 'public', 'demo', 'cases.arrow')), 'demo/cases.arrow').ok).toBe(true);
    const expected = node.compareRulesets({ text: DEMO_TEXT, file: 'demo/ruleset.json' }, { text, file: 'demo-modified.json' });
    if (!expected.ok) throw new Error(JSON.stringify(expected.errors));
    const g = expected.value.regrouping!;
    const summary = node.groupingSummary();
    const fv21Cases = summary.ok ? summary.value.drgs.cases[summary.value.drgs.codes.indexOf('FV21')]! : -1;
    // Hand check: every FV21 case, and only those, moves, and all to FV23.
    expect(g.changedCases).toBe(fv21Cases);
    expect(g.changedCases).toBeGreaterThan(0);
    expect([g.transitions.from[0], g.transitions.to[0], g.transitions.cases.length]).toEqual(['FV21', 'FV23', 1]);

    const { page, requests, pageErrors } = await openPage(browser, baseUrl);
    await demoLoaded(page);
    await page.locator('nav a', { hasText: '分组' }).click();
    await page.locator('[data-testid=ruleset-input]').setInputFiles(file);
    await expect.poll(() => page.locator('[data-testid=library-row]').count()).toBe(1);
    await expect.poll(() => page.locator('[data-testid=ruleset-name]').innerText()).toContain('演示规则修改版');

    const panel = page.locator('[data-testid=ruleset-comparison]');
    expect(await panel.locator('[data-testid=comparison-from] option:checked').innerText()).toContain('病组工作台教学规则集（内置）');
    expect(await panel.locator('[data-testid=comparison-to] option:checked').innerText()).toContain('演示规则修改版');
    await panel.locator('[data-testid=comparison-run]').click();
    await expect.poll(() => panel.locator('[data-testid=comparison-changed]').innerText(), { timeout: 30_000 })
      .toBe(g.changedCases.toLocaleString('zh-CN'));
    expect(await panel.locator('[data-testid=comparison-share]').innerText()).toBe(`${((g.changedCases / 100_000) * 100).toFixed(2)}%`);
    expect(await panel.locator('[data-testid=comparison-counts]').innerText()).toMatch(/细分组变化：1[\s\S]*权重变化：1/);
    expect(await panel.locator('[data-testid=comparison-weight]').innerText()).toBe(
      `FV25 ${ruleset.drgs.find((d) => d.code === 'FV25')!.name}：${oldWeight.toFixed(4)} → ${newWeight.toFixed(4)}`);
    expect(await panel.locator('[data-testid=comparison-diff]').innerText()).toContain('FV21');

    const rows = await panel.locator('[data-testid=comparison-transitions] tbody tr').allInnerTexts();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(new RegExp(`^FV21 .+\\tFV23 .+\\t${g.changedCases}\\t100\\.00%$`));

    // The ruleset in use and its grouping stay: the page still shows the modified one in use.
    expect(await page.locator('[data-testid=ruleset-name]').innerText()).toContain('演示规则修改版');

    const [download] = await Promise.all([page.waitForEvent('download'), panel.locator('[data-testid=export-comparison-transitions-csv]').click()]);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv).toContain('from_drg,from_name,to_drg,to_name,cases');
    expect(csv).toMatch(new RegExp(`\\r\\nFV21,[^,]+,FV23,[^,]+,${g.changedCases}\\r\\n`));

    await page.locator('[data-testid=lang-toggle]').click();
    expect(await panel.locator('[data-testid=comparison-counts]').innerText()).toContain('Weights changed: 1');

    const origin = new URL(baseUrl).origin;
    expect(requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
