import { randomUUID } from 'node:crypto';
import { type ChatCompletionChunk, type LlmJobPayload, ProviderError } from '@switchyard/contracts';
import type { LlmRequestRecord } from '@switchyard/database';
import { createLogger } from '@switchyard/observability';
import type { ProviderAdapter } from '@switchyard/providers';
import { decodeReply, LlmJobProducer, SSE_DONE, sseEvent } from '@switchyard/queue';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createCallFailure } from './call-failure';
import { createJobCancellation } from './job-cancellation';
import { createOutcomeRecorder } from './outcome-recording';
import { createProviderPause } from './provider-pause';
import { createRouteFallback } from './route-fallback';
import { createStreamedCall } from './streamed-call';

const primary = { publicModel: 'smart', provider: 'alpha', model: 'alpha-large' };
const second = { publicModel: 'smart', provider: 'beta', model: 'beta-large' };

function chunk(delta: ChatCompletionChunk['choices'][number]['delta'], finish: 'stop' | null = null): ChatCompletionChunk {
  return { id: 'up-1', object: 'chat.completion.chunk', created: 1, model: 'alpha-large-0613', choices: [{ index: 0, delta, finish_reason: finish }] };
}

const opening = chunk({ role: 'assistant', content: '' });
const answer = [opening, chunk({ content: 'Two' }), chunk({ content: ' moons.' }), chunk({}, 'stop')];

/** An upstream that streams these chunks, then fails with `error` when one is given. */
function upstream(chunks: readonly ChatCompletionChunk[], error?: Error): ProviderAdapter {
  return {
    provider: 'alpha',
    capabilities: { streaming: true, tools: false, jsonMode: false, jsonSchema: false, vision: false },
    generate: () => Promise.reject(new Error('streams only')),
    async *stream() {
      yield* chunks;
      if (error !== undefined) throw error;
    },
  };
}

describe('a streamed call', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const subscriber = redis.duplicate();
  const prefix = `sytest-${randomUUID().slice(0, 8)}`;
  const producer = new LlmJobProducer(redis, prefix);
  const rows: LlmRequestRecord[] = [];
  const deps = {
    usage: { record: (row: LlmRequestRecord) => rows.push(row) },
    publisher: redis,
    producer,
    logger: createLogger({ service: 'test', level: 'silent' }),
  };
  const recorder = createOutcomeRecorder(deps);
  const fallback = createRouteFallback(deps, recorder);
  const cancellation = createJobCancellation(deps, recorder);
  const failure = createCallFailure(deps, createProviderPause(deps), fallback);
  const streamedCall = createStreamedCall(deps, { recorder, cancellation, failure });

  const received = new Map<string, string[]>();
  subscriber.on('message', (channel, message) => received.get(channel)?.push(message));

  /** A streamed job whose caller listens on its own channel. */
  async function streamedJob(overrides: Partial<LlmJobPayload> = {}): Promise<{ job: Job<LlmJobPayload>; heard: string[] }> {
    const replyTo = `${prefix}:stream:${randomUUID()}`;
    const heard: string[] = [];
    received.set(replyTo, heard);
    await subscriber.subscribe(replyTo);
    const data: LlmJobPayload = {
      v: 1,
      kind: 'chat.completion',
      requestId: 'req-1',
      route: primary,
      request: { model: 'smart', messages: [{ role: 'user', content: 'How many moons has Mars?' }], stream: true },
      caller: { keyId: 'key-1', tenant: 'acme' },
      replyTo,
      deadline: Date.now() + 60_000,
      enqueuedAt: Date.now(),
      ...overrides,
    };
    const job = { id: `job-${randomUUID().slice(0, 8)}`, data, attemptsMade: 0, stalledCounter: 0, opts: {} } as unknown as Job<LlmJobPayload>;
    return { job, heard };
  }

  /** The caller's whole stream, once its last part is in. */
  async function wholeStream(heard: string[]): Promise<string> {
    await expect.poll(() => heard.map(decodeReply).some((reply) => reply?.part?.last)).toBe(true);
    return heard.map((message) => decodeReply(message)?.body ?? '').join('');
  }

  afterAll(async () => {
    await producer.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    subscriber.disconnect();
    redis.disconnect();
  });

  it("relays every chunk to the caller's channel in order and ends with [DONE], naming the model the upstream reported", async () => {
    const { job, heard } = await streamedJob();
    const result = await streamedCall(job, upstream(answer), Date.now());

    expect(await wholeStream(heard)).toBe(answer.map(sseEvent).join('') + SSE_DONE);
    expect(decodeReply(heard[0] ?? '')).toMatchObject({ jobId: job.id, ok: true, provider: 'alpha', model: 'alpha-large-0613' });
    expect(result).toMatchObject({ model: 'alpha-large-0613', usage: { completion_tokens: 2 } });
    expect(rows.at(-1)).toMatchObject({ jobId: job.id, status: 'succeeded', streamed: true, completionTokens: 2 });
    expect(rows.at(-1)?.firstTokenMs).not.toBeNull();
  });

  it('ends with a usage chunk when the caller asked for one and the upstream sent none, with the figures the row keeps', async () => {
    const { job, heard } = await streamedJob();
    job.data.request.stream_options = { include_usage: true };
    await streamedCall(job, upstream(answer), Date.now());

    const events = (await wholeStream(heard)).split('\n\n').filter((event) => event !== '');
    expect(events.at(-1)).toBe('data: [DONE]');
    const usage = JSON.parse(events.at(-2)?.slice('data: '.length) ?? '').usage;
    expect(usage).toMatchObject({ completion_tokens: 2 });
    expect(rows.at(-1)).toMatchObject({ promptTokens: usage.prompt_tokens, completionTokens: 2, totalTokens: usage.total_tokens });
  });

  it('goes on to the fallback when the upstream fails before the first token, and the caller sees nothing of the first try', async () => {
    const { job, heard } = await streamedJob({ fallbacks: [second] });
    const broken = new ProviderError({ kind: 'server', provider: 'alpha', message: 'upstream 500', upstreamStatus: 500 });
    const result = await streamedCall(job, upstream([opening], broken), Date.now());

    expect(result.forwardedTo).toStrictEqual({ provider: 'beta', jobId: `${job.id}-1` });
    expect(await producer.queueFor('beta').getJob(`${job.id}-1`)).toBeDefined();
    // Any part of the first try would have gone out on the next turn of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(heard).toStrictEqual([]);
  });

  it('ends the stream with an error event when the upstream breaks off after the first token, and records it failed', async () => {
    const { job, heard } = await streamedJob({ fallbacks: [second] });
    const broken = new ProviderError({ kind: 'server', provider: 'alpha', message: 'connection reset' });
    const result = await streamedCall(job, upstream(answer.slice(0, 2), broken), Date.now());

    const stream = await wholeStream(heard);
    expect(stream.startsWith(answer.slice(0, 2).map(sseEvent).join(''))).toBe(true);
    expect(stream).toContain('"code":"stream_interrupted"');
    expect(stream.endsWith(SSE_DONE)).toBe(false);
    expect(result).toMatchObject({ failed: true, usage: { completion_tokens: 1 } });
    expect(result.forwardedTo).toBeUndefined();
    expect(rows.at(-1)).toMatchObject({ jobId: job.id, status: 'failed', errorCode: 'stream_interrupted' });
  });
});
