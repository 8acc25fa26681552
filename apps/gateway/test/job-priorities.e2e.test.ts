import { llmQueueKey } from '@switchyard/contracts';
import { createLogger } from '@switchyard/observability';
import { createRedis } from '@switchyard/queue';
import { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Platform, postChat, startPlatform, TEST_API_KEY } from './platform-harness';

const line = (customId: string, content: string) =>
  JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/chat/completions', body: { model: 'mock-echo', messages: [{ role: 'user', content }] } });

describe('priorities on a busy provider queue', () => {
  let platform: Platform;

  beforeAll(async () => {
    // One job at a time on each provider queue: the order the upstream sees is the queue's order.
    platform = await startPlatform({ worker: false, upstreamTimeoutMs: 15_000, env: { WORKER_CONCURRENCY: '1' } });
  });

  afterAll(async () => {
    await platform.close();
  });

  async function submit(content: string, extra: Record<string, unknown> = {}): Promise<string> {
    const response = await fetch(`${platform.gateway.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-echo', messages: [{ role: 'user', content }], ...extra }),
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as { id: string }).id;
  }

  /** The prompts the upstream was asked, in the order it was asked. */
  const upstreamOrder = () => platform.mock.requests.map((request) => (request.body as { messages: { content: string }[] }).messages.at(-1)?.content ?? '');

  it('runs interactive requests, then async jobs by priority (1 before jobs that give none), before a batch queued earlier', async () => {
    // A batch first, while no worker runs: its lines wait on the provider's queue ahead of everything below.
    const file = await platform.client.files.create({
      file: await toFile(Buffer.from(`${Array.from({ length: 5 }, (_, i) => line(`b${i}`, `batch ${i}`)).join('\n')}\n`), 'requests.jsonl'),
      purpose: 'batch',
    });
    const batch = await platform.client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    await expect.poll(async () => (await platform.client.batches.retrieve(batch.id)).request_counts?.total ?? 0, { timeout: 10_000 }).toBe(5);

    await submit('async 0');
    await submit('async 1');
    await submit('behind', { priority: 1000 });
    await submit('urgent', { priority: 1 });
    await submit('async 2');
    // An interactive caller waits for its answer while all of that is queued.
    const interactive = postChat(platform, JSON.stringify({ model: 'mock-echo', messages: [{ role: 'user', content: 'interactive' }] }));
    const redis = createRedis(platform.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      name: 'switchyard:test',
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
    // Every job, the interactive one too, is on the queue (waiting or prioritised) before a worker starts.
    const queue = llmQueueKey(platform.env.SWITCHYARD_KEY_PREFIX ?? '', 'mock');
    await vi.waitFor(async () => expect((await redis.llen(`${queue}:wait`)) + (await redis.zcard(`${queue}:prioritized`))).toBe(11), { timeout: 10_000 });
    await redis.quit();

    await platform.startWorker();
    expect((await interactive).status).toBe(200);
    await expect.poll(() => upstreamOrder().length, { timeout: 20_000, interval: 50 }).toBe(11);
    // The interactive caller first; then async jobs by priority (1 first, 500 when none is given, 1000 last),
    // in submission order within one; the batch lines last, though they were queued first.
    expect(upstreamOrder()).toStrictEqual([
      'interactive',
      'urgent',
      'async 0',
      'async 1',
      'async 2',
      'behind',
      'batch 0',
      'batch 1',
      'batch 2',
      'batch 3',
      'batch 4',
    ]);
  }, 60_000);
});
