import { randomUUID } from 'node:crypto';
import { KeyLimiter, toNanoUsd } from '@switchyard/admission';
import type { JobFacts } from '@switchyard/async-jobs';
import { JobExpiredError, type LlmJobPayload, ProviderError } from '@switchyard/contracts';
import { buildUsageRecord, type LlmRequestRecord } from '@switchyard/database';
import { createLogger } from '@switchyard/observability';
import { decodeReply, LlmJobProducer } from '@switchyard/queue';
import { WebhookProducer } from '@switchyard/webhooks';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createOutcomeRecorder } from './outcome-recording';

const route = { publicModel: 'smart', provider: 'alpha', model: 'alpha-large' };
/** $0.01 a prompt token, $0.02 a completion token: costs easy to check by hand. */
const price = { inputPerMillion: 10_000, outputPerMillion: 20_000 };

function payloadOf(overrides: Partial<LlmJobPayload> = {}): LlmJobPayload {
  return {
    v: 1,
    kind: 'chat.completion',
    requestId: 'req-1',
    route,
    request: { model: 'smart', messages: [{ role: 'user', content: 'How many moons has Mars?' }] },
    caller: { keyId: 'key-1', tenant: 'acme' },
    enqueuedAt: Date.now(),
    ...overrides,
  };
}

function jobOf(data: LlmJobPayload): Job<LlmJobPayload> {
  return { id: 'job-1', data, attemptsMade: 0, stalledCounter: 0, opts: {} } as unknown as Job<LlmJobPayload>;
}

