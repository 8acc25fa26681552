import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { launchBrowser, signInToConsole } from './browser';
import { type Platform, startPlatform } from './platform-harness';
import { type AdminApi, createTenant, keyWithLimits } from './tenant-keys';

/**
 * Screenshots of every console page for docs/console.md, over a platform with some traffic of a tenant of
 * its own. Not part of the test suite (its name ends `.shoot.ts`): `npm run screenshots:console` runs it.
 */
const OUT = process.env.CONSOLE_SCREENSHOTS_DIR ?? join(__dirname, '../../../docs/console');
const ADMIN_KEY = 'sk-admin-switchyard-console-shots-1';
const VIEWPORT = { width: 1280, height: 800 };

describe('console screenshots', () => {
  let platform: Platform;
  let browser: Browser;
  const tenant = `demo-${randomUUID().slice(0, 6)}`;
  const prompt = 'ticket-summary';
  let key: string;
  /** A request rendered from the prompt, whose detail the requests page shows. */
  let prompted: string;

  const call = async (path: string, body: unknown) =>
    fetch(`${platform.gateway.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    platform = await startPlatform({ env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY } });
    const admin: AdminApi = { platform, adminKey: ADMIN_KEY };
    browser = await launchBrowser();
    await createTenant(admin, { id: tenant, name: 'Demo' });
    ({ key } = await keyWithLimits(admin, tenant, { requestsPerMinute: 600, budgetUsdPerDay: 5 }));
    await keyWithLimits(admin, tenant, { tokensPerMinute: 50_000 });

    for (const [version, text] of [
      [1, 'Summarize this ticket: {{ticket}}'],
      [2, 'Summarize this ticket in two sentences: {{ticket}}'],
    ] as const) {
      const saved = await call('/v1/prompts', {
        name: prompt,
        messages: [{ role: 'user', content: text }],
        model: 'mock-echo',
        variables: { type: 'object', properties: { ticket: { type: 'string' } }, required: ['ticket'] },
        ...(version === 2 ? { labels: ['production'] } : {}),
      });
      expect(saved.status).toBe(201);
    }

    const client = new OpenAI({ apiKey: key, baseURL: `${platform.gateway.url}/v1`, maxRetries: 0 });
    const users = ['ana', 'bo', 'chen'];
    const traffic: Promise<unknown>[] = [];
    for (let n = 0; n < 24; n++) {
      const user = users[n % users.length];
      const content = `question ${n}: ${'why '.repeat(n % 7)}`;
      if (n % 6 === 5)
        traffic.push(client.chat.completions.create({ model: 'bad-upstream-key', user, messages: [{ role: 'user', content }] }).catch(() => undefined));
      else if (n % 6 === 4) traffic.push(client.chat.completions.create({ model: 'chain-after-401', user, messages: [{ role: 'user', content }] }));
      else if (n % 6 === 3)
        traffic.push(
          client.chat.completions.create({
            user,
            prompt: { name: prompt, version: 1 + (Math.floor(n / 6) % 2), variables: { ticket: content } },
          } as unknown as ChatCompletionCreateParamsNonStreaming),
        );
      else traffic.push(client.chat.completions.create({ model: n % 2 === 0 ? 'mock-echo' : 'slow', user, messages: [{ role: 'user', content }] }));
    }
    await Promise.all(traffic);
    await call('/v1/jobs', { model: 'mock-echo', messages: [{ role: 'user', content: 'a finished job' }] });
    await call('/v1/jobs', { model: 'stalls', messages: [{ role: 'user', content: 'a running job' }] });
    const rows = await vi.waitFor(
      async () => {
        const answer = await fetch(`${platform.gateway.url}/v1/requests?limit=100`, { headers: { authorization: `Bearer ${key}` } });
        const { data } = (await answer.json()) as { data: { id: string; prompt_name: string | null }[] };
        expect(data.length).toBeGreaterThanOrEqual(25);
        return data;
      },
      { timeout: 15_000, interval: 100 },
    );
    prompted = rows.find((row) => row.prompt_name === prompt)?.id ?? '';
    mkdirSync(OUT, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  const shoot = async (page: Page, name: string) => {
    // Charts draw after their data comes; "Loading…" gone means every load on the page answered.
    await page.waitForFunction(() => !document.body.textContent?.includes('Loading…'));
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(OUT, `${name}.png`) });
  };

  it('shoots every page', async () => {
    const signIn = await browser.newPage({ viewport: VIEWPORT });
    await signIn.goto(`${platform.gateway.url}/console/`);
    await signIn.getByTestId('signin-key').waitFor();
    await shoot(signIn, 'sign-in');
    await signIn.close();

    const page = await signInToConsole(browser, platform.gateway.url, ADMIN_KEY);
    await page.getByTestId('tenant-select').locator(`option[value="${tenant}"]`).waitFor({ state: 'attached' });
    await page.getByTestId('tenant-select').selectOption(tenant);
    await page.getByTestId('stat-requests').waitFor();
    await shoot(page, 'overview');

    await page.getByTestId('nav-requests').click();
    await page.locator(`[data-testid="request-row"][data-id="${prompted}"]`).click();
    await page.getByTestId('detail-prompt').waitFor();
    await page.getByTestId('request-detail').scrollIntoViewIfNeeded();
    await shoot(page, 'requests');

    for (const name of ['jobs', 'keys', 'providers', 'benchmarks'] as const) {
      await page.getByTestId(`nav-${name}`).click();
      await shoot(page, name);
    }

    await page.goto(`${platform.gateway.url}/console/#/prompts/${prompt}`);
    await page.getByTestId('prompt-detail').waitFor();
    await shoot(page, 'prompts');
    await page.close();
  }, 60_000);
});
