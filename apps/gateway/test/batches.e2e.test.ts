import { createDataSource } from '@switchyard/database';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_TENANT_KEY, type Platform, startPlatform, TEST_API_KEY } from './platform-harness';

interface OutputLine {
  id: string;
  custom_id: string;
  response: { status_code: number; body: { choices?: { message: { content: string } }[]; error?: { code: string } } } | null;
  error: { code: string } | null;
}

const line = (customId: string, model: string, content: string) =>
  JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/chat/completions', body: { model, messages: [{ role: 'user', content }] } });

describe("batches, in the shape of OpenAI's Batch API", () => {
  let platform: Platform;
  let client: OpenAI;

  beforeAll(async () => {
    // A thousand jobs at once on a loaded CI machine: a 1 s upstream timeout would trip the mock's circuit.
    platform = await startPlatform({ upstreamTimeoutMs: 15_000, env: { WORKER_CONCURRENCY: '64', BATCH_EXPIRY_CHECK_MS: '200' } });
    client = platform.client;
  });

  afterAll(async () => {
    await platform.close();
  });

  async function upload(lines: string[]) {
    return client.files.create({ file: await toFile(Buffer.from(`${lines.join('\n')}\n`), 'requests.jsonl'), purpose: 'batch' });
  }

  async function outputOf(fileId: string | null | undefined): Promise<OutputLine[]> {
    if (!fileId) return [];
    const text = await (await client.files.content(fileId)).text();
    return text
      .split('\n')
      .filter((row) => row !== '')
      .map((row) => JSON.parse(row) as OutputLine);
  }

  /** Polls until the batch reaches `status`, and answers it as it is then. */
  async function ended(batchId: string, status: string, timeout: number) {
    let batch = await client.batches.retrieve(batchId);
    await expect
      .poll(
        async () => {
          batch = await client.batches.retrieve(batchId);
          return batch.status;
        },
        { timeout, interval: 100 },
      )
      .toBe(status);
    return batch;
  }

  /** Until the batch has finished some lines (how long depends on the machine's load). */
  async function someLinesDone(batchId: string): Promise<void> {
    await expect
      .poll(async () => (await client.batches.retrieve(batchId)).request_counts?.completed ?? 0, { timeout: 10_000, interval: 50 })
      .toBeGreaterThan(0);
  }

  it('runs a 1,000-line batch to completion with correct counts, output in input order, failures in the error file', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => line(`req-${i}`, 'mock-echo', `line ${i}`));
    // Every hundredth request goes to a provider that refuses our key: not retried, so it fails at once.
    for (let i = 50; i < 1000; i += 100) lines[i] = line(`req-${i}`, 'bad-upstream-key', `line ${i}`);
    const input = await upload(lines);
    const batch = await client.batches.create({
      input_file_id: input.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
      metadata: { run: 'nightly' },
    });
    expect(batch).toMatchObject({ object: 'batch', status: 'in_progress', request_counts: { total: 1000 }, metadata: { run: 'nightly' } });

    const done = await ended(batch.id, 'completed', 60_000);
    expect(done.request_counts).toStrictEqual({ total: 1000, completed: 990, failed: 10 });
    expect(done.completed_at).toBeGreaterThanOrEqual(done.created_at);

    const output = await outputOf(done.output_file_id);
    const expectedOk = Array.from({ length: 1000 }, (_, i) => i).filter((i) => i % 100 !== 50);
    expect(output.map((row) => row.custom_id)).toStrictEqual(expectedOk.map((i) => `req-${i}`));
    for (const [n, row] of output.entries()) {
      expect(row.response?.status_code).toBe(200);
      expect(row.response?.body.choices?.[0]?.message.content).toBe(`line ${expectedOk[n]}`);
    }
    const errors = await outputOf(done.error_file_id);
    expect(errors.map((row) => row.custom_id)).toStrictEqual(Array.from({ length: 10 }, (_, k) => `req-${50 + k * 100}`));
    expect(errors.every((row) => row.response?.status_code === 502 && row.response.body.error?.code === 'upstream_auth_failed')).toBe(true);

    // Another tenant sees neither the batch nor its files, and cannot cancel it.
    const other = new OpenAI({ apiKey: OTHER_TENANT_KEY, baseURL: `${platform.gateway.url}/v1`, maxRetries: 0 });
    await expect(other.batches.retrieve(batch.id)).rejects.toMatchObject({ status: 404 });
    await expect(other.batches.cancel(batch.id)).rejects.toMatchObject({ status: 404 });
    expect((await client.batches.retrieve(batch.id)).status).toBe('completed');
    await expect(other.files.content(done.output_file_id ?? '')).rejects.toMatchObject({ status: 404 });
  }, 90_000);

  it('fails a batch whose file has bad lines, naming each', async () => {
    const wrongMethod = JSON.stringify({ custom_id: 'b', method: 'GET', url: '/v1/chat/completions', body: {} });
    const input = await upload([line('a', 'mock-echo', 'fine'), wrongMethod, line('a', 'mock-echo', 'duplicate id'), line('c', 'no-such-model', 'x')]);
    const batch = await client.batches.create({ input_file_id: input.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect(batch.status).toBe('failed');
    expect(batch.errors?.data?.map((error) => [error.line, error.code])).toStrictEqual([
      [2, 'invalid_request'],
      [3, 'duplicate_custom_id'],
      [4, 'model_not_found'],
    ]);
  });

  it('cancels a running batch: lines not yet run are dropped, finished ones keep their output', async () => {
    const lines = Array.from({ length: 300 }, (_, i) => line(`slow-${i}`, 'slow', `slow ${i}`));
    const input = await upload(lines);
    const batch = await client.batches.create({ input_file_id: input.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    await someLinesDone(batch.id);
    const cancelling = await client.batches.cancel(batch.id);
    expect(['cancelling', 'cancelled']).toContain(cancelling.status);
    const done = await ended(batch.id, 'cancelled', 15_000);
    expect(done.request_counts.total).toBe(300);
    expect(done.request_counts.completed).toBeGreaterThan(0);
    expect(done.request_counts.completed).toBeLessThan(300);
    expect(done.request_counts.completed + done.request_counts.failed).toBe(300);
    const dropped = await outputOf(done.error_file_id);
    expect(dropped.length).toBe(done.request_counts.failed);
    expect(dropped.every((row) => row.error?.code === 'batch_cancelled')).toBe(true);
  }, 30_000);

  it('stops a batch whose 24 h window has passed: it ends expired, finished lines kept, the rest batch_expired', async () => {
    const lines = Array.from({ length: 300 }, (_, i) => line(`late-${i}`, 'slow', `late ${i}`));
    const batch = await client.batches.create({ input_file_id: (await upload(lines)).id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    await someLinesDone(batch.id);
    // A day cannot pass in a test: the window is moved instead.
    const database = createDataSource(platform.env.DATABASE_URL ?? '', { poolSize: 1 });
    await database.initialize();
    await database.query("UPDATE batches SET expires_at = now() - interval '1 second' WHERE id = $1", [batch.id]);
    await database.destroy();
    const done = await ended(batch.id, 'expired', 15_000);
    expect(done.expired_at).toBeGreaterThan(0);
    expect(done.request_counts.completed).toBeGreaterThan(0);
    expect(done.request_counts.completed).toBeLessThan(300);
    expect(done.request_counts.completed + done.request_counts.failed).toBe(300);
    const expired = await outputOf(done.error_file_id);
    expect(expired.length).toBe(done.request_counts.failed);
    expect(expired.every((row) => row.error?.code === 'batch_expired')).toBe(true);
    expect((await outputOf(done.output_file_id)).length).toBe(done.request_counts.completed);
  }, 30_000);

  it('still completes a batch when one of its lines is cancelled through /v1/jobs', async () => {
    // More lines than the worker runs at once, so some are still queued.
    const lines = Array.from({ length: 100 }, (_, i) => line(`one-${i}`, 'slow', `one ${i}`));
    const batch = await client.batches.create({ input_file_id: (await upload(lines)).id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    const jobs = (await (
      await fetch(`${platform.gateway.url}/v1/jobs?status=queued&limit=100`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } })
    ).json()) as {
      data: { id: string }[];
    };
    const lineJob = jobs.data[0]?.id ?? '';
    expect(lineJob).toMatch(/^job_/);
    const cancelled = await fetch(`${platform.gateway.url}/v1/jobs/${lineJob}`, { method: 'DELETE', headers: { authorization: `Bearer ${TEST_API_KEY}` } });
    expect(cancelled.status).toBe(200);
    await expect.poll(async () => (await client.batches.retrieve(batch.id)).status, { timeout: 15_000, interval: 100 }).toBe('completed');
    const done = await client.batches.retrieve(batch.id);
    expect(done.request_counts).toStrictEqual({ total: 100, completed: 99, failed: 1 });
  }, 30_000);

  it.each([
    ['an unknown file', { input_file_id: 'file-nope', endpoint: '/v1/chat/completions', completion_window: '24h' }, 404, 'not_found'],
    ['another endpoint', { input_file_id: 'file-x', endpoint: '/v1/embeddings', completion_window: '24h' }, 400, 'invalid_request'],
    ['another window', { input_file_id: 'file-x', endpoint: '/v1/chat/completions', completion_window: '1h' }, 400, 'invalid_request'],
  ])('refuses %s', async (_label, body, status, code) => {
    const response = await fetch(`${platform.gateway.url}/v1/batches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
  });
});

describe('listing batches, per tenant, and cancelling a batch mid-call', () => {
  const ADMIN_KEY = 'sk-admin-switchyard-batches-000001';
  let platform: Platform;
  let client: OpenAI;
  let mineSdk: OpenAI;
  let theirs: OpenAI;

  /** A new tenant and a key of it: its batch list starts empty, whatever earlier runs left in the database. */
  async function freshTenant(id: string): Promise<OpenAI> {
    const admin = (path: string, body: unknown) =>
      fetch(`${platform.gateway.url}/admin${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await admin('/tenants', { id, name: id })).status).toBe(201);
    const { key } = (await (await admin(`/tenants/${id}/keys`, { name: 'batches' })).json()) as { key: string };
    return new OpenAI({ apiKey: key, baseURL: `${platform.gateway.url}/v1`, maxRetries: 0 });
  }

  beforeAll(async () => {
    // Upstream calls that hang stay open (no 1 s timeout) until the cancel cuts them.
    platform = await startPlatform({ upstreamTimeoutMs: 60_000, env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY } });
    client = platform.client;
    const suffix = Date.now().toString(36);
    mineSdk = await freshTenant(`bl-a-${suffix}`);
    theirs = await freshTenant(`bl-b-${suffix}`);
  });

  afterAll(async () => {
    await platform.close();
  });

  async function batchOf(sdk: OpenAI, lines: string[]) {
    const file = await sdk.files.create({ file: await toFile(Buffer.from(`${lines.join('\n')}\n`), 'requests.jsonl'), purpose: 'batch' });
    return sdk.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
  }

  it("lists a tenant's own batches, newest first, page by page, and never another tenant's", async () => {
    const mine = [];
    for (let i = 0; i < 3; i++) mine.push(await batchOf(mineSdk, [line(`m${i}`, 'mock-echo', `mine ${i}`)]));
    const other = await batchOf(theirs, [line('t0', 'mock-echo', 'theirs')]);

    const listed = [];
    for await (const batch of mineSdk.batches.list({ limit: 2 })) listed.push(batch.id);
    expect(listed).toStrictEqual(mine.map((batch) => batch.id).reverse());
    const page = await mineSdk.batches.list({ limit: 2 });
    expect(page.data).toHaveLength(2);
    expect(page.hasNextPage()).toBe(true);

    const theirList = [];
    for await (const batch of theirs.batches.list()) theirList.push(batch.id);
    expect(theirList).toStrictEqual([other.id]);
    // Another tenant's batch is not there for them at all: not readable, not cancellable.
    await expect(mineSdk.batches.retrieve(other.id)).rejects.toMatchObject({ status: 404 });
    await expect(mineSdk.batches.cancel(other.id)).rejects.toMatchObject({ status: 404 });
    await expect(theirs.batches.retrieve(mine[0]?.id ?? '')).rejects.toMatchObject({ status: 404 });
  });

  it('aborts the upstream calls of lines running when the batch is cancelled', async () => {
    const lines = Array.from({ length: 4 }, (_, i) => line(`h${i}`, 'hangs', `hanging line ${i}`));
    const abortedBefore = platform.mock.abortedRequests;
    const batch = await batchOf(client, lines);
    const running = () => platform.mock.requests.filter((request) => JSON.stringify(request.body).includes('hanging line')).length;
    await expect.poll(running, { timeout: 10_000, interval: 50 }).toBe(4);

    await client.batches.cancel(batch.id);
    // Every running line's upstream call is cut, long before the 60 s upstream timeout would.
    await expect.poll(() => platform.mock.abortedRequests - abortedBefore, { timeout: 10_000, interval: 50 }).toBe(4);
    await expect.poll(async () => (await client.batches.retrieve(batch.id)).status, { timeout: 10_000, interval: 100 }).toBe('cancelled');
    const done = await client.batches.retrieve(batch.id);
    expect(done.request_counts).toStrictEqual({ total: 4, completed: 0, failed: 4 });
    // Cut, not retried.
    expect(running()).toBe(4);
  }, 40_000);
});
