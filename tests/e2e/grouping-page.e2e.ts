// The Grouping page as a trainer uses it (domain §2): load a ruleset and cases, read 入组率 and CMI,
// open a DRG's cases and walk one case's path, including a CC excluded by the principal diagnosis.
import { describe, expect, inject, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { browserPerFile, demoLoaded, openPage } from './browser.ts';
import { ROOT } from '../../src/engine/node/wasm-build.ts';

const baseUrl = inject('baseUrl');
const fixture = (name: string) => join(inject('fixtureDir'), name);
const browser = browserPerFile();

describe('Grouping page', () => {
  it('groups the mini ruleset cases: 入组率 75.00 %, CMI (1.28 + 1.02 + 0.98) ÷ 3 = 1.0933, and explains a case', async () => {
    const { page, pageErrors } = await openPage(browser(), baseUrl);
    await page.locator('[data-testid=file-info]').waitFor();
    await page.locator('[data-testid=file-input]').setInputFiles(fixture('mini-cases.arrow'));
    await expect.poll(() => page.locator('[data-testid=file-name]').innerText()).toBe('mini-cases.arrow');
    await page.locator('nav a', { hasText: '分组' }).click();
    await page.locator('[data-testid=ruleset-input]').setInputFiles(join(ROOT, 'docs', 'examples', 'mini-ruleset.json'));
    await expect.poll(() => page.locator('[data-testid=ruleset-info]').innerText()).toContain('1 个 MDC');
    await expect.poll(() => page.locator('[data-testid=grouping-rate]').innerText()).toBe('75.00%');
    expect(await page.locator('[data-testid=ungrouped-count]').innerText()).toBe('1');
    expect(await page.locator('[data-testid=cmi]').innerText()).toBe('1.0933');
    const rows = await page.locator('[data-testid=drg-table] tbody tr').allInnerTexts();
    expect(rows.map((r) => r.split('\t')[0].trim()).sort()).toEqual(['HC23', 'HC25', 'HS21']);
    expect(rows.find((r) => r.startsWith('HC23'))).toMatch(/HC23\s+胆囊切除手术，伴并发症或合并症\s+1\s+1\.2800\s+8\.00\s+21,000\.00/);
    expect(await page.locator('[data-testid=reasons]').innerText()).toContain('主要诊断不属于任何 MDC：1');

    await page.locator('[data-testid=case-search]').fill('M2');
    await page.locator('.case-search button').click();
    const trace = page.locator('[data-testid=trace]');
    await trace.waitFor({ timeout: 10_000 }).catch(async (e) => {
      throw new Error(`${e}\n--- page ---\n${(await page.locator('main').innerText()).slice(0, 1500)}`);
    });
    expect(await page.locator('[data-testid=trace-result]').innerText()).toContain('HC25');
    const text = await trace.innerText();
    expect(text).toContain('K83.000 属于 CC，排除表 H1；与主要诊断 K80.100 的排除表相同，不计入');
    expect(text).toContain('匹配规则：主手术');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=export-drgs-csv]').click()]);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv).toContain('drg,name,adrg,cases,weight,mean_los,mean_cost,deaths');
    expect(csv).toContain('HC23,胆囊切除手术，伴并发症或合并症,HC2,1,1.2800,8.00,21000.00,0');
    expect(pageErrors).toEqual([]);
  });

  it('lists ungrouped cases and explains why, in English too', async () => {
    const { page } = await openPage(browser(), baseUrl);
    await page.locator('[data-testid=file-info]').waitFor();
    await page.locator('[data-testid=file-input]').setInputFiles(fixture('mini-cases.arrow'));
    await expect.poll(() => page.locator('[data-testid=file-name]').innerText()).toBe('mini-cases.arrow');
    await page.locator('nav a', { hasText: '分组' }).click();
    await page.locator('[data-testid=ruleset-input]').setInputFiles(join(ROOT, 'docs', 'examples', 'mini-ruleset.json'));
    await page.locator('[data-testid=show-ungrouped]').click();
    const list = page.locator('[data-testid=case-list]');
    await list.waitFor();
    expect(await list.locator('tbody tr').count()).toBe(1);
    expect(await list.locator('tbody tr').innerText()).toMatch(/M4\s+泌尿外科\s+N40\.x00\s+主要诊断不属于任何 MDC/);
    await page.locator('[data-testid=lang-toggle]').click();
    expect(await list.locator('tbody tr').innerText()).toContain('Principal diagnosis in no MDC');
    await list.locator('tbody tr button').click();
    await expect.poll(() => page.locator('[data-testid=trace-result]').innerText()).toContain('Ungrouped (0000): Principal diagnosis in no MDC');
  });

  it('a ruleset with problems is refused with each problem listed, and the loaded one stays', async () => {
    const { page } = await openPage(browser(), baseUrl);
    await page.locator('[data-testid=file-info]').waitFor();
    await page.locator('nav a', { hasText: '分组' }).click();
    await page.locator('[data-testid=ruleset-input]').setInputFiles(join(ROOT, 'docs', 'examples', 'mini-ruleset.json'));
    await expect.poll(() => page.locator('[data-testid=ruleset-info]').innerText()).toContain('1 个 MDC');
    const bad = { format: 'casemix-ruleset/1', meta: { name: 'bad', version: '0' }, mdcs: [{ code: 'MDCH', guard: true, steps: [{ adrg: 'HZ9' }] }], adrgs: [], drgs: [] };
    await page.locator('[data-testid=ruleset-input]').setInputFiles({ name: 'bad-rules.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
    const panel = page.locator('[data-testid=error-panel]');
    await panel.waitFor();
    expect(await panel.innerText()).toContain('bad-rules.json');
    expect(await panel.innerText()).toContain('HZ9');
    expect(await page.locator('[data-testid=ruleset-info]').innerText()).toContain('1 个 MDC');
  });

  it('keeps an imported ruleset in the browser: after a reload it is still there and in use; switch and delete', async () => {
    const { page } = await openPage(browser(), baseUrl);
    await demoLoaded(page);
    await page.locator('nav a', { hasText: '分组' }).click();
    await expect.poll(() => page.locator('[data-testid=ruleset-info]').innerText()).toContain('教学规则集');
    await page.locator('[data-testid=ruleset-input]').setInputFiles(join(ROOT, 'docs', 'examples', 'mini-ruleset.json'));
    await expect.poll(() => page.locator('[data-testid=library-row]').count()).toBe(1);
    expect(await page.locator('[data-testid=library-row]').innerText()).toMatch(/迷你教学规则.*2024\.1.*使用中/s);

    await page.reload();
    await expect.poll(() => page.locator('[data-testid=ruleset-name]').innerText(), { timeout: 20_000 }).toContain('迷你教学规则');
    await expect.poll(() => page.locator('[data-testid=library-row]').count()).toBe(1);

    await page.locator('[data-testid=use-demo-ruleset]').click();
    await expect.poll(() => page.locator('[data-testid=ruleset-name]').innerText()).toContain('病组工作台教学规则集');
    await page.locator('[data-testid=library-row] button', { hasText: '使用' }).click();
    await expect.poll(() => page.locator('[data-testid=ruleset-name]').innerText()).toContain('迷你教学规则');
    await page.locator('[data-testid=library-row] button', { hasText: '删除' }).click();
    await expect.poll(() => page.locator('[data-testid=library-row]').count()).toBe(0);
  });

  it('builds a ruleset from official tables dropped as CSV files, and groups with it', async () => {
    const { page } = await openPage(browser(), baseUrl);
    await demoLoaded(page);
    await page.locator('[data-testid=file-input]').setInputFiles(fixture('mini-cases.arrow'));
    await expect.poll(() => page.locator('[data-testid=file-name]').innerText()).toBe('mini-cases.arrow');
    await page.locator('nav a', { hasText: '分组' }).click();
    const dir = join(ROOT, 'docs', 'examples', 'csv-tables');
    const files = readdirSync(dir).filter((f) => f.endsWith('.csv')).map((f) => join(dir, f));
    await page.locator('[data-testid=ruleset-input]').setInputFiles(files);
    await expect.poll(() => page.locator('[data-testid=ruleset-info]').innerText()).toContain('迷你教学规则');
    await expect.poll(() => page.locator('[data-testid=grouping-rate]').innerText()).toBe('75.00%');
    expect(await page.locator('[data-testid=cmi]').innerText()).toBe('1.0933');
  });

  it('loads a ruleset with a dead split row (as regions publish them) and lists it as a note, not an error', async () => {
    const { page } = await openPage(browser(), baseUrl + '#/grouping');
    await expect.poll(() => page.locator('[data-testid=ruleset-name]').count(), { timeout: 20_000 }).toBe(1);
    const mini = JSON.parse(readFileSync(join(ROOT, 'docs', 'examples', 'mini-ruleset.json'), 'utf8'));
    // HC25 (no condition) before HC23: the HC23 row can never be reached.
    mini.adrgs.find((a: { code: string }) => a.code === 'HC2').splits.reverse();
    await page.locator('[data-testid=ruleset-input]').setInputFiles({ name: 'dead-row.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(mini)) });
    await expect.poll(() => page.locator('[data-testid=ruleset-info]').innerText()).toContain('迷你教学规则');
    const notes = page.locator('[data-testid=ruleset-warnings]');
    expect(await notes.locator('summary').innerText()).toBe('规则集提示（1 条，不影响载入）');
    await notes.locator('summary').click();
    expect(await notes.locator('li').innerText()).toContain('HC2');
    expect(await page.locator('[data-testid=error-panel]').count()).toBe(0);
  });

  it('shows DIP groups for the demo data and a case\'s DIP path beside its DRG path', async () => {
    const { page } = await openPage(browser(), baseUrl + '#/grouping');
    await expect.poll(() => page.locator('[data-testid=dip-core]').innerText(), { timeout: 20_000 }).not.toBe('0');
    expect(await page.locator('[data-testid=dip-table] tbody tr').count()).toBeGreaterThan(5);
    await page.locator('[data-testid=case-search]').fill('C00000001');
    await page.locator('.case-search button').click();
    await expect.poll(() => page.locator('[data-testid=trace-dip]').innerText()).toMatch(/^DIP：/);
    expect(await page.locator('[data-testid=dip-steps] li').count()).toBeGreaterThanOrEqual(2);
  });
});
