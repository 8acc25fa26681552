import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';
import { PrivateRedis } from './private-redis';

describe('an accepted job survives a Redis restart', () => {
  let platform: Platform;
  let redis: PrivateRedis;

  beforeAll(async () => {
    redis = await PrivateRedis.start({ appendOnly: true });
    // No worker yet: the job waits in the queue through the restart.
    platform = await startPlatform({ worker: false, env: { REDIS_URL: redis.url } });
  });

  afterAll(async () => {
    await platform.close();
    await redis.stop();
  });

  it('is still there after Redis is killed and restarted, and then completes', async () => {
    const accepted = await fetch(`${platform.gateway.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-echo', messages: [{ role: 'user', content: 'kept through a crash' }] }),
    });
    expect(accepted.status).toBe(202);
    const { id } = (await accepted.json()) as { id: string };

    // A crash, not a shutdown: nothing gets a chance to save.
    await redis.kill();
    await redis.restart();

    await platform.startWorker();
    await expect
      .poll(
        async () => {
          const response = await fetch(`${platform.gateway.url}/v1/jobs/${id}`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
          return response.ok ? ((await response.json()) as { status: string }).status : `http ${response.status}`;
        },
        { timeout: 10_000, interval: 100 },
      )
      .toBe('succeeded');
    expect(await platform.usageRow(id)).toMatchObject({ status: 'succeeded' });
  }, 20_000);
});
