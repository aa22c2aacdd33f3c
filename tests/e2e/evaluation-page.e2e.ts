// The Evaluation page (issue #6, domain §5, §10) as a quality manager uses it: the demo's hospitals ranked with
// the CMI the Node engine computes, drill-down to departments, a formula with an error that keeps the last
// table, a division by zero shown as n/a (never NaN), year-on-year, export, and the English headers.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launch, openPage } from './browser.ts';
import { ROOT } from '../../src/engine/node/wasm-build.ts';
import { createNodeEngine } from '../../src/engine/node/engine-node.ts';
import type { EvaluationTable } from '../../src/engine/engine-evaluation.ts';
import { formatWeight } from '../../src/i18n/number-format.ts';

const baseUrl = inject('baseUrl');
let browser: Browser;
let hospitals: EvaluationTable;
let departmentsOf: (hospital: string) => string[];

beforeAll(async () => {
  browser = await launch();
  const engine = await createNodeEngine();
  const ruleset = engine.loadRulesetText(readFileSync(join(ROOT, 'public', 'demo', 'ruleset.json'), 'utf8'), 'ruleset.json');
  const cases = engine.loadCases(new Uint8Array(readFileSync(join(ROOT, 'public', 'demo', 'cases.arrow'))), 'cases.arrow');
  if (!ruleset.ok || !cases.ok) throw new Error('the demo did not load under Node');
  const table = engine.evaluate({ level: 'hospital', period: 'all' });
  if (!table.ok) throw new Error(table.errors.map((e) => e.message).join('; '));
  hospitals = table.value;
  departmentsOf = (hospital) => {
    const d = engine.evaluate({ level: 'department', period: 'all', parent: { hospital } });
    if (!d.ok) throw new Error(d.errors.map((e) => e.message).join('; '));
    return [...d.value.unit].sort();
  };
});
afterAll(async () => {
  await browser?.close();
});

const rows = (page: Page) => page.locator('[data-testid=evaluation-table] tbody tr[data-testid=evaluation-row]');

async function openEvaluation(locale?: string): Promise<{ page: Page; pageErrors: string[] }> {
  const { page, pageErrors } = await openPage(browser, `${baseUrl}#/evaluation`, locale);
  await expect.poll(() => rows(page).count(), { timeout: 40_000 }).toBe(3);
  return { page, pageErrors };
}

