import { createLogger } from '@switchyard/observability';
import { createRedis, type Redis } from '@switchyard/jobs';
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

async function countKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let count = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    count += keys.length;
  } while (cursor !== '0');
  return count;
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

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
    redis = createRedis(platform.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { name: 'switchyard:test', logger: createLogger({ service: 'test', level: 'silent' }) });
  });

  afterAll(async () => {
    await redis?.quit();
    await dispatcher?.close();
    await platform?.close();
    receiver?.close();
  });

  it('levels off once the retentions pass: keys and index entries stop growing with the jobs sent, and a quiet tenant leaves no index', async () => {
    const prefix = platform.env.SWITCHYARD_KEY_PREFIX ?? '';
    // Another tenant sends one job and then nothing: its job index must not outlive the job.
    const lone = await fetch(`${platform.gateway.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OTHER_TENANT_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-echo', messages: [{ role: 'user', content: 'one job, then quiet' }] }),
    });
    expect(lone.status).toBe(202);
    const samples: { keys: number; indexed: number }[] = [];
    let sent = 0;
    const accepted: Promise<number>[] = [];
    const started = Date.now();
    let nextSample = started + 2000;
    while (Date.now() - started < RUN_MS) {
      for (let i = 0; i < JOBS_PER_TICK; i++) {
        sent++;
        accepted.push(
          fetch(`${platform.gateway.url}/v1/jobs`, {
            method: 'POST',
            headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'mock-echo', messages: [{ role: 'user', content: `job ${sent}` }], webhook: { url: `${receiver.base}/hook` } }),
          }).then(async (response) => {
            await response.arrayBuffer();
            return response.status;
          }),
        );
      }
      if (Date.now() >= nextSample) {
        nextSample += 2000;
        samples.push({ keys: await countKeys(redis, prefix), indexed: await redis.zcard(`${prefix}:ajobs:acme`) });
      }
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    }
    expect((await Promise.all(accepted)).every((status) => status === 202)).toBe(true);
    // Every job ran and reported: the keys counted were those of a pipeline that kept up.
    await expect.poll(() => receiver.requestsTo('/hook').length, { timeout: 30_000, interval: 250 }).toBe(sent);

    const third = Math.floor(samples.length / 3);
    const middle = samples.slice(third, 2 * third);
    const last = samples.slice(2 * third);
    // Kept for their retention, each job leaves a few keys (its job, its event and the event's log):
    // the count follows the rate, not the number of jobs sent.
    expect(Math.max(...last.map((sample) => sample.keys))).toBeLessThan(sent / 2);
    expect(mean(last.map((sample) => sample.keys))).toBeLessThan(1.5 * mean(middle.map((sample) => sample.keys)) + 100);
    expect(Math.max(...last.map((sample) => sample.indexed))).toBeLessThan(sent / 2);
    expect(await redis.exists(`${prefix}:ajobs:globex`)).toBe(0);
  }, 120_000);
});
