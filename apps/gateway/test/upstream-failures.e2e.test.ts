import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, postChat, startPlatform } from './platform-harness';

const ask = (model: string) => JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] });

describe('upstream failures become typed errors', () => {
  let platform: Platform;

  beforeAll(async () => {
    // A hanging upstream times out after 1 s, so its three attempts stay quick.
    platform = await startPlatform({ upstreamTimeoutMs: 1000 });
  });

  afterAll(async () => {
    await platform.close();
  });

  it.each([
    ['a 500', 'fails-500', 502, 'upstream_error', 'failed'],
    ['a timeout', 'hangs', 504, 'upstream_timeout', 'failed'],
    ['a malformed body', 'malformed', 502, 'upstream_malformed_response', 'failed'],
    ['a rejected provider key', 'bad-upstream-key', 502, 'upstream_auth_failed', 'failed'],
  ])('maps %s upstream (model %s) to HTTP %s', async (_label, model, status, code, rowStatus) => {
    const response = await postChat(platform, ask(model));
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error: Record<string, unknown> };
    const jobId = response.headers.get('x-switchyard-job-id') ?? '';
    expect(body.error).toMatchObject({ code, provider: 'mock', job_id: jobId, attempts: 1 });
    const row = await platform.usageRow(jobId);
    expect(row).toMatchObject({ status: rowStatus, errorCode: code, provider: 'mock' });
  });

  it("keeps the provider's own words about our credentials from the caller", async () => {
    const response = await postChat(platform, ask('bad-upstream-key'));
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toBe('mock: HTTP 401');
    expect(JSON.stringify(body)).not.toMatch(/API key provided/i);
  });

  it('passes an upstream 429 on with its Retry-After when the caller cannot wait that long', async () => {
    const started = Date.now();
    const response = await postChat(platform, ask('rate-limited'), { 'x-switchyard-timeout-ms': '2000' });
    // A 429 rather than the 504 of a caller that waited out its 2 s; the bound only catches a hang on a busy machine.
    expect(Date.now() - started).toBeLessThan(2000);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(await response.json()).toMatchObject({ error: { code: 'upstream_rate_limited', type: 'rate_limit_error' } });
  });

  it("answers 504 naming the job id when the caller's timeout passes first", async () => {
    const started = Date.now();
    const response = await postChat(platform, ask('slow'), { 'x-switchyard-timeout-ms': '300' });
    // A 504 rather than the answer the job gives at 600 ms; the bound only catches a hang on a busy machine.
    expect(Date.now() - started).toBeLessThan(2000);
    expect(response.status).toBe(504);
    const jobId = response.headers.get('x-switchyard-job-id') ?? '';
    const body = (await response.json()) as { error: { code: string; message: string; job_id: string } };
    expect(body.error.code).toBe('gateway_timeout');
    expect(body.error.job_id).toBe(jobId);
    expect(body.error.message).toContain(jobId);
    // The job was accepted, so it still runs to the end and is recorded.
    expect((await platform.usageRow(jobId)).status).toBe('succeeded');
  });

  it('survives a burst of requests whose timeout passes before the job is even queued', async () => {
    const responses = await Promise.all(Array.from({ length: 300 }, () => postChat(platform, ask('mock-echo'), { 'x-switchyard-timeout-ms': '1' })));
    expect(new Set(responses.map((response) => response.status))).toStrictEqual(new Set([504]));
    const alive = await fetch(`${platform.gateway.url}/healthz`);
    expect(alive.status).toBe(200);
  });
});

describe('jobs that wait longer than their caller', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform({ worker: false });
  });

  afterAll(async () => {
    await platform.close();
  });

  it('are expired by the worker that finds them, without calling upstream', async () => {
    const response = await postChat(platform, ask('mock-echo'), { 'x-switchyard-timeout-ms': '200' });
    expect(response.status).toBe(504);
    const jobId = response.headers.get('x-switchyard-job-id') ?? '';
    await platform.startWorker();
    const row = await platform.usageRow(jobId);
    expect(row).toMatchObject({ status: 'expired', errorCode: 'job_expired' });
    expect(platform.mock.requests).toHaveLength(0);
  });
});

describe('retryable upstream failures with JOB_ATTEMPTS', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform({ env: { JOB_ATTEMPTS: '3' } });
  });

  afterAll(async () => {
    await platform.close();
  });

  it('are tried again with backoff, and the answer and row count every attempt', async () => {
    const response = await postChat(platform, ask('fails-500'));
    expect(response.status).toBe(502);
    const jobId = response.headers.get('x-switchyard-job-id') ?? '';
    expect(await response.json()).toMatchObject({ error: { code: 'upstream_error', attempts: 3, job_id: jobId } });
    expect(platform.mock.requests).toHaveLength(3);
    expect(await platform.usageRow(jobId)).toMatchObject({ status: 'failed', attempts: 3, errorCode: 'upstream_error' });
  });

  it('are not tried again when the failure is not retryable', async () => {
    const before = platform.mock.requests.length;
    const response = await postChat(platform, ask('bad-upstream-key'));
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: { code: 'upstream_auth_failed', attempts: 1 } });
    expect(platform.mock.requests.length - before).toBe(1);
  });
});
