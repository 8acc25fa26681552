import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChatCompletionChunk, chatCompletionChunkSchema, ProviderError } from '@switchyard/contracts';
import { writeTinyLlamaGguf } from '@switchyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerateParams } from '../provider-adapter';
import { EmbeddedAdapter } from './embedded-adapter';

const quiet = { info: () => undefined, warn: () => undefined };
const said = (content: string) => [{ role: 'user' as const, content }];
const textOf = (chunks: readonly ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('EmbeddedAdapter', () => {
  let dir: string;
  let model: string;
  let adapter: EmbeddedAdapter;
  const ask = (request: Partial<GenerateParams['request']>, extra: Partial<GenerateParams> = {}): GenerateParams => ({
    model,
    request: { model: 'tiny', messages: said('hello there'), ...request },
    ...extra,
  });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-embedded-'));
    model = join(dir, 'tiny.gguf');
    await writeTinyLlamaGguf(model);
    adapter = new EmbeddedAdapter({ provider: 'local', threads: 1, contextSize: 2048, concurrency: 2, log: quiet });
  });

  afterAll(async () => {
    await adapter?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('streams tokens as chunks, role first, finish reason, then the usage alone and last', async () => {
    const chunks = await collect(adapter.stream(ask({ max_tokens: 12, temperature: 0 })));
    for (const chunk of chunks) expect(chatCompletionChunkSchema.safeParse(chunk).success, JSON.stringify(chunk)).toBe(true);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.filter((chunk) => (chunk.choices[0]?.delta.content ?? '') !== '').length).toBeGreaterThan(3);
    expect(chunks.flatMap((chunk) => chunk.choices.flatMap((choice) => choice.finish_reason ?? []))).toStrictEqual(['length']);
    expect(chunks.at(-1)?.choices).toStrictEqual([]);
    expect(chunks.at(-1)?.usage).toMatchObject({ completion_tokens: 12 });
  });

  it("counts the prompt with the model's own tokenizer and chat template, and stops at max_tokens", async () => {
    const completion = await adapter.generate(ask({ max_tokens: 7 }));
    const prompt = await adapter.countTokens(ask({}));
    expect(prompt).toBeGreaterThan(10);
    expect(completion.usage).toStrictEqual({ prompt_tokens: prompt, completion_tokens: 7, total_tokens: prompt + 7 });
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.choices[0]?.message.content).not.toBe('');
    // A longer conversation is a longer prompt.
    const longer = await adapter.countTokens(ask({ messages: [{ role: 'system', content: 'be brief' }, ...said('hello there')] }));
    expect(longer).toBeGreaterThan(prompt);
  });

  it('answers the same text for the same seed', async () => {
    const first = await adapter.generate(ask({ max_tokens: 16, temperature: 1, seed: 42 }));
    const second = await adapter.generate(ask({ max_tokens: 16, temperature: 1, seed: 42 }));
    expect(second.choices[0]?.message.content).toBe(first.choices[0]?.message.content);
  });

  it('ends the answer before a stop sequence, with finish_reason stop', async () => {
    const free = (await adapter.generate(ask({ max_tokens: 24, temperature: 0 }))).choices[0]?.message.content ?? '';
    const words = free.trim().split(' ');
    expect(words.length).toBeGreaterThan(4);
    const stop = ` ${words[3]}`;
    const cut = await adapter.generate(ask({ max_tokens: 24, temperature: 0, stop: [stop] }));
    expect(cut.choices[0]?.finish_reason).toBe('stop');
    expect(cut.choices[0]?.message.content).toBe(free.slice(0, free.indexOf(stop)));
  });

  it('answers JSON that matches the response_format schema, enforced by a grammar', async () => {
    const schema = {
      type: 'object',
      properties: { answer: { enum: ['yes', 'no'] }, sure: { type: 'boolean' }, count: { type: 'number' } },
      required: ['answer', 'sure', 'count'],
      additionalProperties: false,
    };
    for (const seed of [1, 2, 3]) {
      const completion = await adapter.generate(
        ask({ max_tokens: 200, seed, temperature: 1, response_format: { type: 'json_schema', json_schema: { name: 'verdict', schema } } }),
      );
      expect(completion.choices[0]?.finish_reason).toBe('stop');
      const value = JSON.parse(completion.choices[0]?.message.content ?? '');
      expect(Object.keys(value).sort()).toStrictEqual(['answer', 'count', 'sure']);
      expect(['yes', 'no']).toContain(value.answer);
      expect(typeof value.sure).toBe('boolean');
      expect(typeof value.count, JSON.stringify(value)).toBe('number');
    }
  });

  it('stops generating within 200 ms of an abort, and frees its slot', async () => {
    const controller = new AbortController();
    const chunks: ChatCompletionChunk[] = [];
    let abortedAt = 0;
    const error = await (async () => {
      for await (const chunk of adapter.stream(ask({ max_tokens: 1900 }, { signal: controller.signal }))) {
        chunks.push(chunk);
        if (abortedAt === 0 && textOf(chunks) !== '') {
          abortedAt = performance.now();
          controller.abort();
        }
      }
    })().catch((e: unknown) => e);
    const stoppedAfter = performance.now() - abortedAt;
    expect(error).toBeInstanceOf(ProviderError);
    expect(stoppedAfter).toBeLessThan(200);
    await expect.poll(async () => (await adapter.state()).models[0]?.busySlots, { timeout: 200, interval: 10 }).toBe(0);
    // Nothing was generated after the abort: the next request gets the slot at once and runs normally.
    const next = await adapter.generate(ask({ max_tokens: 3 }));
    expect(next.usage?.completion_tokens).toBe(3);
  });

  it('runs at most `concurrency` requests at once; the next one starts when a slot frees', async () => {
    const timings = await Promise.all(
      [0, 1, 2].map(async () => {
        let first = 0;
        for await (const chunk of adapter.stream(ask({ max_tokens: 300 }))) if (first === 0 && chunk.choices[0]?.delta.content) first = performance.now();
        return { first, end: performance.now() };
      }),
    );
    const [third, ...others] = [...timings].sort((a, b) => b.first - a.first);
    expect(third?.first).toBeGreaterThanOrEqual(Math.min(...others.map((timing) => timing.end)));
  });

  it('refuses a prompt longer than the context as context_too_long', async () => {
    const small = new EmbeddedAdapter({ provider: 'local', threads: 1, contextSize: 64, log: quiet });
    try {
      const error = await small.generate(ask({ messages: said('a b c d e f g h i j k l m n o p q r s t u v w x y z '.repeat(40)) })).catch((e: unknown) => e);
      expect(error, String(error)).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ kind: 'context_too_long', retryable: false });
    } finally {
      await small.close();
    }
  });

  it('reports a model file that does not exist as not_found', async () => {
    const error = await adapter.generate({ ...ask({}), model: join(dir, 'missing.gguf') }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'not_found', retryable: false, provider: 'local' });
  });

  it('reports loaded models with their size and slots, and forgets a model it unloads', async () => {
    await adapter.preload(model);
    const loaded = await adapter.state();
    expect(loaded).toMatchObject({ provider: 'local', runtimeLoaded: true, buildType: 'prebuilt', gpu: false });
    expect(loaded.models).toStrictEqual([
      expect.objectContaining({ model, fileBytes: expect.any(Number), contextSize: 2048, threads: 1, slots: 2, busySlots: 0, chatTemplate: 'ChatML' }),
    ]);
    expect(loaded.models[0]?.modelBytes).toBeGreaterThan(0);
    await adapter.unload(model);
    expect((await adapter.state()).models).toStrictEqual([]);
    expect(await adapter.listModels()).toStrictEqual([]);
    // The next request loads it again.
    expect((await adapter.generate(ask({ max_tokens: 2 }))).usage?.completion_tokens).toBe(2);
  });
});

