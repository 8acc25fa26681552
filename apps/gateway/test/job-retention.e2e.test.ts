import { llmQueuePrefix } from '@switchyard/contracts';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, postChat, startPlatform, TEST_API_KEY } from './platform-harness';

const SYNC_REQUESTS = 150;

describe('an async job among sync traffic on the same provider', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform();
  });

  afterAll(async () => {
    await platform.close();
  });

  const jobView = async (id: string) => {
    const response = await fetch(`${platform.gateway.url}/v1/jobs/${id}`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
    return { status: response.status, body: (await response.json()) as { status?: string; result?: { choices: { message: { content: string } }[] } } };
  };

  it('keeps its result readable however many sync jobs finish after it, and sync jobs leave nothing behind', async () => {
    const accepted = await fetch(`${platform.gateway.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-echo', messages: [{ role: 'user', content: 'keep my result' }] }),
    });
    expect(accepted.status).toBe(202);
    const { id } = (await accepted.json()) as { id: string };
    await expect.poll(async () => (await jobView(id)).body.status, { timeout: 10_000, interval: 50 }).toBe('succeeded');

    // Sync requests on the same provider queue, 10 at a time.
    let sent = 0;
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (sent < SYNC_REQUESTS) {
          sent++;
          const response = await postChat(platform, JSON.stringify({ model: 'mock-echo', messages: [{ role: 'user', content: `sync ${sent}` }] }));
          statuses.push(response.status);
          await response.text();
        }
      }),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(SYNC_REQUESTS);

    const view = await jobView(id);
    expect(view.status).toBe(200);
    expect(view.body.result?.choices[0]?.message.content).toBe('keep my result');
    // The answered sync jobs are gone from Redis (their rows are in PostgreSQL), so they can never trim it.
    const queue = new Queue('mock', { connection: { url: platform.env.REDIS_URL }, prefix: llmQueuePrefix(platform.env.SWITCHYARD_KEY_PREFIX) });
    const counts = await queue.getJobCounts('completed');
    await queue.close();
    expect(counts.completed).toBe(1);
  });
});