describe('recording how a job ended', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const subscriber = redis.duplicate();
  const prefix = `sytest-${randomUUID().slice(0, 8)}`;
  const producer = new LlmJobProducer(redis, prefix);
  const webhooks = new WebhookProducer(redis, prefix);
  const limiter = new KeyLimiter(redis, prefix);
  const settling: Promise<void>[] = [];
  const lines: { jobId: string; facts: Pick<JobFacts, 'status' | 'attempts'> }[] = [];
  const rows: LlmRequestRecord[] = [];
  const recorder = createOutcomeRecorder({
    usage: { record: (row) => rows.push(row) },
    publisher: redis,
    producer,
    webhooks,
    batches: { lineEnded: async (_payload, jobId, facts) => void lines.push({ jobId, facts }) },
    // Settling is off the answer's path; the test waits for it before reading the key's windows.
    keyLimits: {
      settle: (...args) => {
        const settled = limiter.settle(...args);
        settling.push(settled);
        return settled;
      },
    },
    priceOf: (of) => (of.provider === 'alpha' ? price : undefined),
    logger: createLogger({ service: 'test', level: 'silent' }),
  });

  /** The next message published on a fresh channel. */
  async function listen(): Promise<{ channel: string; next: Promise<string> }> {
    const channel = `${prefix}:reply:${randomUUID()}`;
    const next = new Promise<string>((resolve) => subscriber.on('message', (on, message) => on === channel && resolve(message)));
    await subscriber.subscribe(channel);
    return { channel, next };
  }

  afterAll(async () => {
    await Promise.all([producer.close(), webhooks.close()]);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    subscriber.disconnect();
    redis.disconnect();
  });

  it("publishes the answer on the caller's reply channel", async () => {
    const { channel, next } = await listen();
    recorder.reply(payloadOf({ replyTo: channel }), 'job-1', true, 'alpha-large-0613', '{"id":"c"}');
    expect(decodeReply(await next)).toStrictEqual({ jobId: 'job-1', ok: true, provider: 'alpha', model: 'alpha-large-0613', body: '{"id":"c"}' });
  });

  it('keeps an answer nobody heard, for the gateway to ask for once it is back', async () => {
    recorder.reply(payloadOf({ replyTo: `${prefix}:nobody-listens` }), 'job-unheard', true, 'alpha-large', '{"id":"u"}');
    await expect.poll(() => producer.finishedReply('alpha', 'job-unheard')).toMatchObject({ jobId: 'job-unheard', ok: true, body: '{"id":"u"}' });
  });

  it('costs counts at the route’s price, and leaves the cost unknown for a route without one', () => {
    const counts = { prompt_tokens: 30, completion_tokens: 30, total_tokens: 60 };
    expect(recorder.costOf(payloadOf(), counts)).toBeCloseTo(0.9, 10);
    expect(recorder.costOf(payloadOf({ route: { ...route, provider: 'beta' } }), counts)).toBeNull();
  });

  it('counts the prompt itself when the upstream reported no usage', () => {
    const counts = recorder.countedUsage(payloadOf(), 7);
    expect(counts.prompt_tokens).toBeGreaterThan(0);
    expect(counts).toStrictEqual({ prompt_tokens: counts.prompt_tokens, completion_tokens: 7, total_tokens: counts.prompt_tokens + 7 });
  });

  it("writes one usage row and settles the key's up-front estimate with the tokens it really used", async () => {
    const limits = { tokensPerMinute: 100 };
    const taken = await limiter.take('key-settled', limits, { tokens: 10, nanoUsd: toNanoUsd(0.1) });
    const payload = payloadOf({ caller: { keyId: 'key-settled', tenant: 'acme', charge: taken.charge } });
    const usage = { prompt_tokens: 30, completion_tokens: 30, total_tokens: 60 };
    const now = Date.now();
    const row = buildUsageRecord(payload, {
      jobId: 'job-1',
      status: 'succeeded',
      usage,
      startedAt: now,
      finishedAt: now,
      attempts: 1,
      costUsd: recorder.costOf(payload, usage),
    });

    recorder.recordEnd(payload, row);
    expect(rows.at(-1)).toBe(row);
    await Promise.all(settling);
    // The estimate of 10 became the 60 used: 40 of the minute's 100 are left.
    expect(await limiter.take('key-settled', limits, { tokens: 41, nanoUsd: 0 })).toMatchObject({
      allowed: false,
      refused: 'tokens_per_minute',
      tokens: { remaining: 40 },
    });
  });

  it('answers a failure with its typed error, records it, and tells the webhook and the batch', async () => {
    const { channel, next } = await listen();
    const payload = payloadOf({
      replyTo: channel,
      chainId: 'chain-7',
      webhook: { url: 'https://hooks.example.com/switchyard' },
      batch: { id: 'batch-1', line: 3, customId: 'line-3' },
    });
    const error = new ProviderError({ kind: 'server', provider: 'alpha', message: 'upstream 500', upstreamStatus: 500 });

    const serialized = recorder.answerFailure(jobOf(payload), error, Date.now(), 120);
    expect(serialized).toMatchObject({ code: 'upstream_error', details: { job_id: 'chain-7', attempts: 1 } });
    const reply = decodeReply(await next);
    expect(reply).toMatchObject({ jobId: 'chain-7', ok: false, provider: 'alpha', model: 'alpha-large' });
    expect(JSON.parse(reply?.body ?? '')).toStrictEqual(serialized);
    expect(rows.at(-1)).toMatchObject({
      jobId: 'chain-7',
      status: 'failed',
      errorCode: 'upstream_error',
      upstreamLatencyMs: 120,
      routeAttempts: [{ provider: 'alpha', model: 'alpha-large', code: 'upstream_error', attempts: 1, upstreamStatus: 500 }],
    });
    expect(lines).toStrictEqual([{ jobId: 'chain-7', facts: expect.objectContaining({ status: 'failed', attempts: 1, error: serialized }) }]);
    // Queued off the answer's path, like the settling.
    await expect
      .poll(async () => (await webhooks.queue.getJob('evt_chain-7_failed'))?.data)
      .toMatchObject({ jobId: 'chain-7', tenant: 'acme', url: 'https://hooks.example.com/switchyard' });
  });

  it('records a job that outlived its caller as expired', () => {
    recorder.answerFailure(jobOf(payloadOf()), new JobExpiredError('job-1'), Date.now());
    expect(rows.at(-1)).toMatchObject({ jobId: 'job-1', status: 'expired', errorCode: 'job_expired' });
  });
});
