// Privacy: every request the page (and its worker) makes goes to the page's own origin; nothing else.
import { describe, expect, inject, it } from 'vitest';
import { join } from 'node:path';
import { browserPerFile, demoLoaded, openPage } from './browser.ts';

const baseUrl = inject('baseUrl');
const browser = browserPerFile();

describe('privacy', () => {
  it('makes no request outside its origin while loading, analysing and switching language', async () => {
    const { page, requests } = await openPage(browser(), baseUrl);
    await demoLoaded(page);
    await page.locator('[data-testid=file-input]').setInputFiles(join(inject('fixtureDir'), 'small.arrow'));
    await expect.poll(() => page.locator('[data-testid=file-name]').innerText()).toBe('small.arrow');
    await page.locator('[data-testid=lang-toggle]').click();
    for (const link of await page.locator('nav a').all()) await link.click();
    // The payment and evaluation pages load their code when opened and then ask the worker: let them finish.
    await page.goto(`${baseUrl}#/payment`);
    await expect.poll(() => page.locator('[data-testid=payment-fund-whatif]').count(), { timeout: 45_000 }).toBe(1);
    await page.goto(`${baseUrl}#/evaluation`);
    await expect.poll(() => page.locator('[data-testid=evaluation-table]').count(), { timeout: 45_000 }).toBe(1);
    await page.waitForTimeout(300);

    const origin = new URL(baseUrl).origin;
    const foreign = requests.filter((url) => !url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin);
    expect(foreign).toEqual([]);
    // The recorder did see the page, its worker, the Wasm core and the demo data: it is not blind.
    expect(requests.some((u) => u.endsWith('.wasm'))).toBe(true);
    expect(requests.some((u) => /engine\.worker.*\.js$/.test(u))).toBe(true);
    expect(requests.some((u) => u.endsWith('/demo/cases.arrow'))).toBe(true);
    expect(requests.some((u) => /PaymentPage.*\.js$/.test(u)) && requests.some((u) => /EvaluationPage.*\.js$/.test(u))).toBe(true);
  });

  it('declares a Content-Security-Policy that only allows its own origin', async () => {
    const { page } = await openPage(browser(), baseUrl);
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/https?:/);
  });
});
