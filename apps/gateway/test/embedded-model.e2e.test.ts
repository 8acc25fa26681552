import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { llmQueueName, llmQueuePrefix } from '@switchyard/contracts';
import { createLogger } from '@switchyard/observability';
import { createRedis } from '@switchyard/queue';
import { writeTinyLlamaGguf } from '@switchyard/testing';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_TEST_MODEL, type Platform, startPlatform } from './platform-harness';

describe('an embedded model run by worker-local', () => {
  let platform: Platform;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-embedded-e2e-'));
    const model = join(dir, 'tiny.gguf');
    // A long context, so an answer runs for seconds: long enough to cancel it half-way.
    await writeTinyLlamaGguf(model, { contextLength: 8192 });
    platform = await startPlatform({ embeddedModel: model, worker: false });
    await platform.startLocalWorker();
  });

  afterAll(async () => {
    await platform?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers through the gateway and the queue, with the usage its tokenizer counted', async () => {
    const raw = await platform.client.chat.completions
      .create({ model: EMBEDDED_TEST_MODEL, messages: [{ role: 'user', content: 'hello there' }], max_tokens: 9, temperature: 0 })
      .withResponse();
    const completion = raw.data;
    expect(raw.response.headers.get('x-switchyard-provider')).toBe('embedded');
    expect(completion.choices[0]?.message.content).not.toBe('');
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage).toMatchObject({ completion_tokens: 9 });
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(5);
    const row = await platform.usageRow(raw.response.headers.get('x-switchyard-job-id') ?? '');
    expect(row).toMatchObject({ status: 'succeeded', provider: 'embedded', completionTokens: 9 });
  });

  it('streams the answer token by token, with usage when asked', async () => {
    const stream = await platform.client.chat.completions.create({
      model: EMBEDDED_TEST_MODEL,
      messages: [{ role: 'user', content: 'stream please' }],
      max_tokens: 16,
      stream: true,
      stream_options: { include_usage: true },
    });
    const contents: string[] = [];
    let usage: { completion_tokens: number } | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const content = chunk.choices[0]?.delta.content;
      if (content) contents.push(content);
      finish ??= chunk.choices[0]?.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(contents.length).toBeGreaterThan(3);
    expect(finish).toBe('length');
    expect(usage?.completion_tokens).toBe(16);
  });

  it('stops generating when the client disconnects, and records the job as cancelled', async () => {
    const controller = new AbortController();
    const { data: stream, response } = await platform.client.chat.completions
      .create(
        { model: EMBEDDED_TEST_MODEL, messages: [{ role: 'user', content: 'a long one' }], max_tokens: 8000, stream: true },
        { signal: controller.signal },
      )
      .withResponse();
    let received = 0;
    // The SDK ends the iteration quietly on an abort of its own signal.
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) received++;
      if (received === 3) controller.abort();
    }
    const row = await platform.usageRow(response.headers.get('x-switchyard-job-id') ?? '');
    expect(row.status).toBe('cancelled');
    expect(row.completionTokens).toBeLessThan(8000);
  });

  it('answers JSON matching a json_schema response_format', async () => {
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false };
    const completion = await platform.client.chat.completions.create({
      model: EMBEDDED_TEST_MODEL,
      messages: [{ role: 'user', content: 'answer in JSON' }],
      max_tokens: 100,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } },
    });
    expect(typeof JSON.parse(completion.choices[0]?.message.content ?? '').ok).toBe('boolean');
  });

  it('takes no more jobs at once than the model has slots; the rest wait in the queue', async () => {
    const redis = createRedis(platform.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      name: 'switchyard:test-embedded',
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
    const queue = new Queue(llmQueueName('embedded'), { connection: redis, prefix: llmQueuePrefix(platform.env.SWITCHYARD_KEY_PREFIX ?? '') });
    try {
      let mostActive = 0;
      let mostWaiting = 0;
      let done = false;
      const watch = (async () => {
        while (!done) {
          const counts = await queue.getJobCounts('active', 'wait');
          mostActive = Math.max(mostActive, counts.active ?? 0);
          mostWaiting = Math.max(mostWaiting, counts.wait ?? 0);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })();
      const answers = await Promise.all(
        Array.from({ length: 5 }, () =>
          platform.client.chat.completions.create({ model: EMBEDDED_TEST_MODEL, messages: [{ role: 'user', content: 'busy' }], max_tokens: 400 }),
        ),
      );
      done = true;
      await watch;
      expect(answers.map((answer) => answer.usage?.completion_tokens)).toStrictEqual([400, 400, 400, 400, 400]);
      expect(mostActive).toBe(2);
      expect(mostWaiting).toBeGreaterThan(0);
    } finally {
      await queue.close();
      await redis.quit();
    }
  });
});
