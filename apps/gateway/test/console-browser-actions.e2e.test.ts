import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser, signInToConsole } from './browser';
import { type Platform, startPlatform } from './platform-harness';
import { type AdminApi, createTenant, keyWithLimits } from './tenant-keys';

const ADMIN_KEY = 'sk-admin-switchyard-console-acts-01';

/** What an operator does in the console, each act checked where it counts: with the `openai` SDK and the API. */
describe.skipIf(!hasChromium)('acting in the console, in a browser', () => {
  let platform: Platform;
  let browser: Browser;
  const tenant = `console-acts-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    platform = await startPlatform({ env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY } });
    [browser] = await Promise.all([launchBrowser(), createTenant({ platform, adminKey: ADMIN_KEY }, { id: tenant, name: 'Console acts' })]);
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  const sdk = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${platform.gateway.url}/v1`, maxRetries: 0 });
  const ask = (client: OpenAI) => client.chat.completions.create({ model: 'mock-echo', messages: [{ role: 'user', content: 'from a console key' }] });

  it('creates a key whose secret is shown once, that works with the SDK until it is revoked in the console', async () => {
    const page = await signInToConsole(browser, platform.gateway.url, ADMIN_KEY, '#/keys');
    const name = `ci-${randomUUID().slice(0, 6)}`;
    await expect.poll(() => page.getByTestId('key-create-tenant').locator('option').allTextContents()).toContain(tenant);
    await page.getByTestId('key-create-tenant').selectOption(tenant);
    await page.getByTestId('key-create-name').fill(name);
    await page.getByTestId('key-create-requestsPerMinute').fill('60');
    await page.getByTestId('key-create-submit').click();
    const secret = (await page.getByTestId('key-secret').textContent()) ?? '';
    expect(secret).toMatch(/^sk-/);

    await page.getByTestId('key-secret-done').click();
    const row = page.getByTestId('key-row').filter({ hasText: name });
    expect(await row.getByTestId('key-state').textContent()).toBe('active');
    expect(await row.textContent()).toContain('60 requests/min');
    await page.reload();
    await row.waitFor();
    expect(await page.getByTestId('key-secret').count()).toBe(0);
    const everything = await page.evaluate(() => document.documentElement.outerHTML + JSON.stringify({ ...sessionStorage, ...localStorage }));
    expect(everything).not.toContain(secret);

    const client = sdk(secret);
    expect((await ask(client)).choices[0]?.message.content).toBe('from a console key');

    await row.getByTestId('key-revoke').click();
    await row.getByTestId('confirm-yes').click();
    await expect.poll(() => row.getByTestId('key-state').textContent()).toBe('revoked');
    expect(await row.getByTestId('key-revoke').isDisabled()).toBe(true);
    const refused = await ask(client).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((refused as InstanceType<typeof OpenAI.AuthenticationError>).status).toBe(401);
    await page.close();
  });

  it('cancels a running job: the page shows it cancelled, and so does the API', async () => {
    const { key } = await keyWithLimits({ platform, adminKey: ADMIN_KEY } as AdminApi, tenant, {});
    const job = async (id: string) =>
      (await (await fetch(`${platform.gateway.url}/v1/jobs/${id}`, { headers: { authorization: `Bearer ${key}` } })).json()) as { status: string };
    // `stalls` answers after 30 s: the job is still running when the console cancels it.
    const accepted = await fetch(`${platform.gateway.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'stalls', messages: [{ role: 'user', content: 'cancel me from the console' }] }),
    });
    expect(accepted.status).toBe(202);
    const { id } = (await accepted.json()) as { id: string };
    await expect.poll(async () => (await job(id)).status, { timeout: 5000, interval: 25 }).toBe('running');

    const page = await signInToConsole(browser, platform.gateway.url, ADMIN_KEY, '#/jobs');
    await page.getByTestId('tenant-select').locator(`option[value="${tenant}"]`).waitFor({ state: 'attached' });
    await page.getByTestId('tenant-select').selectOption(tenant);
    const row = page.locator(`[data-testid="job-row"][data-id="${id}"]`);
    expect(await row.getByTestId('job-status').textContent()).toBe('running');
    await row.getByTestId('job-cancel').click();
    await row.getByTestId('confirm-yes').click();
    await expect.poll(() => row.getByTestId('job-status').textContent()).toBe('cancelled');
    expect(await row.getByTestId('job-cancel').isDisabled()).toBe(true);
    expect((await job(id)).status).toBe('cancelled');
    await page.close();
  });
});
