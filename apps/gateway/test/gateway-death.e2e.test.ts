import { llmQueuePrefix } from '@switchyard/contracts';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, spawnGateway } from './app-process';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';

const N = 5;

describe('a gateway killed with streams and sync requests open', () => {
  let platform: Platform;
  let gateway: AppProcess | undefined;

  beforeAll(async () => {
    // Upstream calls that outlast the test unless something stops them.
    platform = await startPlatform({ requestTimeoutMs: 60_000, upstreamTimeoutMs: 60_000 });
  });

  afterAll(async () => {
    gateway?.child.kill('SIGKILL');
    await platform.close();
  });

  it('has its jobs cancelled: the upstream calls are aborted within seconds and the rows say cancelled', async () => {
    gateway = spawnGateway(platform.env);
    const started = gateway;
    await expect.poll(() => started.output().includes('gateway listening'), { timeout: 20_000, interval: 50 }).toBe(true);
    const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(started.output())?.[1] ?? '';

    const post = (body: object) =>
      fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    // Streams that have begun (20 tokens a second of a 400-word echo) and sync calls still waiting on their upstream.
    const longText = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
    const streams = Array.from({ length: N }, async () => {
      const response = await post({ model: 'slow-stream', stream: true, messages: [{ role: 'user', content: longText }] });
      const reader = response.body?.getReader();
      await reader?.read();
      return reader;
    });
    const syncCalls = Array.from({ length: N }, () => post({ model: 'stalls', messages: [{ role: 'user', content: 'wait for me' }] }).catch(() => undefined));
    const readers = await Promise.all(streams);
    await expect.poll(() => platform.mock.requests.length, { timeout: 10_000, interval: 20 }).toBe(2 * N);
    const queue = new Queue('mock', { connection: { url: platform.env.REDIS_URL }, prefix: llmQueuePrefix(platform.env.SWITCHYARD_KEY_PREFIX) });
    const jobIds = (await queue.getActive()).map((job) => job.id ?? '');
    await queue.close();
    expect(jobIds).toHaveLength(2 * N);

    started.child.kill('SIGKILL');
    await started.exited;
    for (const reader of readers) reader?.read().catch(() => undefined);
    await Promise.all(syncCalls);

    // Every upstream call is cut off within a few seconds, not run to its end.
    await expect.poll(() => platform.mock.abortedRequests, { timeout: 10_000, interval: 100 }).toBe(2 * N);
    const rows = await Promise.all(jobIds.map((id) => platform.usageRow(id)));
    expect(rows.map((row) => row.status)).toStrictEqual(Array(2 * N).fill('cancelled'));
  });
});
