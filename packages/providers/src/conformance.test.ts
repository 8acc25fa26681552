import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChatCompletionChunk, type ChatMessage, chatCompletionChunkSchema, ProviderError } from '@switchyard/contracts';
import { type MockUpstream, mockModelId, mockPromptTokenCount, type RecordedRequest, startMockUpstream, writeTinyLlamaGguf } from '@switchyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProviderAdapter } from './create-provider-adapter';
import { EmbeddedAdapter } from './embedded/embedded-adapter';
import { GeminiAdapter } from './gemini/gemini-adapter';
import { GroqAdapter } from './groq/groq-adapter';
import { LlamaCppAdapter } from './llamacpp/llamacpp-adapter';
import { OllamaAdapter } from './ollama/ollama-adapter';
import { OpenAIAdapter } from './openai/openai-adapter';
import type { GenerateParams, ProviderAdapter } from './provider-adapter';
import { TgiAdapter } from './tgi/tgi-adapter';

/**
 * One suite, every adapter: the same mock behaviours must come out of each as
 * the same completion and the same typed errors, whatever wire format and SDK
 * sit in between.
 */
interface AdapterCase {
  create(mockUrl: string): ProviderAdapter;
  /** Where the wire format puts the model id (Gemini: in the URL). */
  modelSent?(request: RecordedRequest): unknown;
  /** Whether the SDK exposes response headers on errors (Retry-After). */
  readsRetryAfter: boolean;
}

/** Every adapter case runs with this timeout. */
const TIMEOUT_MS = 300;

const ADAPTERS: [string, AdapterCase][] = [
  ['openai', { create: (url) => new OpenAIAdapter({ provider: 'mock', baseUrl: `${url}/v1`, timeoutMs: TIMEOUT_MS }), readsRetryAfter: true }],
  ['groq', { create: (url) => new GroqAdapter({ provider: 'mock', baseUrl: url, timeoutMs: TIMEOUT_MS }), readsRetryAfter: true }],
  // The ollama and @google/genai errors carry status and text, not headers.
  ['ollama', { create: (url) => new OllamaAdapter({ provider: 'mock', host: url, timeoutMs: TIMEOUT_MS }), readsRetryAfter: false }],
  [
    'gemini',
    {
      create: (url) => new GeminiAdapter({ provider: 'mock', baseUrl: url, timeoutMs: TIMEOUT_MS }),
      // Gemini's delay comes in the body's RetryInfo, not a header.
      readsRetryAfter: true,
      modelSent: (request) => /\/models\/([^/:]+):/.exec(request.path)?.[1],
    },
  ],
  ['llamacpp', { create: (url) => new LlamaCppAdapter({ provider: 'mock', host: url, timeoutMs: TIMEOUT_MS }), readsRetryAfter: true }],
  ['vllm', { create: (url) => createProviderAdapter({ name: 'mock', kind: 'vllm', baseUrl: `${url}/v1`, timeoutMs: TIMEOUT_MS }), readsRetryAfter: true }],
  ['tgi-messages', { create: (url) => new TgiAdapter({ provider: 'mock', host: url, timeoutMs: TIMEOUT_MS }), readsRetryAfter: true }],
  // TGI ignores the body's model field; the adapter sends it for routing proxies, and the mock reads it.
  ['tgi-native', { create: (url) => new TgiAdapter({ provider: 'mock', host: url, timeoutMs: TIMEOUT_MS, nativeGenerate: true }), readsRetryAfter: true }],
];

/** Everything the stream yielded before it ended or failed, and how it ended. */
async function consume(stream: AsyncIterable<ChatCompletionChunk>): Promise<{ chunks: ChatCompletionChunk[]; error: unknown }> {
  const chunks: ChatCompletionChunk[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk);
  } catch (error) {
    return { chunks, error };
  }
  return { chunks, error: undefined };
}

