import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectClient } from '@switchyard/client';
import { createLogger } from '@switchyard/observability';
import type { RunningWorker } from '@switchyard/queue';
import { createRedis } from '@switchyard/queue';
import { type MockUpstream, startMockUpstream } from '@switchyard/testing';
import { startLlmWorker } from '@switchyard/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../src/start-gateway';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * A production routing file names the gateway's key without a default. Only
 * the gateway reads it: the workers and the direct client start without it.
 */
describe('a routing file whose API key comes from SWITCHYARD_API_KEY without a default', () => {
  const prefix = `sytest-${randomUUID().slice(0, 8)}`;
  let mock: MockUpstream;
  let worker: RunningWorker | undefined;
  let client: DirectClient | undefined;
  let configPath: string;
  let env: NodeJS.ProcessEnv;
  const saved = process.env.SWITCHYARD_API_KEY;

  beforeAll(async () => {
    mock = await startMockUpstream();
    configPath = join(mkdtempSync(join(tmpdir(), 'switchyard-keys-')), 'switchyard.yaml');
    writeFileSync(
      configPath,
      `providers:\n  mock:\n    kind: openai-compatible\n    baseUrl: ${mock.url}/v1\n    requiresKey: false\n` +
        'models:\n  - name: mock-echo\n    provider: mock\n    model: echo\n' +
        'auth:\n  keys:\n    - id: prod\n      key: ${SWITCHYARD_API_KEY}\n',
    );
    // DirectClient reads process.env, as a service embedding it would.
    delete process.env.SWITCHYARD_API_KEY;
    const { SWITCHYARD_API_KEY: _unset, ...rest } = process.env;
    env = { ...rest, SWITCHYARD_CONFIG: configPath, SWITCHYARD_KEY_PREFIX: prefix, LOG_LEVEL: 'silent', USAGE_FLUSH_MS: '20' };
  });

  afterAll(async () => {
    if (saved !== undefined) process.env.SWITCHYARD_API_KEY = saved;
    await client?.close();
    await worker?.close();
    await mock.close();
    const redis = createRedis(redisUrl, { name: 'switchyard:test-cleanup', logger: createLogger({ service: 'test', level: 'silent' }) });
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('lets a worker and the direct client run a job without the variable', async () => {
    worker = await startLlmWorker({ service: 'worker-cloud', kinds: new Set(['openai-compatible']), source: env });
    client = await DirectClient.connect({ redisUrl, prefix, configPath, caller: { keyId: 'billing-service', tenant: 'acme' } });
    const completion = await client.enqueueAndWait({ model: 'mock-echo', messages: [{ role: 'user', content: 'no gateway key needed' }] });
    expect(completion.choices[0]?.message.content).toBe('no gateway key needed');
  });

  it('still keeps the gateway from starting without it, naming the key', async () => {
    await expect(startGateway(env)).rejects.toThrow(/auth\.keys\[0\]\.key: API keys must be at least 16 characters/);
  });
});
