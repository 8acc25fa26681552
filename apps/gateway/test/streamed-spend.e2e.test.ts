import { toNanoUsd } from '@switchyard/admission';
import { type KeyLimitCounter, keyLimitKey } from '@switchyard/contracts';
import { createLogger } from '@switchyard/observability';
import { createRedis, type Redis } from '@switchyard/queue';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inOneClockMinute } from './clock-minute';
import { type Platform, startPlatform } from './platform-harness';
import { createTenant, keyWithLimits } from './tenant-keys';

const ADMIN_KEY = 'sk-admin-switchyard-streamed-0000001';
const WORDS = Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ');

describe('streamed requests settle a key’s token and dollar windows exactly', () => {
  let platform: Platform;
  let redis: Redis;
  const tenant = `ss${Date.now().toString(36)}`;

  beforeAll(async () => {
    platform = await startPlatform({ env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY } });
    redis = createRedis(platform.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      name: 'switchyard:test',
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
    await createTenant({ platform, adminKey: ADMIN_KEY }, { id: tenant, name: 'Streamers' });
  });

  afterAll(async () => {
    await redis.quit();
    await platform.close();
  });

  const keyWith = (limits: Record<string, number>) => keyWithLimits({ platform, adminKey: ADMIN_KEY }, tenant, limits);

  /** What the key's counters hold now, summed over every window still kept (tokens per minute, US dollars today in billionths). */
  async function windows(keyId: string): Promise<{ tokens: number; nanoUsd: number }> {
    const sum = async (kind: KeyLimitCounter) => {
      const keys = await redis.keys(keyLimitKey(platform.env.SWITCHYARD_KEY_PREFIX ?? '', keyId, kind, '*'));
      const values = keys.length === 0 ? [] : await redis.mget(...keys);
      return values.reduce((total, value) => total + Number(value ?? 0), 0);
    };
    return { tokens: await sum('tpm'), nanoUsd: await sum('usd-day') };
  }

  /** A whole stream read to its end; its job id. */
  async function whole(sdk: OpenAI, includeUsage: boolean, content: string): Promise<string> {
    const { data: stream, response } = await sdk.chat.completions
      .create({ model: 'mock-echo', messages: [{ role: 'user', content }], stream: true, ...(includeUsage ? { stream_options: { include_usage: true } } : {}) })
      .withResponse();
    for await (const _chunk of stream) {
      // read to the end
    }
    return response.headers.get('x-switchyard-job-id') ?? '';
  }

  /** A stream the client cuts with its AbortController after a few chunks; its job id. */
  async function cut(sdk: OpenAI, afterChunks: number): Promise<string> {
    const controller = new AbortController();
    const { data: stream, response } = await sdk.chat.completions
      .create({ model: 'priced-slow-stream', messages: [{ role: 'user', content: WORDS }], stream: true, max_tokens: 500 }, { signal: controller.signal })
      .withResponse();
    let received = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) received++;
      if (received === afterChunks) controller.abort();
    }
    return response.headers.get('x-switchyard-job-id') ?? '';
  }

  it('whole streams and streams cut by the client leave the windows at the sum of their usage rows', async () => {
    await inOneClockMinute(async () => {
      const { id, key } = await keyWith({ tokensPerMinute: 1_000_000, budgetUsdPerDay: 100 });
      const sdk = new OpenAI({ apiKey: key, baseURL: `${platform.gateway.url}/v1`, maxRetries: 0 });
      const jobIds = await Promise.all([
        whole(sdk, true, 'a whole stream with its usage chunk'),
        whole(sdk, false, 'a whole stream without a usage chunk'),
        whole(sdk, true, 'another whole stream, side by side with the others'),
        cut(sdk, 3),
        cut(sdk, 5),
      ]);
      const rows = await Promise.all(jobIds.map((jobId) => platform.usageRow(jobId)));
      expect(rows.map((row) => [row.status, row.streamed])).toStrictEqual([
        ['succeeded', true],
        ['succeeded', true],
        ['succeeded', true],
        ['cancelled', true],
        ['cancelled', true],
      ]);
      // The cut streams were billed for what they used: more than their prompt, far less than their 100 words.
      for (const row of rows.slice(3)) {
        expect(row.completionTokens).toBeGreaterThanOrEqual(3);
        expect(row.completionTokens).toBeLessThan(100);
        expect(Number(row.costUsd)).toBeGreaterThan(0);
      }
      const tokens = rows.reduce((sum, row) => sum + row.totalTokens, 0);
      const nanoUsd = rows.reduce((sum, row) => sum + toNanoUsd(Number(row.costUsd)), 0);
      expect(nanoUsd).toBeGreaterThan(0);
      // Each row's settlement follows its write by a moment: then neither the up-front estimates, nor nothing, nor twice the use.
      await expect.poll(() => windows(id), { timeout: 10_000, interval: 50 }).toStrictEqual({ tokens, nanoUsd });

      // The key's next request sees exactly that use in its remaining tokens, less its own charge (as a fresh key shows it).
      const ask = (apiKey: string) =>
        fetch(`${platform.gateway.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'mock-echo', messages: [{ role: 'user', content: 'how much is left?' }], stream: true }),
        }).then(async (response) => {
          await response.text();
          return Number(response.headers.get('x-ratelimit-remaining-tokens'));
        });
      const charged = 1_000_000 - (await ask((await keyWith({ tokensPerMinute: 1_000_000 })).key));
      expect(charged).toBeGreaterThan(0);
      expect(await ask(key)).toBe(1_000_000 - tokens - charged);
    });
  }, 90_000);
});