const textOf = (chunks: readonly ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
const finishReasonsOf = (chunks: readonly ChatCompletionChunk[]) => chunks.flatMap((chunk) => chunk.choices.flatMap((choice) => choice.finish_reason ?? []));
const said = (content: string): ChatMessage[] => [{ role: 'user', content }];

describe.each(ADAPTERS)(
  '%s adapter conformance',
  (_name, { create, readsRetryAfter, modelSent = (request) => (request.body as { model?: unknown }).model }) => {
    let mock: MockUpstream;
    let adapter: ProviderAdapter;
    const hi = [{ role: 'user' as const, content: 'hi' }];

    beforeAll(async () => {
      mock = await startMockUpstream();
      adapter = create(mock.url);
    });

    afterAll(async () => {
      await mock.close();
    });

    it('returns the completion with usage and stop reason, sending the provider model id', async () => {
      const messages = [{ role: 'user' as const, content: 'one two three' }];
      const completion = await adapter.generate({ model: 'echo', request: { model: 'public-name', messages, metadata: { team: 'a' } } });
      expect(completion.choices[0]?.message.content).toBe('one two three');
      expect(completion.choices[0]?.finish_reason).toBe('stop');
      const prompt = mockPromptTokenCount(messages);
      expect(completion.usage).toMatchObject({ prompt_tokens: prompt, completion_tokens: 3, total_tokens: prompt + 3 });
      const sent = mock.requests.at(-1) as RecordedRequest;
      expect(modelSent(sent)).toBe('echo');
      expect(sent.body).not.toHaveProperty('metadata');
    });

    it('reports a truncated answer as finish_reason length', async () => {
      const completion = await adapter.generate({ model: 'echo', request: { model: 'x', max_tokens: 2, messages: [{ role: 'user', content: 'a b c d' }] } });
      expect(completion.choices[0]?.finish_reason).toBe('length');
      expect(completion.usage?.completion_tokens).toBe(2);
    });

    it.each([
      ['echo@status=429;retry_after=2', 'rate_limited', true, 429, 2000],
      ['echo@status=401', 'auth', false, 401, undefined],
      ['echo@status=400', 'bad_request', false, 400, undefined],
      ['echo@status=404', 'not_found', false, 404, undefined],
      ['echo@status=500', 'server', true, 500, undefined],
      ['echo@status=503', 'overloaded', true, 503, undefined],
      ['echo@hang', 'timeout', true, undefined, undefined],
      ['echo@malformed', 'malformed_response', true, undefined, undefined],
    ])('maps upstream %s to a %s ProviderError', async (model, kind, retryable, upstreamStatus, retryAfterMs) => {
      const error = await adapter.generate({ model, request: { model: 'x', messages: hi } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ kind, retryable, upstreamStatus, retryAfterMs: readsRetryAfter ? retryAfterMs : undefined, provider: 'mock' });
    });

    it('keeps the upstream text of an auth failure out of the error', async () => {
      const error = (await adapter.generate({ model: 'echo@status=401', request: { model: 'x', messages: hi } }).catch((e: unknown) => e)) as Error;
      expect(error.message).toBe('mock: HTTP 401');
    });

    it('aborts the upstream call when the signal fires', async () => {
      const controller = new AbortController();
      const before = mock.abortedRequests;
      const call = adapter.generate({ model: 'echo@latency=250', request: { model: 'x', messages: hi }, signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await expect(call).rejects.toBeInstanceOf(ProviderError);
      await expect.poll(() => mock.abortedRequests, { timeout: 5000 }).toBe(before + 1);
    });

    describe('stream', () => {
      const stream = (model: string, messages: ChatMessage[] = hi, extra: Partial<GenerateParams> = {}) =>
        adapter.stream({ model, request: { model: 'public-name', messages }, ...extra });

      it('streams the text, finish reason and usage that generate answers, role first and usage last', async () => {
        const messages = said('the quick brown fox jumps over');
        const completion = await adapter.generate({ model: 'echo', request: { model: 'public-name', messages } });
        const { chunks, error } = await consume(stream('echo', messages));
        expect(error).toBeUndefined();
        for (const chunk of chunks) expect(chatCompletionChunkSchema.safeParse(chunk).success, JSON.stringify(chunk)).toBe(true);
        expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
        expect(textOf(chunks)).toBe('the quick brown fox jumps over');
        expect(textOf(chunks)).toBe(completion.choices[0]?.message.content);
        expect(finishReasonsOf(chunks)).toStrictEqual(['stop']);
        // The caller did not ask for usage; it comes anyway, once, alone and last.
        expect(chunks.filter((chunk) => chunk.usage != null)).toHaveLength(1);
        expect(chunks.at(-1)?.choices).toStrictEqual([]);
        expect(chunks.at(-1)?.usage).toStrictEqual(completion.usage);
        expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: mockPromptTokenCount(messages), completion_tokens: 6 });
        expect(modelSent(mock.requests.at(-1) as RecordedRequest)).toBe('echo');
      });

      it('finishes a truncated answer with length', async () => {
        const { chunks, error } = await consume(adapter.stream({ model: 'echo', request: { model: 'x', max_tokens: 2, messages: said('a b c d') } }));
        expect(error).toBeUndefined();
        expect(textOf(chunks)).toBe('a b');
        expect(finishReasonsOf(chunks)).toStrictEqual(['length']);
        expect(chunks.at(-1)?.usage?.completion_tokens).toBe(2);
      });

      it.each([
        ['echo@status=429;retry_after=2', 'rate_limited'],
        ['echo@status=401', 'auth'],
        ['echo@status=500', 'server'],
      ])('throws for %s, before any chunk, the %s ProviderError generate throws', async (model, kind) => {
        const generated = await adapter.generate({ model, request: { model: 'x', messages: hi } }).catch((e: unknown) => e);
        const { chunks, error } = await consume(stream(model));
        expect(chunks).toStrictEqual([]);
        expect(error).toBeInstanceOf(ProviderError);
        const { retryable, upstreamStatus, retryAfterMs } = generated as ProviderError;
        expect(error).toMatchObject({ kind, retryable, upstreamStatus, retryAfterMs, provider: 'mock' });
      });

      it('throws a retryable ProviderError, without hanging, when the connection is cut mid-stream', async () => {
        const started = Date.now();
        const { chunks, error } = await consume(stream(mockModelId({ breakStreamAfterChunks: 2 }), said('one two three four five')));
        expect(error).toBeInstanceOf(ProviderError);
        expect(error).toMatchObject({ retryable: true });
        expect(['server', 'malformed_response']).toContain((error as ProviderError).kind);
        expect(textOf(chunks)).toBe('one two');
        expect(finishReasonsOf(chunks)).toStrictEqual([]);
        expect(Date.now() - started).toBeLessThan(TIMEOUT_MS);
      });

      it('throws a retryable ProviderError for a stream whose events cannot be read', async () => {
        const { error } = await consume(stream('echo@malformed'));
        expect(error).toBeInstanceOf(ProviderError);
        expect(error).toMatchObject({ retryable: true });
        expect(['server', 'malformed_response']).toContain((error as ProviderError).kind);
      });

      it('closes the upstream connection at once, and throws, when the caller aborts mid-stream', async () => {
        const controller = new AbortController();
        const before = mock.abortedRequests;
        const chunks: ChatCompletionChunk[] = [];
        let abortedAt = 0;
        // A chunk every 200 ms for 4 s: an adapter that ignores the abort reads on well past the bound below.
        const slow = mockModelId({ tokensPerSecond: 5 });
        const words = Array.from({ length: 20 }, (_, i) => `w${i}`).join(' ');
        const error = await (async () => {
          for await (const chunk of stream(slow, said(words), { signal: controller.signal })) {
            chunks.push(chunk);
            if (abortedAt === 0 && textOf(chunks) !== '') {
              abortedAt = Date.now();
              controller.abort();
            }
          }
        })().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ProviderError);
        // Loose enough for a busy machine, far below the 4 s the rest of the stream would take.
        expect(Date.now() - abortedAt).toBeLessThan(2000);
        // At most a chunk already read with the first one.
        expect(['w0', 'w0 w1']).toContain(textOf(chunks));
        await expect.poll(() => mock.abortedRequests, { timeout: 2000, interval: 5 }).toBe(before + 1);
      });

      it('closes the upstream connection when the consumer breaks out of its loop', async () => {
        const before = mock.abortedRequests;
        let text = '';
        for await (const chunk of stream(mockModelId({ tokensPerSecond: 20 }), said('one two three four five six'))) {
          text += chunk.choices[0]?.delta.content ?? '';
          if (text === 'one two') break;
        }
        expect(text).toBe('one two');
        await expect.poll(() => mock.abortedRequests, { timeout: 2000, interval: 5 }).toBe(before + 1);
      });

      it('lets a slow stream run longer than timeoutMs while every gap is shorter', async () => {
        // One token every 100 ms: eight tokens take about 800 ms against a 300 ms timeout.
        const started = Date.now();
        const words = 'one two three four five six seven eight';
        const { chunks, error } = await consume(stream(mockModelId({ tokensPerSecond: 10 }), said(words)));
        expect(error).toBeUndefined();
        expect(Date.now() - started).toBeGreaterThan(2 * TIMEOUT_MS);
        expect(textOf(chunks)).toBe(words);
        expect(finishReasonsOf(chunks)).toStrictEqual(['stop']);
      });

      it('times out, closing the connection, when a gap between chunks is longer than timeoutMs', async () => {
        const before = mock.abortedRequests;
        // One token every 500 ms.
        const { error } = await consume(stream(mockModelId({ tokensPerSecond: 2 }), said('one two three')));
        expect(error).toBeInstanceOf(ProviderError);
        expect(error).toMatchObject({ kind: 'timeout', retryable: true });
        await expect.poll(() => mock.abortedRequests, { timeout: 2000, interval: 5 }).toBe(before + 1);
      });

      it('times out a stream that never starts', async () => {
        const started = Date.now();
        const { chunks, error } = await consume(stream('echo@hang'));
        expect(chunks).toStrictEqual([]);
        expect(error).toBeInstanceOf(ProviderError);
        expect(error).toMatchObject({ kind: 'timeout', retryable: true, provider: 'mock' });
        expect(Date.now() - started).toBeLessThan(3 * TIMEOUT_MS);
      });
    });
  },
);

