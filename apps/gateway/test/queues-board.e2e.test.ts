import { Writable } from 'node:stream';
import { loadRoutingConfig } from '@switchyard/config';
import { llmQueuePrefix, WEBHOOK_QUEUE, webhookQueuePrefix } from '@switchyard/contracts';
import { createLogger } from '@switchyard/observability';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';

const ADMIN_KEY = 'sk-admin-switchyard-board-00000001';
const ask = (model: string, content: string) => ({ model, messages: [{ role: 'user' as const, content }] });

interface BoardQueue {
  name: string;
  readOnlyMode: boolean;
  counts: Record<string, number>;
  jobs: { opts: { priority?: number }; data: { batch?: { id: string } } }[];
}

describe('the queues board at /admin/queues', () => {
  let platform: Platform;
  let redis: Redis;
  const logLines: string[] = [];
  let batchId = '';

  beforeAll(async () => {
    const logger = createLogger({
      service: 'gateway',
      level: 'debug',
      destination: new Writable({
        write(chunk, _encoding, done) {
          logLines.push(...String(chunk).split('\n').filter(Boolean));
          done();
        },
      }),
    });
    // The worker serves `mock` and `backup` only: jobs for `fragile` stay queued, and no dispatcher takes the webhooks.
    platform = await startPlatform({ env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY, WORKER_PROVIDERS: 'mock,backup' }, logger });
    redis = new Redis(platform.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });

    // A few real requests: an answered sync one (deleted once answered), a failed one (kept), an async job
    // with a webhook, one that waits for its provider, and a two-line batch on that provider.
    const submit = async (body: Record<string, unknown>) => {
      const response = await fetch(`${platform.gateway.url}/v1/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(202);
      return (await response.json()) as { id: string };
    };
    await platform.client.chat.completions.create(ask('mock-echo', 'answered'));
    await expect(platform.client.chat.completions.create(ask('fails-500', 'fails'))).rejects.toMatchObject({ status: 502 });
    await submit({ ...ask('mock-echo', 'call me back'), webhook: { url: 'https://hooks.example.com/done' } });
    await submit(ask('fragile-echo', 'waits'));
    const lines = ['one', 'two'].map((content, i) =>
      JSON.stringify({ custom_id: `line-${i}`, method: 'POST', url: '/v1/chat/completions', body: ask('fragile-echo', content) }),
    );
    const input = await platform.client.files.create({ file: await toFile(Buffer.from(`${lines.join('\n')}\n`), 'lines.jsonl'), purpose: 'batch' });
    batchId = (await platform.client.batches.create({ input_file_id: input.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id;
  });

  afterAll(async () => {
    await redis?.quit();
    await platform?.close();
  });

  const board = (path: string, headers: Record<string, string> = {}, init: RequestInit = {}) =>
    fetch(`${platform.gateway.url}/admin/queues${path}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } });
  const asAdmin = { authorization: `Bearer ${ADMIN_KEY}` };
  const listing = async (headers: Record<string, string>, query = '') => {
    const response = await board(`/api/queues${query}`, headers);
    expect(response.status).toBe(200);
    return ((await response.json()) as { queues: BoardQueue[] }).queues;
  };

  it('lists every provider queue of the routing config and the webhook queue, with the job counts BullMQ holds', async () => {
    const providers = [...Object.keys(loadRoutingConfig(platform.env.SWITCHYARD_CONFIG ?? '', platform.env).providers)];
    expect(providers).toEqual(expect.arrayContaining(['mock', 'backup', 'fragile', 'asleep']));
    const expected = {
      'llm:mock': { completed: 1, failed: 1, prioritized: 0, waiting: 0 },
      'llm:fragile': { completed: 0, failed: 0, prioritized: 3, waiting: 0 },
      'wh:webhooks': { completed: 0, failed: 0, prioritized: 0, waiting: 1 },
    };
    const pick = (counts: Record<string, number>) => ({
      completed: counts.completed,
      failed: counts.failed,
      prioritized: counts.prioritized,
      waiting: counts.waiting,
    });
    let queues: BoardQueue[] = [];
    await expect
      .poll(
        async () => {
          queues = await listing(asAdmin);
          return Object.fromEntries(queues.filter((queue) => queue.name in expected).map((queue) => [queue.name, pick(queue.counts)]));
        },
        { timeout: 10_000, interval: 200 },
      )
      .toStrictEqual(expected);
    expect(queues.map((queue) => queue.name).sort()).toEqual([...providers.map((provider) => `llm:${provider}`), `wh:${WEBHOOK_QUEUE}`].sort());
    expect(queues.every((queue) => queue.readOnlyMode)).toBe(true);

    // The same numbers BullMQ reports for those queues.
    const prefix = platform.env.SWITCHYARD_KEY_PREFIX ?? '';
    const fragile = new Queue('fragile', { connection: redis, prefix: llmQueuePrefix(prefix) });
    const webhooks = new Queue(WEBHOOK_QUEUE, { connection: redis, prefix: webhookQueuePrefix(prefix) });
    expect(pick(await fragile.getJobCounts())).toStrictEqual(expected['llm:fragile']);
    expect(pick(await webhooks.getJobCounts())).toStrictEqual(expected['wh:webhooks']);
    await fragile.close();
    await webhooks.close();

    // The batch's lines are among the provider's prioritized jobs, after every other job.
    const [active] = (await listing(asAdmin, '?activeQueue=llm%3Afragile&status=prioritized&page=1&jobsPerPage=10')).filter((q) => q.name === 'llm:fragile');
    const lines = active?.jobs.filter((job) => job.data.batch?.id === batchId) ?? [];
    expect(lines).toHaveLength(2);
    expect(lines.every((job) => (job.opts.priority ?? 0) > 1_000_000)).toBe(true);
  });

  it("serves the board's page to the admin key", async () => {
    const page = await board('', asAdmin);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<base href="/admin/queues/" />');
    expect(html).toContain('<title>Switchyard queues</title>');
    // Its assets are served under the same guard.
    const stylesheet = /href="(static\/css\/[^"]+\.css)"/.exec(html)?.[1] ?? 'missing';
    expect((await board(`/${stylesheet}`, asAdmin)).status).toBe(200);
    expect((await board(`/${stylesheet}`)).status).toBe(401);
    // HEAD tells the length a GET would send.
    const head = await board('', asAdmin, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBe(Buffer.byteLength(html));
  });

  it('refuses the pages and the API without the admin key, as the admin API does', async () => {
    const adminApi = await fetch(`${platform.gateway.url}/admin/tenants`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
    expect(adminApi.status).toBe(401);
    const refusal = await adminApi.json();
    expect(refusal).toMatchObject({ error: { type: expect.any(String), code: expect.any(String), message: expect.any(String) } });
    for (const path of ['', '/', '/api/queues', '/api/redis/stats', '/queue/llm%3Amock']) {
      for (const headers of [{}, { authorization: `Bearer ${TEST_API_KEY}` }, { 'x-api-key': 'sk-wrong' }, { cookie: 'switchyard_board=1.forged' }]) {
        const response = await board(path, headers);
        expect({ path, headers, status: response.status }).toStrictEqual({ path, headers, status: 401 });
        expect(await response.json()).toStrictEqual(refusal);
      }
    }
    // A change is refused too (and the board is read-only even to the admin).
    expect((await board('/api/queues/llm%3Afragile/pause', {}, { method: 'PUT' })).status).toBe(401);
  });

  it('lets a browser in with a session cookie bought with the key in a POST body, never the key itself', async () => {
    const signIn = (key: string) => board('/session', { 'content-type': 'application/json' }, { method: 'POST', body: JSON.stringify({ key }) });
    const wrong = await signIn(TEST_API_KEY);
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const missing = await board('/session', { 'content-type': 'application/json' }, { method: 'POST', body: '{}' });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { param: string } }).error.param).toBe('key');

    const right = await signIn(ADMIN_KEY);
    expect(right.status).toBe(204);
    const cookie = right.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^switchyard_board=[^;]+; Path=\/admin\/queues; Max-Age=\d+; HttpOnly; SameSite=Strict/);
    expect(cookie).not.toContain(ADMIN_KEY);
    const session = { cookie: cookie.split(';')[0] ?? '' };
    expect((await board('', session)).status).toBe(200);
    expect((await listing(session)).length).toBeGreaterThan(4);
    // The sign-in form itself needs no key.
    const form = await board('/session');
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('type="password"');
    // Another gateway's admin key would sign differently: a token altered by one character is refused.
    const tampered = session.cookie.slice(0, -1) + (session.cookie.endsWith('A') ? 'B' : 'A');
    expect((await board('/api/queues', { cookie: tampered })).status).toBe(401);
  });

  it('never logs the admin key', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.filter((line) => line.includes(ADMIN_KEY))).toEqual([]);
  });
});
