// Launches Debian's Chromium through playwright-core with the flags this network-less machine needs,
// and records every request a page makes so the privacy test can check origins.
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { CHROMIUM } from './ensure-chromium.ts';

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-extensions',
    ],
  });
}

/** One Chromium for a test file: launched before its tests, closed after them; call the result to get it. */
export function browserPerFile(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => browser!;
}

export interface RecordedPage {
  page: Page;
  requests: string[];
  pageErrors: string[];
}

export async function openPage(browser: Browser, url: string, locale = 'zh-CN'): Promise<RecordedPage> {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  const requests: string[] = [];
  const pageErrors: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(url);
  return { page, requests, pageErrors };
}

/** Waits until the built-in demo (100,000 cases, 32 departments) is loaded and summarised. */
export async function demoLoaded(page: Page): Promise<void> {
  await expect.poll(() => page.locator('[data-testid=department-table] tbody tr').count(), { timeout: 30_000 }).toBe(32);
  await expect.poll(() => page.locator('[data-testid=file-name]').innerText()).toBe('demo/cases.arrow');
}
