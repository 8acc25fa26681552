import { createHash, randomUUID } from 'node:crypto';
import { AsyncJobs, asyncJobFrom, newAsyncJobId } from '@switchyard/async-jobs';
import { idempotencyKey as idempotencyRedisKey, parseAsyncJobRequest } from '@switchyard/contracts';
import { createLogger } from '@switchyard/observability';
import { createRedis, LlmJobProducer } from '@switchyard/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, startGateway } from '../src/start-gateway';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';

const CONCURRENT = 20;

describe('Idempotency-Key on POST /v1/jobs under concurrent submits', () => {
  let platform: Platform;
  /** A second gateway on its own Redis connections: the submits race across replicas too. */
  let second: RunningGateway;

  beforeAll(async () => {
    platform = await startPlatform();
    second = await startGateway(platform.env);
  });

  afterAll(async () => {
    await second.close();
    await platform.close();
  });

  const bodyOf = (content: string) => ({ model: 'mock-echo', messages: [{ role: 'user', content }] });

  async function submit(idempotencyKey: string, content: string, i: number) {
    const gateway = i % 2 === 0 ? platform.gateway : second;
    const response = await fetch(`${gateway.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(bodyOf(content)),
    });
    return { status: response.status, body: (await response.json()) as { id?: string; error?: { code: string; job_id?: string } } };
  }

  /** The jobs of the test tenant whose prompt contains `text`, as the list shows them once they have run. */
  async function jobsSaying(text: string): Promise<string[]> {
    const response = await fetch(`${platform.gateway.url}/v1/jobs?limit=100`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
    const page = (await response.json()) as { data: { id: string; result?: { choices: { message: { content: string } }[] } | null }[] };
    return page.data.filter((job) => job.result?.choices[0]?.message.content.includes(text)).map((job) => job.id);
  }

  const upstreamCallsSaying = (text: string) => platform.mock.requests.filter((request) => JSON.stringify(request.body).includes(text)).length;

  it(`makes exactly one job of ${CONCURRENT} concurrent identical submits to two gateways, and every answer names it`, async () => {
    const idempotencyKey = `order-${randomUUID()}`;
    const text = `once only ${idempotencyKey}`;
    const answers = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => submit(idempotencyKey, text, i)));
    expect(answers.map((answer) => answer.status)).toStrictEqual(Array(CONCURRENT).fill(202));
    const ids = new Set(answers.map((answer) => answer.body.id));
    expect(ids.size).toBe(1);
    const [id] = ids;
    await expect.poll(() => jobsSaying(text), { timeout: 10_000, interval: 50 }).toStrictEqual([id]);
    expect(upstreamCallsSaying(text)).toBe(1);
  });

  it(`keeps the first of ${CONCURRENT} concurrent submits with different bodies to two gateways and answers the others 409 naming it`, async () => {
    const idempotencyKey = `order-${randomUUID()}`;
    const answers = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => submit(idempotencyKey, `variant ${i} of ${idempotencyKey}`, i)));
    const accepted = answers.filter((answer) => answer.status === 202);
    const refused = answers.filter((answer) => answer.status === 409);
    expect(accepted).toHaveLength(1);
    expect(refused).toHaveLength(CONCURRENT - 1);
    const id = accepted[0]?.body.id;
    for (const answer of refused) expect(answer.body.error).toMatchObject({ code: 'idempotency_key_reused', job_id: id });
    await expect.poll(() => jobsSaying(idempotencyKey), { timeout: 10_000, interval: 50 }).toStrictEqual([id]);
    expect(upstreamCallsSaying(idempotencyKey)).toBe(1);
  });

  it('answers a repeat that comes while the first request is still queueing its job with that job, not a 404', async () => {
    const idempotencyKey = `order-${randomUUID()}`;
    const text = `slow to queue ${idempotencyKey}`;
    const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
    const prefix = platform.env.SWITCHYARD_KEY_PREFIX ?? '';
    const redis = createRedis(platform.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      name: 'switchyard:test',
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
    try {
      // The first request has claimed the key (its first step) and not yet queued its job: held here, as a
      // busy Redis or gateway holds it, so the repeat surely comes in between.
      const jobId = newAsyncJobId('mock');
      await redis.set(idempotencyRedisKey(prefix, 'acme', sha256(idempotencyKey)), `${jobId} ${sha256(JSON.stringify(bodyOf(text)))}`, 'PX', 60_000);
      const repeat = submit(idempotencyKey, text, 0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Then it queues the job, as the gateway does.
      const jobs = new AsyncJobs(redis, new LlmJobProducer(redis, prefix), {
        prefix,
        attempts: 1,
        retentionMs: 60_000,
        isKnownProvider: (name) => name === 'mock',
      });
      const route = { publicModel: 'mock-echo', provider: 'mock', model: 'echo' };
      await jobs.submit(
        asyncJobFrom(parseAsyncJobRequest(bodyOf(text)), { jobId, requestId: jobId, route, caller: { keyId: 'test-key', tenant: 'acme' } }),
        () => '',
      );
      const answer = await repeat;
      expect(answer.status).toBe(202);
      expect(answer.body.id).toBe(jobId);
    } finally {
      await redis.quit();
    }
  });
});