describe('Evaluation page', () => {
  it('ranks the demo’s 3 hospitals with the CMI the Node engine computes, 4 places', async () => {
    const { page, pageErrors } = await openEvaluation();
    expect(hospitals.rows).toBe(3);
    const cmi = hospitals.indicators.find((c) => c.name === 'CMI')!;
    for (let r = 0; r < hospitals.rows; r++) {
      const row = page.locator(`[data-testid=evaluation-row][data-unit="${hospitals.unit[r]}"]`);
      expect(await row.locator('td[data-column=CMI]').innerText()).toBe(formatWeight(cmi.values[r]!, 'zh-CN'));
    }
    // Default order: the composite score, highest first, ranked 1, 2, 3.
    const scores = (await page.locator('[data-testid=composite-cell]').allInnerTexts()).map((s) => Number(s.replace(/,/g, '')));
    expect(scores).toHaveLength(3);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect((await rows(page).locator('td:first-child').allInnerTexts()).map((s) => s.trim())).toEqual(['1', '2', '3']);
    expect(await page.locator('[data-testid=evaluation-table] thead').innerText()).toMatch(/入组率[\s\S]*CMI[\s\S]*时间消耗指数[\s\S]*费用消耗指数[\s\S]*低风险组死亡率[\s\S]*综合得分/);
    expect(await page.locator('[data-testid=evaluation-scatter] svg circle').count()).toBe(3);
    expect(await page.locator('[data-testid=reference-panel]').innerText()).toContain('低风险');
    expect(pageErrors).toEqual([]);
  });

  it('drills down from a hospital to its departments and back up through the breadcrumbs', async () => {
    const { page } = await openEvaluation();
    const first = hospitals.unit[0]!;
    await page.locator(`[data-testid=evaluation-row][data-unit="${first}"] [data-testid=drill-down]`).click();
    const expected = departmentsOf(first);
    await expect.poll(async () => (await rows(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-unit') ?? ''))).sort(), { timeout: 20_000 })
      .toEqual(expected);
    expect(new Set(await rows(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-hospital'))))).toEqual(new Set([first]));
    expect(await page.locator('[data-testid=breadcrumbs]').innerText()).toMatch(new RegExp(`全部医院\\s*›\\s*${first}`));
    expect(await page.locator('[data-testid=level-select]').inputValue()).toBe('department');
    await page.locator('[data-testid=breadcrumb]', { hasText: '全部医院' }).click();
    await expect.poll(() => rows(page).count()).toBe(3);
    expect(await page.locator('[data-testid=level-select]').inputValue()).toBe('hospital');
  });

  it('a formula naming an unknown indicator points at line and column and keeps the table; ÷ 0 shows n/a, never NaN', async () => {
    const { page, pageErrors } = await openEvaluation();
    const before = await page.locator('[data-testid=composite-cell]').allInnerTexts();
    const editor = page.locator('[data-testid=formula-editor]');
    await editor.fill('x = CMI + foo\n');
    const error = page.locator('[data-testid=formula-error]');
    await expect.poll(() => error.innerText(), { timeout: 10_000 }).toContain('第 1 行第 11 列');
    expect(await error.innerText()).toContain('foo');
    expect(await page.locator('[data-testid=composite-cell]').allInnerTexts()).toEqual(before);
    expect(await rows(page).count()).toBe(3);

    await editor.fill('得分 = CMI ÷ 0\n');
    await expect.poll(() => page.locator('[data-testid=composite-cell]').allInnerTexts(), { timeout: 10_000 })
      .toEqual(['无法计算（除数为零）', '无法计算（除数为零）', '无法计算（除数为零）']);
    expect(await error.count()).toBe(0);
    expect(await page.locator('body').innerText()).not.toContain('NaN');
    expect(await page.locator('body').innerHTML()).not.toMatch(/\bNaN\b/);

    // Completion: a half-typed name offers the indicator; Tab takes it.
    await editor.fill('');
    await editor.pressSequentially('y = 费用');
    const list = page.locator('[data-testid=formula-completions]');
    await expect.poll(() => list.innerText()).toContain('费用消耗指数');
    await editor.press('Tab');
    expect(await editor.inputValue()).toBe('y = 费用消耗指数');
    await expect.poll(() => page.locator('[data-testid=composite-cell]').first().innerText(), { timeout: 10_000 }).toMatch(/^\d\.\d{4}$/);
    expect(pageErrors).toEqual([]);

    // The formula text survives a reload.
    await page.reload();
    await expect.poll(() => rows(page).count(), { timeout: 40_000 }).toBe(3);
    expect(await page.locator('[data-testid=formula-editor]').inputValue()).toBe('y = 费用消耗指数');
  });

  it('measures the consumption indices against a loaded benchmark and names the DRGs it cannot use', async () => {
    const { page } = await openEvaluation();
    const [a, b] = hospitals.reference.drgs.code;
    const csv = `DRG编码,平均住院日,次均费用\r\n${a},7.5,9000\r\n${b},6,8000\r\nZZ99,5,1000\r\n`;
    await page.locator('[data-testid=benchmark-input]').setInputFiles({ name: 'bench.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await expect.poll(() => page.locator('[data-testid=benchmark-info]').innerText(), { timeout: 10_000 }).toBe('bench.csv：3 个病组（平均住院日、次均费用）');
    await expect.poll(() => page.locator('[data-testid=benchmark-messages]').innerText(), { timeout: 10_000 }).toContain('ZZ99');
    expect(await page.locator('[data-testid=reference-panel]').innerText()).toContain('标杆值表 bench.csv');
    expect(await page.locator('body').innerText()).not.toContain('NaN');
    await page.locator('[data-testid=benchmark-clear]').click();
    await expect.poll(() => page.locator('[data-testid=reference-panel]').innerText()).toContain('已载入的全部病例');
    expect(await page.locator('[data-testid=benchmark-info]').count()).toBe(0);
  });

  it('compares two years unit by unit and exports the ranked table as CSV with a BOM', async () => {
    const { page } = await openEvaluation();
    await page.locator('[data-testid=period-select]').selectOption('year');
    await expect.poll(() => page.locator('[data-testid=compare-base] option').count(), { timeout: 20_000 }).toBeGreaterThan(2);
    const years = (await page.locator('[data-testid=compare-base] option').allInnerTexts()).slice(1);
    await page.locator('[data-testid=compare-base]').selectOption(years[0]!);
    await page.locator('[data-testid=compare-with]').selectOption(years[1]!);
    const comparison = page.locator('[data-testid=evaluation-comparison]');
    await expect.poll(() => comparison.locator('tbody tr').count(), { timeout: 20_000 }).toBe(3);
    expect(await comparison.locator('thead').innerText()).toContain('变化率');
    expect(await comparison.innerText()).not.toContain('NaN');

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=evaluation-export-csv]').click()]);
    const bytes = readFileSync(await download.path());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.toString('utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^\ufeff排名,期间,医院,病例数,入组病例数,入组率,DRG组数,总权重,CMI,/);
    expect(csv.split('\r\n').filter((l) => l).length).toBe(1 + 3 * years.length);
  });

  it('switches to English headers with one click', async () => {
    const { page } = await openEvaluation();
    await page.locator('[data-testid=lang-toggle]').click();
    const head = await page.locator('[data-testid=evaluation-table] thead').innerText();
    for (const h of ['Rank', 'Hospital', 'Cases', 'Grouping rate', 'DRGs', 'Total weight', 'CMI', 'Time index', 'Cost index', 'Low-risk mortality', 'Composite score']) {
      expect(head).toContain(h);
    }
    expect(head).not.toMatch(/[\u4e00-\u9fff]/);
    expect(await page.locator('[data-testid=level-select] option:checked').innerText()).toBe('Hospital');
  });
});
