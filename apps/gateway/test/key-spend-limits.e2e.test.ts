import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inOneClockMinute } from './clock-minute';
import { type Platform, startPlatform } from './platform-harness';
import { createTenant, keyWithLimits } from './tenant-keys';

const ADMIN_KEY = 'sk-admin-switchyard-test-0000000002';

describe('per-key token limits and budgets', () => {
  let platform: Platform;
  const tenant = `s${Date.now().toString(36)}`;

  beforeAll(async () => {
    platform = await startPlatform({ env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY } });
    await createTenant({ platform, adminKey: ADMIN_KEY }, { id: tenant, name: 'Initech' });
  });

  afterAll(async () => {
    await platform.close();
  });

  const keyWith = async (limits: Record<string, number>) => (await keyWithLimits({ platform, adminKey: ADMIN_KEY }, tenant, limits)).key;

  function post(path: string, key: string, body: unknown): Promise<Response> {
    return fetch(`${platform.gateway.url}/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  it('counts the estimate up front (concurrent requests see each other) and settles with the real usage after', async () => {
    // `slow` answers after 600 ms: every request is let in (or not) before any is settled.
    const body = { model: 'slow', messages: [{ role: 'user', content: 'count my tokens, please' }], max_tokens: 200 };
    await inOneClockMinute(async () => {
      // What one such request is charged, as a fresh key's window shows it.
      const probe = await post('/chat/completions', await keyWith({ tokensPerMinute: 100_000 }), body);
      const charged = 100_000 - Number(probe.headers.get('x-ratelimit-remaining-tokens'));
      expect(charged).toBeGreaterThan(200);
      const key = await keyWith({ tokensPerMinute: 1000 });
      const fits = Math.floor(1000 / charged);

      const responses = await Promise.all(Array.from({ length: fits + 2 }, () => post('/chat/completions', key, body)));
      const passed = responses.filter((response) => response.status === 200);
      const refused = responses.filter((response) => response.status === 429);
      expect(passed).toHaveLength(fits);
      expect(refused).toHaveLength(2);
      const error = ((await (refused[0] as Response).json()) as { error: { code: string; message: string } }).error;
      expect(error.code).toBe('rate_limit_exceeded');
      expect(error.message).toContain('1000 tokens per minute');
      expect(refused[0]?.headers.get('x-ratelimit-limit-tokens')).toBe('1000');
      expect(Number(refused[0]?.headers.get('retry-after'))).toBeGreaterThan(0);

      // Once the rows are written, every charge was settled: the window holds the real totals.
      const used = await Promise.all(passed.map(async (response) => (await platform.usageRow(response.headers.get('x-switchyard-job-id') ?? '')).totalTokens));
      const realTotal = used.reduce((sum, tokens) => sum + tokens, 0);
      expect(realTotal).toBeLessThan(fits * charged);
      const next = await post('/chat/completions', key, body);
      expect(next.status).toBe(200);
      expect(Number(next.headers.get('x-ratelimit-remaining-tokens'))).toBe(1000 - realTotal - charged);
    });
  }, 120_000);

  it('stops a key when its spend reaches its daily budget, with a 402 the SDK does not retry', async () => {
    const budget = 0.0005;
    const key = await keyWith({ budgetUsdPerDay: budget });
    const body = { model: 'mock-echo', messages: [{ role: 'user', content: 'spend a little on this' }] };
    const costs: number[] = [];
    let refusal: Response | undefined;
    for (let i = 0; i < 100 && refusal === undefined; i++) {
      const response = await post('/chat/completions', key, body);
      if (response.status !== 200) {
        refusal = response;
        break;
      }
      costs.push(Number((await platform.usageRow(response.headers.get('x-switchyard-job-id') ?? '')).costUsd));
    }
    expect(refusal?.status).toBe(402);
    const error = ((await (refusal as Response).json()) as { error: { code: string; type: string } }).error;
    expect(error).toMatchObject({ code: 'budget_exceeded', type: 'insufficient_quota' });
    // It stopped once the spend reached the budget, not before.
    const spent = costs.reduce((sum, cost) => sum + cost, 0);
    expect(spent).toBeGreaterThanOrEqual(budget);
    expect(spent - (costs.at(-1) ?? 0)).toBeLessThan(budget);

    const sdk = new OpenAI({ apiKey: key, baseURL: `${platform.gateway.url}/v1` });
    const before = platform.mock.requests.length;
    await expect(sdk.chat.completions.create(body as never)).rejects.toMatchObject({ status: 402, code: 'budget_exceeded' });
    expect(platform.mock.requests.length).toBe(before);
    // Reading is not spending: the key still sees its usage.
    const list = await fetch(`${platform.gateway.url}/v1/requests?limit=1`, { headers: { authorization: `Bearer ${key}` } });
    expect(list.status).toBe(200);
  }, 30_000);

  it('gives back the charge of a request answered from the cache', async () => {
    await inOneClockMinute(async () => {
      const key = await keyWith({ tokensPerMinute: 100_000 });
      const body = { model: 'mock-echo', messages: [{ role: 'user', content: `cache me for free ${key.slice(-6)}` }], temperature: 0, max_tokens: 50 };
      const first = await post('/chat/completions', key, body);
      const firstUsed = (await platform.usageRow(first.headers.get('x-switchyard-job-id') ?? '')).totalTokens;
      const hits = [await post('/chat/completions', key, body), await post('/chat/completions', key, body)];
      expect(hits.map((hit) => hit.headers.get('x-switchyard-cache'))).toEqual(['hit', 'hit']);
      const charged = 100_000 - firstUsed - Number(hits[0]?.headers.get('x-ratelimit-remaining-tokens'));
      expect(charged).toBeGreaterThan(50);
      // Given back a few milliseconds later: once it is, a hit sees only the first request's real use and its own charge.
      await expect
        .poll(
          async () => {
            const later = await post('/chat/completions', key, body);
            return [later.headers.get('x-switchyard-cache'), Number(later.headers.get('x-ratelimit-remaining-tokens'))];
          },
          { timeout: 10_000, interval: 20 },
        )
        .toStrictEqual(['hit', 100_000 - firstUsed - charged]);
    });
  });

  it('answers a request too large for the key with a 400 naming max_tokens, and an absurd max_tokens without a 500', async () => {
    const key = await keyWith({ tokensPerMinute: 1000, budgetUsdPerDay: 5 });
    const body = { model: 'mock-echo', messages: [{ role: 'user', content: 'how big?' }] };
    const tooBig = await post('/chat/completions', key, { ...body, max_tokens: 5000 });
    expect(tooBig.status).toBe(400);
    expect(((await tooBig.json()) as { error: { param: string } }).error.param).toBe('max_tokens');
    const absurd = await post('/chat/completions', key, { ...body, max_tokens: 1e15 });
    expect(absurd.status).toBe(400);
    const budgetOnly = await keyWith({ budgetUsdPerDay: 5 });
    const priced = await post('/chat/completions', budgetOnly, { ...body, max_tokens: 1e15 });
    // Charged at most a bounded estimate, then settled with what the answer used.
    expect(priced.status).toBe(200);
  });

  it('says in x-ratelimit-reset-requests and -tokens when each window starts over, as OpenAI writes it', async () => {
    /** `1h2m3s`, `4m5s`, `6.7s` in milliseconds; NaN for anything else. */
    const parse = (text: string | null) => {
      const match = /^(?:(\d+)h)?(?:(\d+)m)?(\d+(?:\.\d)?)s$/.exec(text ?? '');
      return match === null ? Number.NaN : (Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3])) * 1000;
    };
    const body = { model: 'mock-echo', messages: [{ role: 'user', content: 'when does it reset?' }] };
    await inOneClockMinute(async () => {
      const key = await keyWith({ requestsPerMinute: 1, tokensPerMinute: 100_000 });
      const sentAt = Date.now();
      const first = await post('/chat/completions', key, body);
      const answeredAt = Date.now();
      expect(first.status).toBe(200);
      // Per-minute windows end with the clock's minute (to a tenth of a second, as written).
      const minuteEnd = (Math.floor(sentAt / 60_000) + 1) * 60_000;
      for (const unit of ['requests', 'tokens']) {
        const reset = parse(first.headers.get(`x-ratelimit-reset-${unit}`));
        expect(reset).toBeGreaterThanOrEqual(minuteEnd - answeredAt - 100);
        expect(reset).toBeLessThanOrEqual(minuteEnd - sentAt + 100);
      }
      // The refusal says the same, and so does its Retry-After.
      const refused = await post('/chat/completions', key, body);
      expect(refused.status).toBe(429);
      const reset = parse(refused.headers.get('x-ratelimit-reset-requests'));
      expect(reset).toBeLessThanOrEqual(minuteEnd - sentAt + 100);
      expect(Math.abs(Number(refused.headers.get('retry-after')) * 1000 - reset)).toBeLessThanOrEqual(1000);
    });
    // A daily window ends at midnight UTC: hours, minutes and seconds.
    const daily = await keyWith({ requestsPerDay: 1000 });
    const sentAt = Date.now();
    const response = await post('/chat/completions', daily, body);
    const text = response.headers.get('x-ratelimit-reset-requests');
    const midnight = (Math.floor(sentAt / 86_400_000) + 1) * 86_400_000;
    expect(Math.abs(parse(text) - (midnight - sentAt)), `reset ${text}`).toBeLessThanOrEqual(5_000);
  }, 60_000);

  it('refuses limits that are not positive numbers', async () => {
    for (const limits of [{ tokensPerMinute: 0 }, { budgetUsdPerDay: -1 }, { budgetUsdPerMonth: 'ten' }, { tokensPerMinute: 1.5 }]) {
      const response = await fetch(`${platform.gateway.url}/admin/tenants/${tenant}/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'bad', limits }),
      });
      expect(response.status).toBe(400);
      const error = ((await response.json()) as { error: { param: string } }).error;
      expect(error.param).toBe(`limits.${Object.keys(limits)[0]}`);
    }
  });
});
