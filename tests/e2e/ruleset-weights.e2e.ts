// A region's rules and its weight table chosen together on the Grouping page (domain §3 weights, §5 CMI):
// the rules load with the weights, the report names unknown codes by line, and a bad table changes nothing.
import { describe, expect, inject, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { browserPerFile, openPage } from './browser.ts';
import { ROOT } from '../../src/engine/node/wasm-build.ts';

const baseUrl = inject('baseUrl');
const fixture = (name: string) => join(inject('fixtureDir'), name);
const browser = browserPerFile();

/** The mini ruleset as rules published without weights. */
const mini = JSON.parse(readFileSync(join(ROOT, 'docs', 'examples', 'mini-ruleset.json'), 'utf8'));
const bare = { ...mini, drgs: mini.drgs.map(({ code, name, adrg }: { code: string; name: string; adrg: string }) => ({ code, name, adrg })) };
const file = (name: string, text: string, mimeType: string) => ({ name, mimeType, buffer: Buffer.from(text) });

describe('Grouping page: rules + weight table', () => {
  it('CMI = (1.28 + 1.02 + 0.98) ÷ 3 = 1.0933 from the added table; ZZ99 (line 5) unknown; 3 DRGs without a weight', async () => {
    const { page, pageErrors } = await openPage(browser(), baseUrl);
    await page.locator('[data-testid=file-info]').waitFor();
    await page.locator('[data-testid=file-input]').setInputFiles(fixture('mini-cases.arrow'));
    await expect.poll(() => page.locator('[data-testid=file-name]').innerText()).toBe('mini-cases.arrow');
    await page.locator('nav a', { hasText: '分组' }).click();
    await page.locator('[data-testid=ruleset-input]').setInputFiles([
      file('rules.json', JSON.stringify(bare), 'application/json'),
      file('weights.csv', '分组编码,权重\nHC23,1.28\nHC25,1.02\nHS21,0.98\nZZ99,2\n', 'text/csv'),
    ]);
    await expect.poll(() => page.locator('[data-testid=cmi]').innerText()).toBe('1.0933');
    const report = page.locator('[data-testid=weight-report]');
    expect(await report.locator('[data-testid=weights-applied]').innerText()).toBe('已为 3 个 DRG 赋予权重。');
    await report.locator('[data-testid=weights-unknown] summary').click();
    expect(await report.locator('[data-testid=weights-unknown]').innerText()).toContain('weights.csv 第 5 行：ZZ99');
    await report.locator('[data-testid=weights-without] summary').click();
    expect(await report.locator('[data-testid=weights-without]').innerText()).toContain('HL19, HS23, HS25');
    await expect.poll(() => page.locator('[data-testid=library-row]').count()).toBeGreaterThan(0);

    // A bad weight is refused, naming file, line and column; the weighted rules stay loaded.
    await page.locator('[data-testid=ruleset-input]').setInputFiles([
      file('rules.json', JSON.stringify(bare), 'application/json'),
      file('bad.csv', '分组编码,权重\nHC23,abc\n', 'text/csv'),
    ]);
    await expect.poll(() => page.locator('main').innerText()).toContain('bad.csv[2] 权重');
    expect(await page.locator('[data-testid=cmi]').innerText()).toBe('1.0933');
    expect(pageErrors).toEqual([]);
  });
});