/**
 * The embedded adapter has no upstream to misbehave (no statuses, hangs or
 * cut connections), so it answers to the part of the contract that does not
 * need one, against a tiny model written for the test: the same completion
 * from generate and stream, the chunk order, usage, truncation and stopping.
 */
describe('embedded adapter conformance', () => {
  let dir: string;
  let model: string;
  let adapter: EmbeddedAdapter;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-conformance-'));
    model = join(dir, 'tiny.gguf');
    await writeTinyLlamaGguf(model);
    adapter = new EmbeddedAdapter({
      provider: 'local',
      threads: 1,
      contextSize: 1024,
      timeoutMs: TIMEOUT_MS * 10,
      log: { info: () => undefined, warn: () => undefined },
    });
  });

  afterAll(async () => {
    await adapter?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const stream = (request: Partial<GenerateParams['request']>, extra: Partial<GenerateParams> = {}) =>
    adapter.stream({ model, request: { model: 'public-name', messages: said('the quick brown fox'), ...request }, ...extra });

  it('streams the text, finish reason and usage that generate answers, role first and usage last', async () => {
    const completion = await adapter.generate({
      model,
      request: { model: 'public-name', messages: said('the quick brown fox'), max_tokens: 10, temperature: 0 },
    });
    const { chunks, error } = await consume(stream({ max_tokens: 10, temperature: 0 }));
    expect(error).toBeUndefined();
    for (const chunk of chunks) expect(chatCompletionChunkSchema.safeParse(chunk).success, JSON.stringify(chunk)).toBe(true);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(textOf(chunks)).toBe(completion.choices[0]?.message.content);
    expect(finishReasonsOf(chunks)).toStrictEqual(['length']);
    expect(chunks.filter((chunk) => chunk.usage != null)).toHaveLength(1);
    expect(chunks.at(-1)?.choices).toStrictEqual([]);
    expect(chunks.at(-1)?.usage).toStrictEqual(completion.usage);
    expect(completion.model).toBe(model);
  });

  it('throws a ProviderError at once when the caller aborts mid-stream', async () => {
    const controller = new AbortController();
    const chunks: ChatCompletionChunk[] = [];
    let abortedAt = 0;
    const error = await (async () => {
      for await (const chunk of stream({ max_tokens: 900 }, { signal: controller.signal })) {
        chunks.push(chunk);
        if (abortedAt === 0 && textOf(chunks) !== '') {
          abortedAt = Date.now();
          controller.abort();
        }
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(Date.now() - abortedAt).toBeLessThan(200);
    expect(finishReasonsOf(chunks)).toStrictEqual([]);
  });

  it('stops generating when the consumer breaks out of its loop', async () => {
    let text = '';
    for await (const chunk of stream({ max_tokens: 900 })) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (text !== '') break;
    }
    await expect.poll(async () => (await adapter.state()).models[0]?.busySlots, { timeout: 200, interval: 5 }).toBe(0);
  });

  it('refuses what it cannot do as a non-retryable bad_request', async () => {
    const error = await adapter.generate({ model, request: { model: 'x', messages: said('hi'), n: 2 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'bad_request', retryable: false, provider: 'local' });
  });
});
