import { ProviderError } from '@switchyard/contracts';
import { type MockUpstream, mockPromptTokenCount, startMockUpstream } from '@switchyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAIAdapter } from './openai-adapter';

describe(OpenAIAdapter.name, () => {
  let mock: MockUpstream;
  let adapter: OpenAIAdapter;

  beforeAll(async () => {
    mock = await startMockUpstream();
    adapter = new OpenAIAdapter({ provider: 'mock', baseUrl: `${mock.url}/v1`, timeoutMs: 300 });
  });

  afterAll(async () => {
    await mock.close();
  });

  it('returns the completion with usage and stop reason, sending the provider model id', async () => {
    const messages = [{ role: 'user' as const, content: 'one two three' }];
    const completion = await adapter.generate({ model: 'echo', request: { model: 'public-name', messages, metadata: { team: 'a' } } });
    expect(completion.choices[0]?.message.content).toBe('one two three');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toStrictEqual({ prompt_tokens: mockPromptTokenCount(messages), completion_tokens: 3, total_tokens: mockPromptTokenCount(messages) + 3 });
    const sent = mock.requests.at(-1)?.body as Record<string, unknown>;
    expect(sent.model).toBe('echo');
    expect(sent).not.toHaveProperty('metadata');
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
    const error = await adapter.generate({ model, request: { model: 'x', messages: [{ role: 'user', content: 'hi' }] } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    const providerError = error as ProviderError;
    expect(providerError.kind).toBe(kind);
    expect(providerError.retryable).toBe(retryable);
    expect(providerError.upstreamStatus).toBe(upstreamStatus);
    expect(providerError.retryAfterMs).toBe(retryAfterMs);
    expect(providerError.provider).toBe('mock');
  });

  it('aborts the upstream call when the signal fires', async () => {
    const controller = new AbortController();
    const before = mock.abortedRequests;
    const call = adapter.generate({ model: 'echo@latency=250', request: { model: 'x', messages: [{ role: 'user', content: 'hi' }] }, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(call).rejects.toBeInstanceOf(ProviderError);
    await expect.poll(() => mock.abortedRequests, { timeout: 1000 }).toBe(before + 1);
  });
});
