import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@switchyard/observability';
import type { RunningWorker } from '@switchyard/queue';
import { createRedis } from '@switchyard/queue';
import { type MockUpstream, startMockUpstream } from '@switchyard/testing';
import { startLlmWorker } from '@switchyard/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectClient } from './direct-client';
import type { JobEnded } from './switchyard-client';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe(DirectClient.name, () => {
  const prefix = `sytest-${randomUUID().slice(0, 8)}`;
  let mock: MockUpstream;
  let worker: RunningWorker;
  let client: DirectClient;
  let other: DirectClient;

  beforeAll(async () => {
    mock = await startMockUpstream();
    const configPath = join(mkdtempSync(join(tmpdir(), 'switchyard-client-')), 'switchyard.yaml');
    writeFileSync(
      configPath,
      `providers:\n  mock:\n    kind: openai-compatible\n    baseUrl: ${mock.url}/v1\n    requiresKey: false\n` +
        // A keyed provider whose key only the workers would hold: the client still routes to it.
        '  keyed:\n    kind: openai\n    apiKeyEnv: CLIENT_TEST_UNSET_KEY\n' +
        'models:\n  - name: mock-echo\n    provider: mock\n    model: echo\n  - name: keyed-model\n    provider: keyed\n    model: gpt-x\n' +
        'auth:\n  keys:\n    - id: k\n      key: sk-client-test-0000000000\n',
    );
    const env = {
      ...process.env,
      SWITCHYARD_CONFIG: configPath,
      SWITCHYARD_KEY_PREFIX: prefix,
      LOG_LEVEL: 'silent',
      USAGE_FLUSH_MS: '20',
      WORKER_CONCURRENCY: '32',
    };
    worker = await startLlmWorker({ service: 'worker-cloud', kinds: new Set(['openai-compatible']), source: env });
    client = await DirectClient.connect({ redisUrl, prefix, configPath, caller: { keyId: 'billing-service', tenant: 'acme' } });
    other = await DirectClient.connect({ redisUrl, prefix, configPath, caller: { keyId: 'other-service', tenant: 'globex' } });
  });

  afterAll(async () => {
    await Promise.all([client.close(), other.close()]);
    await worker.close();
    await mock.close();
    const redis = createRedis(redisUrl, { name: 'switchyard:test-cleanup', logger: createLogger({ service: 'test', level: 'silent' }) });
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  const ask = (content: string) => ({ model: 'mock-echo', messages: [{ role: 'user' as const, content }] });

  it('enqueues without HTTP and waits for the answer on its own reply channel', async () => {
    const completion = await client.enqueueAndWait(ask('straight onto the queue'));
    expect(completion.choices[0]?.message.content).toBe('straight onto the queue');
  });

  it('enqueues a job that can then be looked up by id, within its tenant only', async () => {
    const view = await client.enqueue(ask('look me up'), { priority: 5 });
    expect(view).toMatchObject({ status: 'queued', model: 'mock-echo' });
    await expect.poll(async () => (await client.get(view.id)).status, { timeout: 5000 }).toBe('succeeded');
    expect((await client.get(view.id)).result?.choices[0]?.message.content).toBe('look me up');
    await expect(other.get(view.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('enqueues in bulk, and reports every job as it ends', async () => {
    const ended: JobEnded[] = [];
    const stop = client.onJobEnded((event) => ended.push(event));
    const views = await client.enqueueBulk(Array.from({ length: 200 }, (_, i) => ask(`bulk ${i}`)));
    expect(new Set(views.map((view) => view.id)).size).toBe(200);
    await expect.poll(() => ended.length, { timeout: 10_000 }).toBe(200);
    stop();
    const texts = new Map(ended.map((event) => [event.jobId, event.status === 'succeeded' ? event.completion.choices[0]?.message.content : 'failed']));
    expect(views.map((view) => texts.get(view.id))).toStrictEqual(views.map((_, i) => `bulk ${i}`));
  });

  it('checks every request before queueing any: a bad one refuses the batch and names its index', async () => {
    const before = mock.requests.length;
    const bad = { model: 'mock-echo', messages: [] };
    await expect(client.enqueueBulk([ask('fine'), bad as never])).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining('requests[1]'),
    });
    await expect(client.enqueue({ ...ask('x'), model: 'no-such-model' })).rejects.toMatchObject({ code: 'model_not_found' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(mock.requests.length).toBe(before);
  });

  it('routes to a keyed provider without holding its key (the workers hold it)', async () => {
    const view = await client.enqueue({ ...ask('x'), model: 'keyed-model' });
    expect(view.status).toBe('queued');
    expect((await client.cancel(view.id)).status).toBe('cancelled');
  });

  it('cancels a delayed job before it runs', async () => {
    const view = await client.enqueue(ask('later'), { delay: 60_000 });
    expect((await client.cancel(view.id)).status).toBe('cancelled');
    expect((await client.get(view.id)).status).toBe('cancelled');
    const page = await client.list({ status: 'cancelled', limit: 100 });
    expect(page.data.map((job) => job.id)).toContain(view.id);
  });
});
