import { randomUUID } from 'node:crypto';
import { CircuitOpenError, type LlmJobPayload, ProviderError, SwitchyardError } from '@switchyard/contracts';
import type { LlmRequestRecord } from '@switchyard/database';
import { createLogger } from '@switchyard/observability';
import { decodeReply, LlmJobProducer } from '@switchyard/queue';
import { type Job, UnrecoverableError } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createOutcomeRecorder } from './outcome-recording';
import { createRouteFallback, fallbackChoice } from './route-fallback';

const primary = { publicModel: 'smart', provider: 'alpha', model: 'alpha-large' };
const second = { publicModel: 'smart', provider: 'beta', model: 'beta-large' };
const third = { publicModel: 'smart', provider: 'gamma', model: 'gamma-large' };

function payloadOf(overrides: Partial<LlmJobPayload> = {}): LlmJobPayload {
  return {
    v: 1,
    kind: 'chat.completion',
    requestId: 'req-1',
    route: primary,
    request: { model: 'smart', messages: [{ role: 'user', content: 'hi' }] },
    caller: { keyId: 'key-1', tenant: 'acme' },
    enqueuedAt: Date.now(),
    fallbacks: [second, third],
    ...overrides,
  };
}

/** A job on its route after `attemptsMade` failed attempts, allowed `attempts` in all. */
function jobOf(data: LlmJobPayload, attemptsMade = 0, opts: Job['opts'] = {}): Job<LlmJobPayload> {
  return { id: 'job-1', data, attemptsMade, stalledCounter: 0, opts } as unknown as Job<LlmJobPayload>;
}

const serverError = () => new ProviderError({ kind: 'server', provider: 'alpha', message: 'upstream 500', upstreamStatus: 500 });

describe('fallbackChoice', () => {
  it('goes on to the next route once the last attempt on this one failed', () => {
    expect(fallbackChoice(jobOf(payloadOf()), serverError())).toStrictEqual({ next: second, rest: [third] });
  });

  it('stays on the route while it has retries left', () => {
    expect(fallbackChoice(jobOf(payloadOf(), 0, { attempts: 3 }), serverError())).toBeUndefined();
  });

  it('moves on at once from a route it never called (an open circuit), retries left or not', () => {
    const job = jobOf(payloadOf(), 0, { attempts: 3 });
    expect(fallbackChoice(job, new CircuitOpenError('alpha', 'alpha-large'), true)).toStrictEqual({ next: second, rest: [third] });
  });

  it('moves on at once from a rate-limited route rather than wait out its limit', () => {
    const limited = new ProviderError({ kind: 'rate_limited', provider: 'alpha', message: 'slow down', retryAfterMs: 5000 });
    expect(fallbackChoice(jobOf(payloadOf(), 0, { attempts: 3 }), limited)).toStrictEqual({ next: second, rest: [third] });
  });

  it.each([
    ['the request itself was refused', new ProviderError({ kind: 'bad_request', provider: 'alpha', message: 'bad' })],
    ['the content was filtered', new ProviderError({ kind: 'content_filtered', provider: 'alpha', message: 'filtered' })],
    ['the payload broke the job contract', new SwitchyardError('invalid_job', 'bad payload')],
  ])('ends the request when %s: another provider would refuse it too', (_, error) => {
    expect(fallbackChoice(jobOf(payloadOf()), error)).toBeUndefined();
  });

  it('ends the request when no route is left', () => {
    expect(fallbackChoice(jobOf(payloadOf({ fallbacks: [] })), serverError())).toBeUndefined();
  });

  it('ends the request when its caller has stopped waiting', () => {
    expect(fallbackChoice(jobOf(payloadOf({ deadline: Date.now() - 1 })), serverError())).toBeUndefined();
  });
});

describe('leaving a route', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const subscriber = redis.duplicate();
  const prefix = `sytest-${randomUUID().slice(0, 8)}`;
  const producer = new LlmJobProducer(redis, prefix);
  const logger = createLogger({ service: 'test', level: 'silent' });
  const rows: LlmRequestRecord[] = [];
  const recorder = createOutcomeRecorder({ usage: { record: (row) => rows.push(row) }, publisher: redis, producer, logger });
  const { leaveRoute } = createRouteFallback({ producer, logger }, recorder);

  afterAll(async () => {
    await producer.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    subscriber.disconnect();
    redis.disconnect();
  });

  it('hands the request to the next route as job <chain id>-<n>, keeping its attempts, priority and retention', async () => {
    const job = jobOf(payloadOf(), 1, { attempts: 2, priority: 3, removeOnComplete: { age: 3600 } });
    const result = await leaveRoute(job, serverError(), Date.now());
    expect(result.forwardedTo).toStrictEqual({ provider: 'beta', jobId: 'job-1-1' });
    expect(result.attempts).toBe(2);

    const next = await producer.queueFor('beta').getJob('job-1-1');
    expect(next?.data).toMatchObject({ route: second, fallbacks: [third], chainId: 'job-1' });
    expect(next?.data.tried).toStrictEqual([{ provider: 'alpha', model: 'alpha-large', code: 'upstream_error', attempts: 2, upstreamStatus: 500 }]);
    expect(next?.opts).toMatchObject({ attempts: 2, priority: 3, removeOnComplete: { age: 3600 } });
    // Nothing has ended yet: no usage row.
    expect(rows).toStrictEqual([]);
  });

  it('gives the error back for BullMQ to retry while the route has attempts left', async () => {
    const error = serverError();
    await expect(leaveRoute(jobOf(payloadOf(), 0, { attempts: 3 }), error, Date.now())).rejects.toBe(error);
    expect(rows).toStrictEqual([]);
  });

  it('answers "every provider failed" when the last route of a chain fails, naming each route tried', async () => {
    const channel = `${prefix}:replies`;
    const heard = new Promise<string>((resolve) => subscriber.on('message', (_channel, message) => resolve(message)));
    await subscriber.subscribe(channel);
    const tried = [{ provider: 'beta', model: 'beta-large', code: 'upstream_timeout', attempts: 1 }];
    const job = jobOf(payloadOf({ chainId: 'chain-9', fallbacks: [], tried, replyTo: channel, deadline: Date.now() + 60_000 }));

    const error = await leaveRoute(job, serverError(), Date.now()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    const failedReason = JSON.parse((error as Error).message);
    expect(failedReason).toMatchObject({ code: 'all_providers_failed', details: { job_id: 'chain-9', attempts: 2 } });

    const reply = decodeReply(await heard);
    expect(reply).toMatchObject({ jobId: 'chain-9', ok: false, provider: 'alpha', model: 'alpha-large' });
    expect(JSON.parse(reply?.body ?? '')).toStrictEqual(failedReason);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ jobId: 'chain-9', status: 'failed', errorCode: 'all_providers_failed', attempts: 2 });
    expect(rows[0]?.routeAttempts?.map((attempt) => attempt.provider)).toStrictEqual(['beta', 'alpha']);
  });
});
