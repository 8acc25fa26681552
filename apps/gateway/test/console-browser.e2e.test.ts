import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from './browser';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';

const ADMIN_KEY = 'sk-admin-switchyard-console-0000001';

describe.skipIf(!hasChromium)('signing in to the console in a browser', () => {
  let platform: Platform;
  let browser: Browser;

  beforeAll(async () => {
    platform = await startPlatform({ worker: false, env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  async function signIn(key: string): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${platform.gateway.url}/console/`);
    await page.getByTestId('signin-key').fill(key);
    await page.getByTestId('signin-submit').click();
    return page;
  }

  /** Everything the page keeps in its origin's storage, as text. */
  const storedText = (page: Page) => page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, url: location.href }));

  it('signs in with the admin key: "admin", the tenant selector and the keys page; the key is nowhere in clear', async () => {
    const page = await signIn(ADMIN_KEY);
    await expect.poll(() => page.getByTestId('whoami').textContent()).toBe('admin');
    expect(await page.getByTestId('tenant-select').isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('tenant-select').locator('option').allTextContents()).toContain('acme');
    expect(await page.getByTestId('nav-keys').count()).toBe(1);

    const stored = await storedText(page);
    expect(stored).not.toContain(ADMIN_KEY);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    // Something is sealed for a reload, and it is not the key.
    expect(await page.evaluate(() => sessionStorage.length)).toBeGreaterThan(0);

    // A reload opens the sealed key again.
    await page.reload();
    await expect.poll(() => page.getByTestId('whoami').textContent()).toBe('admin');

    await page.getByTestId('signout').click();
    await page.getByTestId('signin-key').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.reload();
    await page.getByTestId('signin-key').waitFor();
    await page.close();
  });

  it('signs in with a tenant key: its tenant, and no keys page', async () => {
    const page = await signIn(TEST_API_KEY);
    await expect.poll(() => page.getByTestId('whoami').textContent()).toBe('acme');
    expect(await page.getByTestId('nav-overview').count()).toBe(1);
    expect(await page.getByTestId('nav-keys').count()).toBe(0);
    expect(await page.getByTestId('tenant-select').count()).toBe(0);
    const stored = await storedText(page);
    expect(stored).not.toContain(TEST_API_KEY);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    await page.close();
  });

  it('refuses a wrong key with a message, and stays on the sign-in page', async () => {
    const page = await signIn('sk-not-a-real-key-000000000000');
    await expect.poll(() => page.getByTestId('signin-error').textContent()).toContain('not accepted');
    expect(await page.getByTestId('whoami').count()).toBe(0);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.close();
  });

  it('runs under its Content-Security-Policy without a violation', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/.test(message.text())) violations.push(message.text());
    });
    await page.goto(`${platform.gateway.url}/console/#/overview`);
    await page.getByTestId('signin-key').fill(ADMIN_KEY);
    await page.getByTestId('signin-submit').click();
    await expect.poll(() => page.getByTestId('whoami').textContent()).toBe('admin');
    await page.getByTestId('nav-benchmarks').click();
    await page.waitForTimeout(300);
    expect(violations).toEqual([]);
    expect(page.url()).not.toContain(ADMIN_KEY);
    await page.close();
  });
});
