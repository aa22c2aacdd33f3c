// What a person sees on the Data page: the demo on first visit, their own file through the picker,
// the department table and chart, the language switch, and a clear error that keeps the earlier data.
import { describe, expect, inject, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { browserPerFile, demoLoaded, openPage } from './browser.ts';

const baseUrl = inject('baseUrl');
const fixture = (name: string) => join(inject('fixtureDir'), name);
const browser = browserPerFile();

async function rowTexts(page: Page): Promise<string[]> {
  return page.locator('[data-testid=department-table] tbody tr').allInnerTexts();
}

async function loadThroughPicker(page: Page, file: string): Promise<void> {
  await page.locator('[data-testid=file-input]').setInputFiles(fixture(file));
}

describe('Data page', () => {
  it('opens in Chinese with the demo data summarised in a table and a chart', async () => {
    const { page, pageErrors } = await openPage(browser(), baseUrl);
    await demoLoaded(page);
    expect(await page.locator('[data-testid=app-title]').innerText()).toBe('病组工作台');
    expect(await page.locator('nav a').allInnerTexts()).toEqual(['数据', '分组', '支付', '评价', '成本', '监管', '教学']);
    expect(await page.locator('[data-testid=file-name]').innerText()).toBe('demo/cases.arrow');
    expect(await page.locator('[data-testid=file-info]').innerText()).toContain('100,000 例');
    expect(await page.locator('[data-testid=department-table] tfoot').innerText()).toMatch(/合计\s+100,000/);
    expect(await page.locator('[data-testid=bar-chart] svg rect').count()).toBeGreaterThanOrEqual(10);
    expect(pageErrors).toEqual([]);
  });

  it('loads a file through the picker and shows its departments to the cent', async () => {
    const { page } = await openPage(browser(), baseUrl);
    await demoLoaded(page);
    await loadThroughPicker(page, 'small.arrow');
    await expect.poll(() => page.locator('[data-testid=file-name]').innerText()).toBe('small.arrow');
    await expect.poll(() => rowTexts(page)).toHaveLength(3);
    const rows = await rowTexts(page);
    // Sorted by cases, descending: 骨科 first. Columns: cases, Σcost, mean cost, Σlos, mean LOS, deaths.
    expect(rows[0].split('\t').map((s) => s.trim())).toEqual(['骨科', '2', '4,000.00', '2,000.00', '8', '4.00', '1']);
    expect(rows.some((r) => /眼科\s+1\s+1,234\.56\s+1,234\.56/.test(r))).toBe(true);
    expect(await page.locator('[data-testid=bar-chart] svg g[aria-label="bar"] rect').count()).toBe(3);
    expect(await page.locator('[data-testid=file-info]').innerText()).toContain('Arrow 文件格式');

    await loadThroughPicker(page, 'small.arrows');
    await expect.poll(() => page.locator('[data-testid=file-info]').innerText()).toContain('Arrow 流格式');
    expect((await rowTexts(page))[0]).toMatch(/骨科\s+2\s+4,000\.00/);
  });

  it('switches to English and back; every label changes and the choice survives a reload', async () => {
    const { page } = await openPage(browser(), baseUrl);
    await demoLoaded(page);
    await page.locator('[data-testid=lang-toggle]').click();
    expect(await page.locator('nav a').allInnerTexts()).toEqual(['Data', 'Grouping', 'Payment', 'Evaluation', 'Costs', 'Compliance', 'Learn']);
    expect(await page.locator('[data-testid=app-title]').innerText()).toBe('Casemix Workbench');
    expect(await page.locator('[data-testid=department-table] thead').innerText()).toContain('Mean cost (yuan)');
    expect(await page.locator('[data-testid=file-info]').innerText()).toContain('100,000 cases');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.reload();
    await expect.poll(() => page.locator('nav a').first().innerText()).toBe('Data');
    await page.locator('[data-testid=lang-toggle]').click();
    expect(await page.locator('nav a').first().innerText()).toBe('数据');
  });

  it('a corrupt file gives a clear error while the earlier data stay on screen', async () => {
    const { page } = await openPage(browser(), baseUrl);
    await demoLoaded(page);
    await loadThroughPicker(page, 'small.arrow');
    await expect.poll(() => rowTexts(page)).toHaveLength(3);
    await loadThroughPicker(page, 'corrupt.arrow');
    const panel = page.locator('[data-testid=error-panel]');
    await panel.waitFor();
    const text = await panel.innerText();
    expect(text).toContain('corrupt.arrow');
    expect(text).toContain('Arrow 数据损坏或不完整');
    expect(text).toContain('此前载入的数据保持不变');
    expect(await page.locator('[data-testid=file-name]').innerText()).toBe('small.arrow');
    expect(await rowTexts(page)).toHaveLength(3);
    // The worker survived: the next good file loads.
    await page.locator('[data-testid=error-panel] button').click();
    await loadThroughPicker(page, 'small.arrows');
    await expect.poll(() => page.locator('[data-testid=file-name]').innerText()).toBe('small.arrows');
    expect(await panel.count()).toBe(0);
  });

  it('shows a progress indicator for a step longer than 200 ms, and hides it after', async () => {
    // Hold the demo file back for 1.5 s so that loading it is a long step (loads themselves are fast).
    const context = await browser().newContext({ locale: 'zh-CN' });
    await context.route('**/demo/cases.arrow', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
    });
    const page = await context.newPage();
    await page.goto(baseUrl);
    const progress = page.locator('[data-testid=progress]');
    await progress.waitFor({ timeout: 5_000 });
    expect(await progress.innerText()).toContain('正在载入示例数据');
    await demoLoaded(page);
    await expect.poll(() => progress.count()).toBe(0);
    await context.close();
  });

  it('shows no progress indicator for a step under 200 ms', async () => {
    const { page } = await openPage(browser(), baseUrl);
    await demoLoaded(page);
    await page.evaluate(() => {
      (window as unknown as { progressSeen: boolean }).progressSeen = false;
      new MutationObserver(() => {
        if (document.querySelector('[data-testid=progress]')) (window as unknown as { progressSeen: boolean }).progressSeen = true;
      }).observe(document.body, { childList: true, subtree: true });
    });
    await loadThroughPicker(page, 'small.arrow');
    await expect.poll(() => page.locator('[data-testid=file-name]').innerText()).toBe('small.arrow');
    expect(await page.evaluate(() => (window as unknown as { progressSeen: boolean }).progressSeen)).toBe(false);
  });

  it('imports a GBK CSV export and shows its departments', async () => {
    const { page } = await openPage(browser(), baseUrl);
    await demoLoaded(page);
    await loadThroughPicker(page, 'hospital-gbk.csv');
    await expect.poll(() => page.locator('[data-testid=file-name]').innerText()).toBe('hospital-gbk.csv');
    expect(await page.locator('[data-testid=file-info]').innerText()).toContain('CSV（GB18030）');
    expect(await page.locator('[data-testid=unused-columns]').innerText()).toContain('note');
    const rows = await rowTexts(page);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/骨科\s+2\s+2,000\.50\s+1,000\.25/);
    expect(rows[1]).toMatch(/儿科\s+1\s+99\.99/);
  });

  it('exports the department table as CSV with a BOM, to the cent', async () => {
    const { page } = await openPage(browser(), baseUrl);
    await demoLoaded(page);
    await loadThroughPicker(page, 'small.arrow');
    await expect.poll(() => rowTexts(page)).toHaveLength(3);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=export-departments-csv]').click()]);
    expect(download.suggestedFilename()).toBe('departments.csv');
    const path = await download.path();
    const bytes = (await import('node:fs')).readFileSync(path);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    expect(text.split('\r\n')[0]).toBe('department,cases,total_cost,mean_cost,total_los,mean_los,deaths');
    expect(text).toContain('骨科,2,4000.00,2000.00,8,4.00,1');
  });

  it('reports §11 data-quality findings per rule, drills down to the rows, and keeps every case', async () => {
    const { page } = await openPage(browser(), baseUrl);
    await demoLoaded(page);
    await loadThroughPicker(page, 'quality.arrow');
    await expect.poll(() => page.locator('[data-testid=file-name]').innerText()).toBe('quality.arrow');
    const report = page.locator('[data-testid=quality-report]');
    await expect.poll(() => report.locator('[data-testid=quality-rule]').allInnerTexts()).toEqual(expect.arrayContaining([
      expect.stringMatching(/病案号重复\s+case_id\s+2/),
      expect.stringMatching(/性别与诊断冲突\s+sex\s+1/),
      expect.stringMatching(/出院日期早于入院日期\s+discharge_date\s+1/),
    ]));
    expect(await report.innerText()).toContain('已检查 3 例');
    await report.locator('[data-testid=quality-rule]', { hasText: '出院日期早于入院日期' }).locator('button').click();
    await expect.poll(() => report.locator('[data-testid=quality-rows] tbody tr').allInnerTexts()).toEqual([expect.stringMatching(/3\s+Q3\s+discharge − admit = -9 days/)]);
    expect(await page.locator('[data-testid=department-table] tfoot').innerText()).toMatch(/3/);
  });
});
