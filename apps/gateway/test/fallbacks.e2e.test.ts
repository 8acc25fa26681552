import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, postChat, startPlatform } from './platform-harness';

const ask = (model: string) => JSON.stringify({ model, messages: [{ role: 'user', content: 'route me' }] });

describe('fallback chains', () => {
  let platform: Platform;

  beforeAll(async () => {
    // Two attempts per route, so a retryable failure is tried again before the chain moves on.
    platform = await startPlatform({ env: { JOB_ATTEMPTS: '2' } });
  });

  afterAll(async () => {
    await platform.close();
  });

  const upstreamModels = (from: number) => platform.mock.requests.slice(from).map((r) => (r.body as { model: string }).model);

  it('sends a request whose provider refused our key straight to the next route', async () => {
    const before = platform.mock.requests.length;
    const response = await postChat(platform, ask('chain-after-401'));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-provider')).toBe('backup');
    expect(((await response.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content).toBe('route me');
    expect(upstreamModels(before)).toStrictEqual(['echo@status=401', 'echo']);
    const row = await platform.usageRow(response.headers.get('x-switchyard-job-id') ?? '');
    expect(row).toMatchObject({ status: 'succeeded', provider: 'backup', attempts: 2 });
    expect(row.routeAttempts).toStrictEqual([{ provider: 'mock', model: 'echo@status=401', code: 'upstream_auth_failed', attempts: 1, upstreamStatus: 401 }]);
  });

  it('retries a 500 on the same provider, then falls back', async () => {
    const before = platform.mock.requests.length;
    const response = await postChat(platform, ask('chain-after-500'));
    expect(response.status).toBe(200);
    expect(upstreamModels(before)).toStrictEqual(['echo@status=500', 'echo@status=500', 'echo']);
    const row = await platform.usageRow(response.headers.get('x-switchyard-job-id') ?? '');
    expect(row).toMatchObject({ provider: 'backup', attempts: 3 });
  });

  it('sends a rate-limited request to the next route at its first 429, without waiting out the Retry-After', async () => {
    const before = platform.fragile.requests.length;
    const started = Date.now();
    const response = await postChat(platform, ask('chain-after-429'));
    const tookMs = Date.now() - started;
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-provider')).toBe('backup');
    expect(((await response.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content).toBe('route me');
    // One call to the rate-limited provider, and an answer well inside its 4 s Retry-After (the caller waits 10 s).
    expect(platform.fragile.requests.length - before).toBe(1);
    expect(tookMs).toBeLessThan(3000);
    const row = await platform.usageRow(response.headers.get('x-switchyard-job-id') ?? '');
    expect(row).toMatchObject({ status: 'succeeded', provider: 'backup', attempts: 2 });
    expect(row.routeAttempts).toStrictEqual([
      { provider: 'fragile', model: 'echo@status=429;retry_after=4', code: 'upstream_rate_limited', attempts: 1, upstreamStatus: 429 },
    ]);
  });

  it('answers 502 naming every attempt when the whole chain fails', async () => {
    const response = await postChat(platform, ask('chain-all-fail'));
    expect(response.status).toBe(502);
    const jobId = response.headers.get('x-switchyard-job-id') ?? '';
    const body = (await response.json()) as { error: { code: string; message: string; providers_tried: unknown[]; job_id: string } };
    expect(body.error.code).toBe('all_providers_failed');
    expect(body.error.message).toContain('mock/echo@status=500 (upstream_error)');
    expect(body.error.message).toContain('backup/echo@status=503 (upstream_overloaded)');
    expect(body.error.job_id).toBe(jobId);
    expect(body.error.providers_tried).toHaveLength(2);
    expect(await platform.usageRow(jobId)).toMatchObject({ status: 'failed', errorCode: 'all_providers_failed', attempts: 4 });
  });

  it('does not try another provider with a request the first one refused as invalid', async () => {
    const before = platform.mock.requests.length;
    const response = await postChat(platform, ask('chain-bad-request'));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'upstream_bad_request' } });
    expect(upstreamModels(before)).toStrictEqual(['echo@status=400']);
  });
});

describe('deployments of one model', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform();
  });

  afterAll(async () => {
    await platform.close();
  });

  it('are all used, and x-switchyard-provider pins one', async () => {
    const providers = new Set<string | null>();
    for (let i = 0; i < 20; i++) providers.add((await postChat(platform, ask('spread-echo'))).headers.get('x-switchyard-provider'));
    expect(providers).toStrictEqual(new Set(['mock', 'backup']));
    const pinned = await Promise.all(Array.from({ length: 5 }, () => postChat(platform, ask('spread-echo'), { 'x-switchyard-provider': 'backup' })));
    expect(pinned.map((response) => response.headers.get('x-switchyard-provider'))).toStrictEqual(Array(5).fill('backup'));
  });

  it('refuses a pin to a provider the model is not deployed on', async () => {
    const response = await postChat(platform, ask('spread-echo'), { 'x-switchyard-provider': 'fragile' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { param: 'x-switchyard-provider', code: 'invalid_request' } });
  });
});
