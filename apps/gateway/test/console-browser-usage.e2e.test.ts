import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hasChromium, launchBrowser, pixelsOfColor, signInToConsole } from './browser';
import { type Platform, startPlatform } from './platform-harness';
import { type AdminApi, createTenant, keyWithLimits } from './tenant-keys';

const ADMIN_KEY = 'sk-admin-switchyard-console-usage-01';

interface Row {
  id: string;
  public_model: string | null;
  cost_usd: number | null;
  prompt_name: string | null;
  prompt_version: number | null;
  route_attempts: unknown[] | null;
}

/** What the console shows from real traffic: two tenants of this run's own, sent through the `openai` SDK. */
describe.skipIf(!hasChromium)('the console over real traffic, in a browser', () => {
  let platform: Platform;
  let browser: Browser;
  const run = randomUUID().slice(0, 8);
  const tenantA = `console-a-${run}`;
  const tenantB = `console-b-${run}`;
  const prompt = `console-weather-${run}`;
  let keyA: string;
  let keyB: string;
  /** Rows of each tenant as `/v1/requests` answers them, newest first. */
  let rowsA: Row[];
  let rowsB: Row[];

  const requestsOf = async (key: string): Promise<Row[]> => {
    const response = await fetch(`${platform.gateway.url}/v1/requests?limit=100`, { headers: { authorization: `Bearer ${key}` } });
    return ((await response.json()) as { data: Row[] }).data;
  };

  beforeAll(async () => {
    platform = await startPlatform({ env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY } });
    const admin: AdminApi = { platform, adminKey: ADMIN_KEY };
    [browser] = await Promise.all([
      launchBrowser(),
      (async () => {
        await Promise.all([createTenant(admin, { id: tenantA, name: 'Console A' }), createTenant(admin, { id: tenantB, name: 'Console B' })]);
        [{ key: keyA }, { key: keyB }] = await Promise.all([keyWithLimits(admin, tenantA, {}), keyWithLimits(admin, tenantB, {})]);
      })(),
    ]);
    const saved = await fetch(`${platform.gateway.url}/v1/prompts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keyA}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: prompt,
        messages: [{ role: 'user', content: 'Weather in {{city}}?' }],
        model: 'mock-echo',
        variables: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      }),
    });
    expect(saved.status).toBe(201);

    const sdk = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${platform.gateway.url}/v1`, maxRetries: 0 });
    const [a, b] = [sdk(keyA), sdk(keyB)];
    const ask = (client: OpenAI, model: string, content: string) => client.chat.completions.create({ model, messages: [{ role: 'user', content }] });
    await Promise.all([
      ...[1, 2, 3].map((n) => ask(a, 'mock-echo', `a ${n}`)),
      ask(a, 'backup-echo', 'a on backup'),
      ask(a, 'chain-after-401', 'a after a 401'),
      a.chat.completions.create({ prompt: { name: prompt, variables: { city: 'Oslo' } } } as unknown as ChatCompletionCreateParamsNonStreaming),
      ...[1, 2].map((n) => ask(b, 'mock-echo', `b ${n}`)),
    ]);
    // Rows are written off the request path, in batches.
    [rowsA, rowsB] = await vi.waitFor(
      async () => {
        const rows = await Promise.all([requestsOf(keyA), requestsOf(keyB)]);
        expect(rows.map((list) => list.length)).toStrictEqual([6, 2]);
        return rows;
      },
      { timeout: 10_000, interval: 50 },
    );
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  const rowIds = async (page: Page) => {
    await page.getByTestId('request-row').first().waitFor();
    return page.getByTestId('request-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')));
  };

  it('draws the overview from the rows: the request count, four charts with their lines, and the models used', async () => {
    const page = await signInToConsole(browser, platform.gateway.url, keyA);
    expect(await page.getByTestId('whoami').textContent()).toBe(tenantA);
    await expect.poll(() => page.getByTestId('stat-requests').textContent()).toBe('6');
    expect(await page.getByTestId('stat-errors').textContent()).toBe('0');
    const charts = { 'chart-requests': '#2563eb', 'chart-cost': '#059669', 'chart-latency': '#7c3aed', 'chart-tokens': '#0891b2' };
    for (const [testId, color] of Object.entries(charts)) {
      expect(Number(await page.getByTestId(testId).getAttribute('data-points')), testId).toBeGreaterThanOrEqual(1);
      await expect.poll(() => pixelsOfColor(page, testId, color), { message: testId }).toBeGreaterThan(0);
    }
    const models = page.getByTestId('breakdown-model');
    expect(await models.locator('tr[data-group="mock-echo"] td').nth(1).textContent()).toBe('4');
    // The series counts a request under the model that answered it: the one that fell back is backup-echo's.
    expect(await models.locator('tr[data-group="backup-echo"] td').nth(1).textContent()).toBe('2');
    // A cost of a few millionths of a dollar shows as such, not as $0.0000.
    const cost = await page.getByTestId('stat-cost').textContent();
    expect(cost).toMatch(/^\$0\.0+[1-9]/);
    await page.close();
  });

  it('shows a tenant key only its own tenant: its requests and its totals; the admin picking B sees B’s', async () => {
    const page = await signInToConsole(browser, platform.gateway.url, keyA, '#/requests');
    expect(await rowIds(page)).toStrictEqual(rowsA.map((row) => row.id));
    await page.getByTestId('nav-overview').click();
    await expect.poll(() => page.getByTestId('stat-requests').textContent()).toBe(String(rowsA.length));
    await page.close();

    const admin = await signInToConsole(browser, platform.gateway.url, ADMIN_KEY, '#/requests');
    await expect.poll(() => admin.getByTestId('tenant-select').locator('option').allTextContents()).toContain(tenantB);
    await admin.getByTestId('tenant-select').selectOption(tenantB);
    await expect.poll(() => rowIds(admin)).toStrictEqual(rowsB.map((row) => row.id));
    await admin.getByTestId('nav-overview').click();
    await expect.poll(() => admin.getByTestId('stat-requests').textContent()).toBe(String(rowsB.length));
    await admin.close();
  });

  it('filters the requests and opens one: its prompt version, cost and route attempts, and those of one that fell back', async () => {
    const page = await signInToConsole(browser, platform.gateway.url, keyA, '#/requests');
    expect(await rowIds(page)).toHaveLength(6);
    await page.getByTestId('filter-model').fill('backup-echo');
    await page.getByTestId('filter-apply').click();
    const onBackup = rowsA.filter((row) => row.public_model === 'backup-echo').map((row) => row.id);
    await expect.poll(() => rowIds(page)).toStrictEqual(onBackup);

    await page.getByTestId('filter-model').fill('');
    await page.getByTestId('filter-apply').click();
    await expect.poll(() => rowIds(page)).toHaveLength(6);
    const prompted = rowsA.find((row) => row.prompt_name === prompt);
    expect(prompted).toBeDefined();
    await page.locator(`[data-testid="request-row"][data-id="${prompted?.id}"]`).click();
    const detail = page.getByTestId('request-detail');
    await expect.poll(() => detail.getAttribute('data-id')).toBe(prompted?.id);
    await expect.poll(() => detail.getByTestId('detail-prompt').textContent()).toBe(`${prompt} v1`);
    expect(await detail.getByTestId('detail-cost').textContent()).toMatch(/^\$0\.0+[1-9]/);
    // Answered by the first route: one attempt, on `mock`.
    expect(await detail.getByTestId('route-attempt').evaluateAll((rows) => rows.map((row) => row.textContent))).toStrictEqual(['mockechosucceeded1']);

    // A request that fell back shows the route that failed, then the one that answered.
    const fellBack = rowsA.find((row) => row.route_attempts !== null);
    await page.locator(`[data-testid="request-row"][data-id="${fellBack?.id}"]`).click();
    await expect.poll(() => detail.getAttribute('data-id')).toBe(fellBack?.id);
    await expect
      .poll(() => detail.getByTestId('route-attempt').evaluateAll((rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent))))
      .toStrictEqual([
        ['mock', 'echo@status=401', 'upstream_auth_failed (HTTP 401)', '1'],
        ['backup', 'echo', 'succeeded', '1'],
      ]);
    expect(page.url()).toContain(`#/requests/${fellBack?.id}`);
    await page.close();
  });
});
