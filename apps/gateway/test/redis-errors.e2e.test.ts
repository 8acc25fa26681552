import { startWorkerLocal } from '@switchyard/worker-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';
import { PrivateRedis } from './private-redis';

describe('the model list while Redis cannot be read', () => {
  let redis: PrivateRedis;
  let platform: Platform;

  beforeAll(async () => {
    redis = await PrivateRedis.start({ appendOnly: false });
    platform = await startPlatform({ worker: false, env: { REDIS_URL: redis.url } });
  }, 30_000);

  afterAll(async () => {
    // Back up (empty) first, so the workers and the gateway can stop cleanly.
    await redis.restart();
    await platform.close();
    await redis.stop();
  });

  const modelIds = async () => {
    const ids: string[] = [];
    for await (const model of platform.client.models.list()) ids.push(model.id);
    return ids;
  };
  const inventoryErrors = async () => {
    const text = await (await fetch(`${platform.gateway.url}/metrics`)).text();
    return Number(/^switchyard_model_inventory_errors_total (\d+)/m.exec(text)?.[1] ?? Number.NaN);
  };

  it("still lists the configured models and the local servers' models last read, and counts the failed read", async () => {
    // worker-local publishes what the local server has; it is stopped before Redis goes (a worker cannot stop cleanly without it).
    const worker = await startWorkerLocal(platform.env);
    await expect.poll(modelIds, { timeout: 5000 }).toContain('local/echo:latest');
    await worker.close();
    const before = await modelIds();

    await redis.kill();
    const response = await fetch(`${platform.gateway.url}/v1/models`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
    expect(response.status).toBe(200);
    const during = ((await response.json()) as { data: { id: string }[] }).data.map((model) => model.id);
    expect(during).toStrictEqual(before);
    expect(during).toContain('mock-echo');
    expect(await inventoryErrors()).toBe(1);
  }, 60_000);
});
