import type { UsageRecorder } from '@switchyard/database';
import { createLogger } from '@switchyard/observability';
import type { ProviderAdapter } from '@switchyard/providers';
import type { LlmJobProducer } from '@switchyard/queue';
import { type Job, UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createLlmJobHandlers } from './llm-job-processor';

function handlers(kept?: () => Promise<void>) {
  const calls: string[] = [];
  const adapter: ProviderAdapter = {
    provider: 'mock',
    capabilities: { streaming: false, tools: false, jsonMode: false, jsonSchema: false, vision: false },
    async generate() {
      calls.push('generate');
      return { id: 'c', object: 'chat.completion', created: 1, model: 'evil\nmodel', choices: [] };
    },
    // These tests send plain jobs only: a stream ends at once.
    stream() {
      calls.push('stream');
      return { [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true as const, value: undefined }) }) };
    },
  };
  const published: string[] = [];
  const publisher = { publish: async (_channel: string, message: string) => published.push(message) } as unknown as Redis;
  const rows: unknown[] = [];
  const usage = { record: (row: unknown) => rows.push(row), kept } as unknown as UsageRecorder;
  const logger = createLogger({ service: 'test', level: 'silent' });
  const producer = { enqueue: async () => undefined } as unknown as LlmJobProducer;
  return { calls, published, rows, ...createLlmJobHandlers({ adapters: new Map([['mock', adapter]]), usage, publisher, producer, logger }) };
}

const job = (data: unknown) => ({ id: 'job-1', data, attemptsMade: 0, opts: {} }) as unknown as Job;

/** A plain chat job whose caller waits on `channel`. */
const plainJob = () =>
  job({
    v: 1,
    kind: 'chat.completion',
    requestId: 'r',
    route: { publicModel: 'm', provider: 'mock', model: 'echo' },
    request: { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
    caller: { keyId: 'k', tenant: 't' },
    replyTo: 'channel',
    enqueuedAt: Date.now(),
  });

describe('createLlmJobHandlers', () => {
  it('refuses a payload that does not match the job contract, without calling the provider', async () => {
    const { process, calls } = handlers();
    const error = await process(job({ v: 1, kind: 'chat.completion', requestId: 'r' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect(JSON.parse((error as Error).message)).toMatchObject({ code: 'invalid_job' });
    expect(calls).toStrictEqual([]);
  });

  it('never lets an upstream model name break the reply or a header', async () => {
    const { process, published } = handlers();
    const result = await process(plainJob());
    expect(result.model).toBe('echo');
    expect(published[0]?.split('\n').slice(0, 4)).toStrictEqual(['job-1', '1', 'mock', 'echo']);
  });

  it('ends a job only once its usage row is kept, so a worker killed after answering leaves the job to run again', async () => {
    let keep: () => void = () => undefined;
    const { process, published, rows } = handlers(() => new Promise<void>((resolve) => (keep = resolve)));
    let ended = false;
    const running = process(plainJob()).then(() => {
      ended = true;
    });
    await expect.poll(() => rows.length).toBe(1);
    // Answered and recorded, but the row is not yet where a crash cannot take it: BullMQ must not hear the job is done.
    expect(published).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ended).toBe(false);
    keep();
    await running;
    expect(ended).toBe(true);
  });
});