describe('EmbeddedAdapter with an hf: model', () => {
  it('downloads the file into the models folder once, with its checksum, and runs it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-embedded-hf-'));
    const source = join(dir, 'source.gguf');
    await writeTinyLlamaGguf(source);
    const bytes = await readFile(source);
    const paths: string[] = [];
    const hub = createServer((request, response) => {
      paths.push(request.url ?? '');
      response.writeHead(200, { 'content-length': bytes.length }).end(bytes);
    });
    await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
    const progress: object[] = [];
    const log = { info: (fields: object, message: string) => message.startsWith('downloading') && progress.push(fields), warn: () => undefined };
    const settings = {
      provider: 'local',
      threads: 1,
      contextSize: 256,
      modelsDir: join(dir, 'models'),
      hfEndpoint: `http://127.0.0.1:${(hub.address() as AddressInfo).port}`,
      log,
    };
    const model = 'hf:switchyard/tiny-GGUF/tiny.gguf';
    const adapter = new EmbeddedAdapter(settings);
    const again = new EmbeddedAdapter(settings);
    try {
      const completion = await adapter.generate({ model, request: { model: 'tiny', messages: said('hi'), max_tokens: 3 } });
      expect(completion.usage?.completion_tokens).toBe(3);
      expect(paths).toStrictEqual(['/switchyard/tiny-GGUF/resolve/main/tiny.gguf']);
      expect(progress.at(-1)).toMatchObject({ receivedBytes: bytes.length, totalBytes: bytes.length });
      const cached = join(dir, 'models', 'hf', 'switchyard', 'tiny-GGUF', 'main', 'tiny.gguf');
      expect(existsSync(cached) && existsSync(`${cached}.sha256`)).toBe(true);
      await again.preload(model);
      expect(paths).toHaveLength(1);
    } finally {
      await adapter.close();
      await again.close();
      await new Promise((resolve) => hub.close(resolve));
      await rm(dir, { recursive: true, force: true });
    }
  });
});
