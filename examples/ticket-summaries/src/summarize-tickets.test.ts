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
import { summarizeTickets } from './summarize-tickets';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('the ticket-summaries example service', () => {
  const prefix = `sytest-${randomUUID().slice(0, 8)}`;
  let mock: MockUpstream;
  let worker: RunningWorker;
  let client: DirectClient;

  beforeAll(async () => {
    mock = await startMockUpstream();
    const configPath = join(mkdtempSync(join(tmpdir(), 'switchyard-example-')), 'switchyard.yaml');
    writeFileSync(
      configPath,
      `providers:\n  mock:\n    kind: openai-compatible\n    baseUrl: ${mock.url}/v1\n    requiresKey: false\n` +
        'models:\n  - name: echo\n    provider: mock\n    model: echo\n    aliases: [default]\n  - name: broken\n    provider: mock\n    model: "echo@status=400"\n' +
        'auth:\n  keys:\n    - id: k\n      key: sk-example-test-00000000\n',
    );
    const env = { ...process.env, SWITCHYARD_CONFIG: configPath, SWITCHYARD_KEY_PREFIX: prefix, LOG_LEVEL: 'silent', USAGE_FLUSH_MS: '20' };
    worker = await startLlmWorker({ service: 'worker-cloud', kinds: new Set(['openai-compatible']), source: env });
    client = await DirectClient.connect({ redisUrl, prefix, configPath, caller: { keyId: 'ticket-summaries', tenant: 'support' } });
  });

  afterAll(async () => {
    await client.close();
    await worker.close();
    await mock.close();
    const redis = createRedis(redisUrl, { name: 'switchyard:test-cleanup', logger: createLogger({ service: 'test', level: 'silent' }) });
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('summarises every ticket, in the order given', async () => {
    const tickets = Array.from({ length: 25 }, (_, i) => ({ id: `T-${i}`, text: `ticket number ${i}` }));
    const summaries = await summarizeTickets(client, tickets);
    // The mock echoes the last user message: each summary is its own ticket's text.
    expect(summaries).toStrictEqual(tickets.map((ticket) => ({ ticketId: ticket.id, summary: ticket.text })));
  });

  it('reports a ticket whose job failed instead of waiting for ever', async () => {
    const [summary] = await summarizeTickets(client, [{ id: 'T-x', text: 'anything' }], 'broken');
    expect(summary?.ticketId).toBe('T-x');
    expect(summary?.summary).toBeUndefined();
    expect(summary?.error).toContain('asked to fail');
  });
});
