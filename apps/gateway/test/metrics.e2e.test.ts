import { llmQueuePrefix } from '@switchyard/contracts';
import { Scrape } from '@switchyard/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';

const ask = (model: string, content = 'count me') => ({ model, messages: [{ role: 'user' as const, content }] });

describe("/metrics: the provider queues' state, read on scrape", () => {
  let platform: Platform;
  let redis: Redis;
  let fragile: Queue;

  beforeAll(async () => {
    // The worker serves `mock` and `backup` only: jobs for `fragile` stay in its queue as they were put there.
    platform = await startPlatform({ env: { WORKER_PROVIDERS: 'mock,backup' } });
    redis = new Redis(platform.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
    fragile = new Queue('fragile', { connection: redis, prefix: llmQueuePrefix(platform.env.SWITCHYARD_KEY_PREFIX) });
  });

  afterAll(async () => {
    await fragile.close();
    await redis.quit();
    await platform.close();
  });

  const submit = async (body: Record<string, unknown>) => {
    const response = await fetch(`${platform.gateway.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(202);
  };
  const queueGauges = async (provider: string) => {
    const scrape = await Scrape.of(`${platform.gateway.url}/metrics`);
    const state = (name: string) => scrape.value('switchyard_queue_jobs', { provider, state: name });
    return { waiting: state('waiting'), prioritized: state('prioritized'), active: state('active'), delayed: state('delayed'), failed: state('failed') };
  };

  it('counts waiting, prioritized, delayed and failed jobs per provider queue, as BullMQ holds them', async () => {
    await expect(platform.client.chat.completions.create(ask('fails-500'))).rejects.toMatchObject({ status: 502 });
    const submittedAt = Date.now();
    await submit(ask('fragile-echo', 'waits'));
    for (let i = 0; i < 2; i++) await submit({ ...ask('fragile-echo', `prioritised ${i}`), priority: 5 });
    for (let i = 0; i < 3; i++) await submit({ ...ask('fragile-echo', `delayed ${i}`), delay: 600_000 });

    // An async job that names no priority runs at the default async priority, so all three wait as prioritized.
    const expected = { waiting: 0, prioritized: 3, active: 0, delayed: 3, failed: 0 };
    await expect.poll(() => queueGauges('fragile'), { timeout: 5000 }).toStrictEqual(expected);
    const bullmq = await fragile.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'failed');
    expect({ waiting: bullmq.wait, prioritized: bullmq.prioritized, active: bullmq.active, delayed: bullmq.delayed, failed: bullmq.failed }).toStrictEqual(
      expected,
    );
    // The sync request that failed is kept in its queue's failed set.
    await expect.poll(async () => (await queueGauges('mock')).failed, { timeout: 5000 }).toBe(1);

    // The oldest waiting job's age grows while nobody takes it, and is never more than the time since it was sent.
    let age = 0;
    await expect
      .poll(
        async () => {
          age = (await Scrape.of(`${platform.gateway.url}/metrics`)).value('switchyard_queue_oldest_waiting_age_seconds', { provider: 'fragile' });
          return age;
        },
        { timeout: 10_000, interval: 200 },
      )
      .toBeGreaterThanOrEqual(1);
    expect(age).toBeLessThanOrEqual((Date.now() - submittedAt) / 1000);
    // Every configured provider's queue is reported, an empty one with zeros.
    expect(await queueGauges('asleep')).toStrictEqual({ waiting: 0, prioritized: 0, active: 0, delayed: 0, failed: 0 });
  });
});

describe('/metrics: jobs credited to the provider that answered, and the workers own metrics', () => {
  let platform: Platform;
  let workerMetrics: string;

  beforeAll(async () => {
    // METRICS_PORT=0: the worker serves its metrics on a free port.
    platform = await startPlatform({ env: { METRICS_PORT: '0' } });
    workerMetrics = platform.worker?.metricsUrl ?? '';
  });

  afterAll(async () => {
    await platform.close();
  });

  const gateway = () => Scrape.of(`${platform.gateway.url}/metrics`);

  it('credits the fallback that answered a request, not the first route, and counts the fallback', async () => {
    const before = await gateway();
    const completion = await platform.client.chat.completions.create(ask('chain-after-500', 'answered by backup'));
    expect(completion.choices[0]?.message.content).toContain('answered by backup');
    const stream = await platform.client.chat.completions.create({ ...ask('chain-after-500', 'streamed by backup'), stream: true });
    for await (const _chunk of stream) {
      // read to the end
    }
    const after = await gateway();
    const delta = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(delta('switchyard_jobs_total', { provider: 'backup', outcome: 'succeeded' })).toBe(1);
    expect(delta('switchyard_jobs_total', { provider: 'backup', outcome: 'completed' })).toBe(1);
    expect(delta('switchyard_jobs_total', { provider: 'mock' })).toBe(0);
    expect(delta('switchyard_fallbacks_total', { from: 'mock', to: 'backup' })).toBe(2);
  });

  it("serves the worker's own metrics: the runs it ended by provider and outcome, their durations and upstream latency", async () => {
    expect(workerMetrics).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const before = await Scrape.of(workerMetrics);
    for (let i = 0; i < 3; i++) await platform.client.chat.completions.create(ask('mock-echo', `worker counts ${i}`));
    await expect(platform.client.chat.completions.create(ask('fails-500'))).rejects.toMatchObject({ status: 502 });
    await platform.client.chat.completions.create(ask('chain-after-500'));
    // A stream that breaks after its first tokens is a failed run, though the worker returned normally.
    const broken = await platform.client.chat.completions.create({ ...ask('breaks-stream', 'one two three four five six'), stream: true });
    await expect(
      (async () => {
        for await (const _chunk of broken) {
          // read until the error event
        }
      })(),
    ).rejects.toThrow();

    const expected = {
      mockSucceeded: 3,
      mockFailed: 2,
      mockForwarded: 1,
      backupSucceeded: 1,
      fallbacks: 1,
      mockSucceededDurations: 3,
      mockUpstreamCalls: 5,
    };
    await expect
      .poll(
        async () => {
          const after = await Scrape.of(workerMetrics);
          const delta = (name: string, labels: Record<string, string>, read: 'value' | 'count' = 'value') =>
            after[read](name, labels) - before[read](name, labels);
          return {
            mockSucceeded: delta('switchyard_worker_jobs_total', { provider: 'mock', outcome: 'succeeded' }),
            mockFailed: delta('switchyard_worker_jobs_total', { provider: 'mock', outcome: 'failed' }),
            mockForwarded: delta('switchyard_worker_jobs_total', { provider: 'mock', outcome: 'forwarded' }),
            backupSucceeded: delta('switchyard_worker_jobs_total', { provider: 'backup', outcome: 'succeeded' }),
            fallbacks: delta('switchyard_worker_fallbacks_total', { from: 'mock', to: 'backup' }),
            mockSucceededDurations: delta('switchyard_worker_job_duration_seconds', { provider: 'mock', outcome: 'succeeded' }, 'count'),
            // Three answers, the chain's first call (which handed on) and the broken stream; a failed call reports no result.
            mockUpstreamCalls: delta('switchyard_worker_upstream_latency_seconds', { provider: 'mock' }, 'count'),
          };
        },
        { timeout: 5000 },
      )
      .toStrictEqual(expected);
    const scrape = await Scrape.of(workerMetrics);
    expect(scrape.has('switchyard_worker_process_cpu_seconds_total')).toBe(true);
    expect((await fetch(workerMetrics.replace('/metrics', '/other'))).status).toBe(404);
  });

  it('serves the GenAI client metrics of each provider call: its duration, its tokens, a failed call with its error type', async () => {
    const before = await Scrape.of(workerMetrics);
    for (let i = 0; i < 2; i++) await platform.client.chat.completions.create(ask('mock-echo', `gen ai ${i}`));
    await expect(platform.client.chat.completions.create(ask('fails-500'))).rejects.toMatchObject({ status: 502 });
    // `gen_ai.provider.name` is the provider's kind (the mock is an OpenAI-compatible host); `switchyard.provider` its name in the routing file.
    const echo = {
      gen_ai_operation_name: 'chat',
      gen_ai_provider_name: 'openai-compatible',
      switchyard_provider: 'mock',
      gen_ai_request_model: 'echo',
      server_address: '127.0.0.1',
    };
    await expect
      .poll(
        async () => {
          const after = await Scrape.of(workerMetrics);
          const delta = (name: string, labels: Record<string, string>) => after.count(name, labels) - before.count(name, labels);
          return {
            calls: delta('gen_ai_client_operation_duration_seconds', echo),
            failed: delta('gen_ai_client_operation_duration_seconds', { switchyard_provider: 'mock', error_type: 'upstream_error' }),
            inputTokens: delta('gen_ai_client_token_usage', { ...echo, gen_ai_token_type: 'input' }),
            outputTokens: delta('gen_ai_client_token_usage', { ...echo, gen_ai_token_type: 'output' }),
            ended: delta('switchyard_worker_request_attempts', { provider: 'mock', status: 'succeeded' }),
            costly:
              after.value('switchyard_worker_cost_usd_total', { provider: 'mock' }) > before.value('switchyard_worker_cost_usd_total', { provider: 'mock' }),
          };
        },
        { timeout: 5000 },
      )
      .toStrictEqual({ calls: 2, failed: 1, inputTokens: 2, outputTokens: 2, ended: 2, costly: true });
  });
});
