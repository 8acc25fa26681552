import { DirectClient } from '@switchyard/client';
import { type AsyncJobView, cancelRecordKey } from '@switchyard/contracts';
import { createLogger } from '@switchyard/observability';
import { createRedis } from '@switchyard/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_TENANT_KEY, type Platform, startPlatform, TEST_API_KEY } from './platform-harness';

interface JobAnswer extends AsyncJobView {
  status_url?: string;
}

describe('async jobs over HTTP', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform();
  });

  afterAll(async () => {
    await platform.close();
  });

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, key = TEST_API_KEY) {
    const response = await fetch(`${platform.gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as JobAnswer & { error?: { code: string; param: string | null } },
    };
  }

  const submit = (body: Record<string, unknown>, headers: Record<string, string> = {}, key = TEST_API_KEY) =>
    call('POST', '/v1/jobs', { model: 'mock-echo', messages: [{ role: 'user', content: 'queued work' }], ...body }, headers, key);

  async function until(id: string, statuses: string[], key = TEST_API_KEY): Promise<JobAnswer> {
    let view: JobAnswer | undefined;
    await expect
      .poll(
        async () => {
          view = (await call('GET', `/v1/jobs/${id}`, undefined, {}, key)).body;
          return view.status;
        },
        { timeout: 5000, interval: 25 },
      )
      .toSatisfy((status: string) => statuses.includes(status));
    return view as JobAnswer;
  }

  it('accepts a job at once with 202 and a status URL, and answers it there when done', async () => {
    const accepted = await submit({ metadata: { order: '42' } });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ object: 'job', status: 'queued', model: 'mock-echo', status_url: `/v1/jobs/${accepted.body.id}` });
    expect(accepted.headers.get('location')).toBe(`/v1/jobs/${accepted.body.id}`);

    const done = await until(accepted.body.id, ['succeeded', 'failed']);
    expect(done).toMatchObject({ status: 'succeeded', provider: 'mock', attempts: 1, metadata: { order: '42' }, error: null });
    expect(done.result?.choices[0]?.message.content).toBe('queued work');
    expect(done.finished_at).toBeGreaterThanOrEqual(done.created_at);
    expect(await platform.usageRow(accepted.body.id)).toMatchObject({ status: 'succeeded', provider: 'mock' });
  });

  it('reports a job that failed for good with its typed error, after its retries', async () => {
    const accepted = await submit({ model: 'fails-500' });
    const done = await until(accepted.body.id, ['succeeded', 'failed']);
    expect(done.status).toBe('failed');
    expect(done.error, JSON.stringify(done.error)).toMatchObject({ code: 'upstream_error', type: 'upstream_error' });
    expect(done.attempts).toBe(3);
  }, 15_000);

  it('returns the same job for a repeated Idempotency-Key, and refuses the key with another body', async () => {
    const first = await submit({}, { 'idempotency-key': 'order-7' });
    const again = await submit({}, { 'idempotency-key': 'order-7' });
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await submit({ messages: [{ role: 'user', content: 'something else' }] }, { 'idempotency-key': 'order-7' });
    expect(other.status).toBe(409);
    expect(other.body.error).toMatchObject({ code: 'idempotency_key_reused', job_id: first.body.id });
    // Another tenant's key space is its own.
    const theirs = await submit({}, { 'idempotency-key': 'order-7' }, OTHER_TENANT_KEY);
    expect(theirs.body.id).not.toBe(first.body.id);
  });

  it('cancels a queued job: it never reaches the provider and its row says cancelled', async () => {
    const before = platform.mock.requests.length;
    const accepted = await submit({ delay: 60_000, messages: [{ role: 'user', content: 'never run' }] });
    const cancelled = await call('DELETE', `/v1/jobs/${accepted.body.id}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await call('GET', `/v1/jobs/${accepted.body.id}`)).body.status).toBe('cancelled');
    expect(await platform.usageRow(accepted.body.id)).toMatchObject({ status: 'cancelled' });
    expect(platform.mock.requests.slice(before).some((r) => JSON.stringify(r.body).includes('never run'))).toBe(false);
  });

  it('aborts a running job: the upstream connection is closed and the job ends cancelled', async () => {
    const aborted = platform.mock.abortedRequests;
    const accepted = await submit({ model: 'slow' });
    await until(accepted.body.id, ['running']);
    const cancelled = await call('DELETE', `/v1/jobs/${accepted.body.id}`);
    expect(cancelled.status).toBe(200);
    await expect.poll(() => platform.mock.abortedRequests, { timeout: 2000 }).toBe(aborted + 1);
    expect((await until(accepted.body.id, ['cancelled'])).result).toBeNull();
    expect(await platform.usageRow(accepted.body.id)).toMatchObject({ status: 'cancelled' });
  });

  it('does not run a job whose cancel its worker never heard: the written cancel is read when the job starts', async () => {
    const before = platform.mock.requests.length;
    const accepted = await submit({ delay: 1000, messages: [{ role: 'user', content: 'cancelled unheard' }] });
    // What a gateway writes when it cancels a job it cannot take off its queue, without the broadcast a worker can miss.
    const redis = createRedis(platform.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      name: 'switchyard:test',
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
    await redis.hset(cancelRecordKey(platform.env.SWITCHYARD_KEY_PREFIX ?? '', accepted.body.id), 'cancelled', '1', 'tenant', 'acme');
    await redis.quit();
    await expect.poll(async () => (await platform.usage.findByJobId(accepted.body.id))?.status, { timeout: 5000 }).toBe('cancelled');
    expect(platform.mock.requests.slice(before).some((r) => JSON.stringify(r.body).includes('cancelled unheard'))).toBe(false);
  });

  it('records a queued job cancelled through the direct client: the worker that reaches it ends it without a call', async () => {
    const client = await DirectClient.connect({
      prefix: platform.env.SWITCHYARD_KEY_PREFIX ?? '',
      configPath: platform.env.SWITCHYARD_CONFIG ?? '',
      caller: { keyId: 'test-key', tenant: 'acme' },
    });
    try {
      const before = platform.mock.requests.length;
      const view = await client.enqueue({ model: 'mock-echo', messages: [{ role: 'user', content: 'direct, never run' }] }, { delay: 60_000 });
      expect((await client.cancel(view.id)).status).toBe('cancelled');
      expect((await client.get(view.id)).status).toBe('cancelled');
      expect(await platform.usageRow(view.id)).toMatchObject({ status: 'cancelled', totalTokens: 0 });
      expect((await client.get(view.id)).status).toBe('cancelled');
      expect(platform.mock.requests.slice(before).some((r) => JSON.stringify(r.body).includes('direct, never run'))).toBe(false);
    } finally {
      await client.close();
    }
  });

  it("lists only the caller's tenant's jobs, newest first, paginated and filtered by status", async () => {
    const mine = await submit({ messages: [{ role: 'user', content: 'mine' }] });
    const theirs = await submit({}, {}, OTHER_TENANT_KEY);
    await until(mine.body.id, ['succeeded']);

    expect((await call('GET', `/v1/jobs/${theirs.body.id}`)).status).toBe(404);
    expect((await call('DELETE', `/v1/jobs/${theirs.body.id}`)).status).toBe(404);

    const page = await call('GET', '/v1/jobs?limit=2');
    const list = page.body as unknown as { data: JobAnswer[]; has_more: boolean; last_id: string };
    expect(list.data.map((job) => job.id)[0]).toBe(mine.body.id);
    expect(list.data).toHaveLength(2);
    expect(list.has_more).toBe(true);
    const next = (await call('GET', `/v1/jobs?limit=100&after=${list.last_id}`)).body as unknown as { data: JobAnswer[]; has_more: boolean };
    expect(next.has_more).toBe(false);
    const all = [...list.data, ...next.data].map((job) => job.id);
    expect(new Set(all).size).toBe(all.length);
    expect(all).not.toContain(theirs.body.id);

    const cancelledOnly = (await call('GET', '/v1/jobs?status=cancelled&limit=100')).body as unknown as { data: JobAnswer[] };
    expect(cancelledOnly.data.length).toBeGreaterThan(0);
    expect(cancelledOnly.data.every((job) => job.status === 'cancelled')).toBe(true);
    const theirList = (await call('GET', '/v1/jobs?limit=100', undefined, {}, OTHER_TENANT_KEY)).body as unknown as { data: JobAnswer[] };
    expect(theirList.data.map((job) => job.id)).not.toContain(mine.body.id);
  });

  it.each([
    ['a stream', { stream: true }, 'stream'],
    ['a webhook that is not http', { webhook: { url: 'ftp://example.com/hook' } }, 'webhook.url'],
    ['a webhook secret that is not one', { webhook: { url: 'https://example.com/hook', secret: 'hunter2' } }, 'webhook.secret'],
    [
      'a webhook secret the signer would refuse (base64 without padding)',
      { webhook: { url: 'https://example.com/hook', secret: `whsec_${'A'.repeat(25)}` } },
      'webhook.secret',
    ],
    ['priority 0', { priority: 0 }, 'priority'],
    ['a negative delay', { delay: -1 }, 'delay'],
    ['an unknown field', { callback: 'x' }, 'callback'],
  ])('refuses %s with a 400 naming the field', async (_label, extra, param) => {
    const refused = await submit(extra);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'invalid_request', param });
  });

  it.each([
    ['/v1/jobs?limit=0', 'limit'],
    ['/v1/jobs?status=done', 'status'],
  ])('refuses a bad listing %s', async (path, param) => {
    const refused = await call('GET', path);
    expect(refused.status).toBe(400);
    expect(refused.body.error?.param).toBe(param);
  });

  it('answers 404 for a job that does not exist, and 401 without a key', async () => {
    expect((await call('GET', '/v1/jobs/job_nope')).status).toBe(404);
    // A well-formed id naming a provider that does not exist: refused without touching any queue.
    expect((await call('GET', `/v1/jobs/job_${'0'.repeat(32)}_no-such-provider`)).status).toBe(404);
    expect((await call('GET', '/v1/jobs/job_nope', undefined, {}, 'sk-wrong-key-000000000000')).status).toBe(401);
    expect((await call('POST', '/v1/jobs', '{"model":', {})).status).toBe(400);
  });
});
