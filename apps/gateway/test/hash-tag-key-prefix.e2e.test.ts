import { randomUUID } from 'node:crypto';
import {
  asyncJobIndexKey,
  cancelChannel,
  clusterKeySlot,
  deploymentKeyPattern,
  idempotencyKey,
  keyLimitKey,
  keysChangedChannel,
  llmQueueKey,
  responseCacheKey,
  usageStreamKey,
  WEBHOOK_QUEUE,
  webhookQueuePrefix,
} from '@switchyard/contracts';
import { createLogger } from '@switchyard/observability';
import { createRedis, type Redis } from '@switchyard/queue';
import { startWebhookReceiver, type WebhookReceiver } from '@switchyard/testing';
import { type RunningWebhookDispatcher, startWebhookDispatcher } from '@switchyard/webhook-dispatcher';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from './platform-harness';
import { createTenant, keyWithLimits } from './tenant-keys';

const ADMIN_KEY = 'sk-admin-switchyard-test-hashtag-01';
// 24 bytes in base64: a valid Standard Webhooks secret, for the tests only.
const WEBHOOK_SECRET = 'whsec_c3dpdGNoeWFyZC13ZWJob29rcy10ZXN0';

async function scan(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}

describe('a deployment whose SWITCHYARD_KEY_PREFIX is a Redis Cluster hash tag', () => {
  // Unique per run, so test files running side by side never see each other's keys.
  const tag = `sy-${randomUUID().slice(0, 8)}`;
  const prefix = `{${tag}}`;
  const tenant = `hashtag-${tag}`;
  let platform: Platform;
  let dispatcher: RunningWebhookDispatcher;
  let receiver: WebhookReceiver;
  let redis: Redis;

  beforeAll(async () => {
    receiver = await startWebhookReceiver({});
    platform = await startPlatform({ env: { SWITCHYARD_KEY_PREFIX: prefix, SWITCHYARD_ADMIN_KEY: ADMIN_KEY } });
    dispatcher = await startWebhookDispatcher({ ...platform.env, WEBHOOK_SECRET, WEBHOOK_ALLOWLIST: '127.0.0.1' });
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

  it('writes every key under the prefix, all in the one cluster slot of its tag: sync, streamed and async requests alike', async () => {
    // A key with limits, so its counters are written too (the limiter's script takes five keys at once).
    await createTenant({ platform, adminKey: ADMIN_KEY }, { id: tenant, name: 'Hash tag' });
    const { key, id: keyId } = await keyWithLimits({ platform, adminKey: ADMIN_KEY }, tenant, { requestsPerMinute: 1000, tokensPerMinute: 1_000_000 });
    const client = new OpenAI({ apiKey: key, baseURL: `${platform.gateway.url}/v1`, maxRetries: 0 });

    // Sync, at temperature 0: its answer is cached as well.
    const sync = await client.chat.completions
      .create({ model: 'mock-echo', messages: [{ role: 'user', content: 'answer me now' }], temperature: 0 })
      .withResponse();
    expect(sync.data.choices[0]?.message.content).toBe('answer me now');

    const stream = await client.chat.completions
      .create({ model: 'mock-echo', messages: [{ role: 'user', content: 'stream it' }], stream: true })
      .withResponse();
    let streamed = '';
    for await (const chunk of stream.data) streamed += chunk.choices[0]?.delta?.content ?? '';
    expect(streamed).toBe('stream it');

    // Async, with an Idempotency-Key and a webhook the dispatcher delivers.
    const submitted = await fetch(`${platform.gateway.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': `order-${tag}` },
      body: JSON.stringify({ model: 'mock-echo', messages: [{ role: 'user', content: 'later is fine' }], webhook: { url: `${receiver.base}/done` } }),
    });
    expect(submitted.status).toBe(202);
    const jobId = ((await submitted.json()) as { id: string }).id;
    await expect.poll(() => receiver.requestsTo('/done').length, { timeout: 10_000 }).toBe(1);
    const requestIds = [sync.response.headers.get('x-switchyard-job-id') ?? '', stream.response.headers.get('x-switchyard-job-id') ?? '', jobId];
    expect(requestIds).not.toContain('');
    for (const id of requestIds) await platform.usageRow(id);

    const keys = await scan(redis, deploymentKeyPattern(prefix));
    // Every family these requests write is there…
    const has = (start: string) => keys.some((name) => name.startsWith(start));
    expect(has(`${llmQueueKey(prefix, 'mock')}:${jobId}`), 'the async job').toBe(true);
    expect(has(`${webhookQueuePrefix(prefix)}:${WEBHOOK_QUEUE}:`), 'its webhook event').toBe(true);
    expect(keys).toContain(asyncJobIndexKey(prefix, tenant));
    expect(keys).toContain(usageStreamKey(prefix));
    expect(has(idempotencyKey(prefix, tenant, '')), 'the Idempotency-Key').toBe(true);
    expect(has(responseCacheKey(prefix, '')), 'the cached answer').toBe(true);
    expect(has(keyLimitKey(prefix, keyId, 'rpm', '')), "the key's limit counters").toBe(true);
    // …and all of them hash to the tag's slot, so every multi-key script finds its keys on one node.
    const slot = clusterKeySlot(tag);
    expect(keys.filter((name) => clusterKeySlot(name) !== slot)).toStrictEqual([]);

    // Nothing these requests wrote went outside the prefix: no key anywhere names them but under it.
    const ours = [tag, keyId, ...requestIds];
    const everywhere = await scan(redis, '*');
    const outside = everywhere.filter((name) => ours.some((id) => name.includes(id)) && !name.startsWith(`${prefix}:`));
    expect(outside).toStrictEqual([]);

    // The channels are named from it too (channels have no slot; they only need the prefix).
    const channels = await redis.pubsub('CHANNELS', deploymentKeyPattern(prefix));
    expect(channels).toEqual(expect.arrayContaining([cancelChannel(prefix), keysChangedChannel(prefix)]));
    expect((channels as string[]).some((channel) => channel.startsWith(`${prefix}:reply:`))).toBe(true);
  });
});
