import { asyncJobIndexKey, deploymentKeyPattern } from '@switchyard/contracts';
import { createLogger } from '@switchyard/observability';
import { createRedis, type Redis } from '@switchyard/queue';
import { startWebhookReceiver, type WebhookReceiver } from '@switchyard/testing';
import { type RunningWebhookDispatcher, startWebhookDispatcher } from '@switchyard/webhook-dispatcher';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_TENANT_KEY, type Platform, startPlatform, TEST_API_KEY } from './platform-harness';

// 24 bytes in base64: a valid Standard Webhooks secret, for the tests only.
const SECRET = 'whsec_c3dpdGNoeWFyZC13ZWJob29rcy10ZXN0';
/** Short retentions, so a run of under a minute passes them many times over. */
const RETENTION_MS = 3000;
const JOBS_PER_TICK = 10;
const TICK_MS = 200;
const RUN_MS = 40_000;
const FLUSH_JOBS = 20;
/** An async job with a webhook: its job hash, its event's hash and the event's attempt log. */
const KEYS_PER_JOB = 3;
/** The queues' own keys (sets, streams, markers, metadata) and the tenant's index. */
const FIXED_KEYS = 60;

async function countKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let count = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', deploymentKeyPattern(prefix), 'COUNT', 1000);
    cursor = next;
    count += keys.length;
  } while (cursor !== '0');
  return count;
}

describe("Redis's size under steady async traffic with webhooks", () => {
  let platform: Platform;
  let dispatcher: RunningWebhookDispatcher;
  let receiver: WebhookReceiver;
  let redis: Redis;

  beforeAll(async () => {
    receiver = await startWebhookReceiver({});
    platform = await startPlatform({ env: { ASYNC_JOB_RETENTION_MS: String(RETENTION_MS) } });
    dispatcher = await startWebhookDispatcher({
      ...platform.env,
      WEBHOOK_SECRET: SECRET,
      WEBHOOK_ALLOWLIST: '127.0.0.1',
      WEBHOOK_KEEP_DELIVERED_MS: String(RETENTION_MS),
    });
    redis = createRedis(platform.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      name: 'switchyard:test',
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
  });

  afterAll(async () => {
    await redis?.quit();
    await dispatcher?.close();
    await platform?.close();
    receiver?.close();
  });

  it('keeps only what is within its retention: after a few thousand jobs, the keys left are those of the last few, and a quiet tenant leaves no index', async () => {
    const prefix = platform.env.SWITCHYARD_KEY_PREFIX ?? '';
    // Another tenant sends one job and then nothing: its job index must not outlive the job.
    const lone = await fetch(`${platform.gateway.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OTHER_TENANT_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-echo', messages: [{ role: 'user', content: 'one job, then quiet' }] }),
    });
    expect(lone.status).toBe(202);
    let sent = 0;
    const submit = () => {
      sent++;
      return fetch(`${platform.gateway.url}/v1/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'mock-echo', messages: [{ role: 'user', content: `job ${sent}` }], webhook: { url: `${receiver.base}/hook` } }),
      }).then(async (response) => {
        await response.arrayBuffer();
        return response.status;
      });
    };
    const accepted: Promise<number>[] = [];
    const started = Date.now();
    while (Date.now() - started < RUN_MS) {
      for (let i = 0; i < JOBS_PER_TICK; i++) accepted.push(submit());
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    }
    expect((await Promise.all(accepted)).every((status) => status === 202)).toBe(true);
    // Every job ran and reported, however far behind a loaded machine let the pipeline fall.
    await expect.poll(() => receiver.requestsTo('/hook').length, { timeout: 60_000, interval: 250 }).toBe(sent);
    const atPeak = await countKeys(redis, prefix);

    // Once the retentions have passed, a few more jobs (finishing jobs is when BullMQ drops the
    // expired ones) leave only their own keys and the queues' fixed ones: not a key per job sent.
    await new Promise((resolve) => setTimeout(resolve, RETENTION_MS + 1000));
    const late = await Promise.all(Array.from({ length: FLUSH_JOBS }, submit));
    expect(late.every((status) => status === 202)).toBe(true);
    await expect.poll(() => receiver.requestsTo('/hook').length, { timeout: 30_000, interval: 250 }).toBe(sent);
    await expect.poll(() => countKeys(redis, prefix), { timeout: 10_000, interval: 250 }).toBeLessThan(KEYS_PER_JOB * FLUSH_JOBS + FIXED_KEYS);
    expect(atPeak).toBeGreaterThan(KEYS_PER_JOB * FLUSH_JOBS + FIXED_KEYS);
    // The tenant's index is trimmed as it goes; a tenant that went quiet has none left.
    expect(await redis.zcard(asyncJobIndexKey(prefix, 'acme'))).toBeLessThan(sent / 2);
    expect(await redis.exists(asyncJobIndexKey(prefix, 'globex'))).toBe(0);
  }, 120_000);
});
