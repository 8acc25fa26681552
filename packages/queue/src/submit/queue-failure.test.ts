import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { ServiceUnavailableError } from '@switchyard/contracts';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ReplyListener } from '../reply/reply-listener';
import { ChatJobSubmitter, type SubmitChatJob } from './chat-job-submitter';
import { LlmJobProducer } from './llm-job-producer';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `sytest-${randomUUID().slice(0, 8)}`;

function job(parameters: Record<string, unknown> = { type: 'object' }): SubmitChatJob {
  return {
    jobId: randomUUID(),
    requestId: randomUUID(),
    route: { publicModel: 'mock-echo', provider: 'mock', model: 'echo' },
    request: { model: 'mock-echo', messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'f', parameters } }] },
    caller: { keyId: 'k', tenant: 't' },
    timeoutMs: 1000,
  };
}

/** A port nothing listens on: a Redis that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('a failed enqueue', () => {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const subscriber = new Redis(url, { maxRetriesPerRequest: null });
  const producer = new LlmJobProducer(connection, prefix);

  afterAll(async () => {
    await producer.close();
    const keys = await connection.keys(`${prefix}:*`);
    if (keys.length > 0) await connection.del(...keys);
    connection.disconnect();
    subscriber.disconnect();
  });

  it('is a bug, not a queue outage, when the job cannot be serialised: the error stays itself', async () => {
    const submitter = new ChatJobSubmitter(producer, await ReplyListener.start(subscriber, prefix));
    // Deeper than the request schema allows; a caller that skips validation must still not read "queue unavailable".
    const deep = JSON.parse(`{"x":${'['.repeat(20_000)}${']'.repeat(20_000)}}`) as Record<string, unknown>;
    const error = await submitter.submit(job(deep)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect(ServiceUnavailableError.isInstance(error)).toBe(false);
  });

  it('is a 503 when Redis is down', async () => {
    const down = new Redis(`redis://127.0.0.1:${await closedPort()}`, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    down.on('error', () => undefined);
    const submitter = new ChatJobSubmitter(new LlmJobProducer(down, prefix), await ReplyListener.start(subscriber, `${prefix}-down`));
    const error = await submitter.submit(job()).catch((e: unknown) => e);
    expect(ServiceUnavailableError.isInstance(error)).toBe(true);
    expect((error as ServiceUnavailableError).message).toMatch(/job queue is unavailable/);
    down.disconnect();
  });
});
