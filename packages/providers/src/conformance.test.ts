import { ProviderError } from '@switchyard/contracts';
import { type MockUpstream, mockPromptTokenCount, type RecordedRequest, startMockUpstream } from '@switchyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GeminiAdapter } from './gemini/gemini-adapter';
import { GroqAdapter } from './groq/groq-adapter';
import { LlamaCppAdapter } from './llamacpp/llamacpp-adapter';
import { OllamaAdapter } from './ollama/ollama-adapter';
import { createProviderAdapter } from './create-provider-adapter';
import { OpenAIAdapter } from './openai/openai-adapter';
import type { ProviderAdapter } from './provider-adapter';
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

const ADAPTERS: [string, AdapterCase][] = [
  ['openai', { create: (url) => new OpenAIAdapter({ provider: 'mock', baseUrl: `${url}/v1`, timeoutMs: 300 }), readsRetryAfter: true }],
  ['groq', { create: (url) => new GroqAdapter({ provider: 'mock', baseUrl: url, timeoutMs: 300 }), readsRetryAfter: true }],
  // The ollama and @google/genai errors carry status and text, not headers.
  ['ollama', { create: (url) => new OllamaAdapter({ provider: 'mock', host: url, timeoutMs: 300 }), readsRetryAfter: false }],
  [
    'gemini',
    {
      create: (url) => new GeminiAdapter({ provider: 'mock', baseUrl: url, timeoutMs: 300 }),
      // Gemini's delay comes in the body's RetryInfo, not a header.
      readsRetryAfter: true,
      modelSent: (request) => /\/models\/([^/:]+):/.exec(request.path)?.[1],
    },
  ],
  ['llamacpp', { create: (url) => new LlamaCppAdapter({ provider: 'mock', host: url, timeoutMs: 300 }), readsRetryAfter: true }],
  ['vllm', { create: (url) => createProviderAdapter({ name: 'mock', kind: 'vllm', baseUrl: `${url}/v1`, timeoutMs: 300 }), readsRetryAfter: true }],
  ['tgi-messages', { create: (url) => new TgiAdapter({ provider: 'mock', host: url, timeoutMs: 300 }), readsRetryAfter: true }],
  // TGI ignores the body's model field; the adapter sends it for routing proxies, and the mock reads it.
  ['tgi-native', { create: (url) => new TgiAdapter({ provider: 'mock', host: url, timeoutMs: 300, nativeGenerate: true }), readsRetryAfter: true }],
];

describe.each(ADAPTERS)('%s adapter conformance', (_name, { create, readsRetryAfter, modelSent = (request) => (request.body as { model?: unknown }).model }) => {
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
    await expect.poll(() => mock.abortedRequests, { timeout: 1000 }).toBe(before + 1);
  });
});
