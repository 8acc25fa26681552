import { randomUUID } from 'node:crypto';
import { LLM_JOB_VERSION, type LlmJobPayload, type LlmJobResult, llmQueueKey, llmQueuePrefix } from '@switchyard/contracts';
import { UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeReply } from '../reply/reply-message';
import { LlmJobProducer } from './llm-job-producer';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `sytest-${randomUUID().slice(0, 8)}`;

function payload(content: string): LlmJobPayload {
  return {
    v: LLM_JOB_VERSION,
    kind: 'chat.completion',
    requestId: randomUUID(),
    route: { publicModel: 'mock-echo', provider: 'mock', model: 'echo' },
    request: { model: 'mock-echo', messages: [{ role: 'user', content }] },
    caller: { keyId: 'k', tenant: 't' },
    enqueuedAt: Date.now(),
  };
}

describe(LlmJobProducer.name, () => {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const producer = new LlmJobProducer(connection, prefix);
  const worker = new Worker<LlmJobPayload, LlmJobResult>(
    'mock',
    async (job) => {
      const content = String(job.data.request.messages[0]?.content);
      if (content === 'fail') throw new UnrecoverableError('{"code":"upstream_error","message":"mock: boom","param":null,"retryable":false}');
      const response = { id: 'c1', object: 'chat.completion' as const, created: 1, model: 'echo', choices: [] };
      return {
        requestId: job.data.requestId,
        provider: 'mock',
        model: 'echo',
        response,
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        timings: { queueMs: 0, upstreamMs: 0, totalMs: 0 },
        attempts: 1,
      };
    },
    { connection: new Redis(url, { maxRetriesPerRequest: null }), prefix: llmQueuePrefix(prefix) },
  );

  afterAll(async () => {
    await worker.close();
    await producer.close();
    const keys = await connection.keys(`${prefix}:*`);
    if (keys.length > 0) await connection.del(...keys);
    connection.disconnect();
  });

  it('puts the job on its provider queue under <prefix>:llm:<provider>', async () => {
    await producer.enqueue(payload('hello'), { jobId: 'job-ok' });
    expect(await connection.exists(`${llmQueueKey(prefix, 'mock')}:job-ok`)).toBe(1);
  });

  it('deletes a finished sync job at once: its caller has the answer, and it must not trim the completed set', async () => {
    await expect.poll(() => connection.exists(`${llmQueueKey(prefix, 'mock')}:job-ok`), { timeout: 3000 }).toBe(0);
  });

  it('reads back what a finished job answered, for replies missed while disconnected', async () => {
    await producer.keepUnheardReply('job-unheard', encodeReply({ jobId: 'job-unheard', ok: true, provider: 'mock', model: 'echo', body: '{"id":"c1"}' }));
    expect(await producer.finishedReply('mock', 'job-unheard')).toMatchObject({ jobId: 'job-unheard', ok: true, provider: 'mock', body: '{"id":"c1"}' });
    await producer.enqueue(payload('kept'), { jobId: 'job-kept', retainMs: 60_000 });
    await expect
      .poll(() => producer.finishedReply('mock', 'job-kept'), { timeout: 3000 })
      .toMatchObject({
        jobId: 'job-kept',
        ok: true,
        provider: 'mock',
        model: 'echo',
      });
    await producer.enqueue(payload('fail'), { jobId: 'job-failed' });
    await expect.poll(() => producer.finishedReply('mock', 'job-failed'), { timeout: 3000 }).toMatchObject({ ok: false });
    const failed = await producer.finishedReply('mock', 'job-failed');
    expect(JSON.parse(failed?.body ?? '{}')).toMatchObject({ code: 'upstream_error' });
    expect(await producer.finishedReply('mock', 'no-such-job')).toBeUndefined();
  });
});
