import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_TENANT_KEY, type Platform, postChat, startPlatform } from './platform-harness';

describe('the response cache', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform();
  });

  afterAll(async () => {
    await platform.close();
  });

  const upstreamCalls = (text: string) => platform.mock.requests.filter((request) => JSON.stringify(request.body).includes(text)).length;

  async function ask(body: Record<string, unknown>, headers: Record<string, string> = {}) {
    const response = await postChat(platform, JSON.stringify({ model: 'mock-echo', ...body }), headers);
    return {
      status: response.status,
      cache: response.headers.get('x-switchyard-cache'),
      jobId: response.headers.get('x-switchyard-job-id') ?? '',
      text: await response.text(),
    };
  }

  it('answers a repeated deterministic request from the cache, identically, without reaching the provider', async () => {
    const body = { temperature: 0, messages: [{ role: 'user', content: 'cache me once' }] };
    const first = await ask(body);
    expect(first).toMatchObject({ status: 200, cache: 'miss' });
    await expect.poll(async () => (await ask(body)).cache, { timeout: 2000 }).toBe('hit');
    const again = await ask(body);
    expect(again).toMatchObject({ status: 200, cache: 'hit', text: first.text });
    expect(upstreamCalls('cache me once')).toBe(1);
    const row = await platform.usageRow(again.jobId);
    expect(row).toMatchObject({ status: 'succeeded', cacheHit: true, provider: 'mock', attempts: 0 });
    expect(Number(row.costUsd)).toBe(0);
    expect(row.completionTokens).toBeGreaterThan(0);
  });

  it('shares entries between a model and its alias, and between key orders, but not across tenants', async () => {
    const messages = [{ role: 'user', content: 'alias and order' }];
    expect((await ask({ temperature: 0, seed: 7, messages })).cache).toBe('miss');
    await expect.poll(async () => (await ask({ messages, seed: 7, temperature: 0, model: 'default' })).cache, { timeout: 2000 }).toBe('hit');
    const theirs = await ask({ temperature: 0, seed: 7, messages }, { authorization: `Bearer ${OTHER_TENANT_KEY}` });
    expect(theirs.cache).toBe('miss');
  });

  it('keeps requests with different parameters apart', async () => {
    const messages = [{ role: 'user', content: 'one two three four' }];
    await ask({ temperature: 0, messages });
    await expect.poll(async () => (await ask({ temperature: 0, messages })).cache, { timeout: 2000 }).toBe('hit');
    expect((await ask({ temperature: 0, messages, max_tokens: 2 })).cache).toBe('miss');
  });

  it('stays out of non-deterministic requests, streams, and requests that ask it to', async () => {
    const messages = [{ role: 'user', content: 'never cached' }];
    expect((await ask({ messages })).cache).toBe('bypass');
    expect((await ask({ messages, temperature: 0.7 })).cache).toBe('bypass');
    expect((await ask({ messages, temperature: 0 }, { 'x-switchyard-cache': 'bypass' })).cache).toBe('bypass');
    expect((await ask({ messages, temperature: 0 }, { 'cache-control': 'no-cache' })).cache).toBe('bypass');
    expect((await ask({ messages, temperature: 0, stream: true })).cache).toBe('bypass');
    expect(upstreamCalls('never cached')).toBe(5);
  });

  it('caches every request of a model set to `cache: always`, repeatable or not', async () => {
    const body = { model: 'always-cached', temperature: 0.9, messages: [{ role: 'user', content: 'always from the cache' }] };
    expect((await ask(body)).cache).toBe('miss');
    await expect.poll(async () => (await ask(body)).cache, { timeout: 2000 }).toBe('hit');
    expect(upstreamCalls('always from the cache')).toBe(1);
  });

  it('never caches a model set to `cache: never`, even a repeatable request', async () => {
    const body = { model: 'never-cached', temperature: 0, seed: 1, messages: [{ role: 'user', content: 'never from the cache' }] };
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await ask(body)).cache);
    expect(answers).toStrictEqual(['bypass', 'bypass', 'bypass']);
    expect(upstreamCalls('never from the cache')).toBe(3);
  });
});
