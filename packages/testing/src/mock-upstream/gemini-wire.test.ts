import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockModelId } from './mock-behaviour';
import { type MockUpstream, startMockUpstream } from './mock-upstream-server';
import { mockPromptTokenCount, mockTokenCount } from './openai-wire';

// The SDK is a dependency of the providers package, whose adapters this mock serves.
const load = createRequire(join(__dirname, '..', '..', '..', 'providers', 'package.json'));
const { GoogleGenAI, ApiError } = load('@google/genai') as typeof import('../../../providers/node_modules/@google/genai');
type GoogleGenAI = InstanceType<typeof GoogleGenAI>;

const ECHO = 'the gemini wire echoes this turn';
const CONTENTS = [
  { role: 'user', parts: [{ text: 'first question' }] },
  { role: 'model', parts: [{ text: 'first answer' }] },
  { role: 'user', parts: [{ text: ECHO }] },
];
const SYSTEM = 'Be exact.';
// As the mock counts them: the system instruction is one more message.
const PROMPT_TOKENS = mockPromptTokenCount([
  { role: 'system', content: SYSTEM },
  { role: 'user', content: 'first question' },
  { role: 'assistant', content: 'first answer' },
  { role: 'user', content: ECHO },
]);

describe('mock upstream through @google/genai', () => {
  let mock: MockUpstream;
  let client: GoogleGenAI;

  beforeAll(async () => {
    mock = await startMockUpstream();
    // The SDK joins baseUrl, the API version (v1beta by default) and models/{model}:method.
    client = new GoogleGenAI({ apiKey: 'x', httpOptions: { baseUrl: mock.url } });
  });

  afterAll(async () => {
    await mock.close();
  });

  beforeEach(() => {
    mock.reset();
  });

  it('answers generateContent with the last user turn and exact usage', async () => {
    const response = await client.models.generateContent({
      model: 'echo',
      contents: CONTENTS,
      config: { systemInstruction: SYSTEM, temperature: 0 },
    });

    expect(response.text).toBe(ECHO);
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    expect(response.candidates?.[0]?.content?.role).toBe('model');
    expect(response.usageMetadata).toEqual(
      expect.objectContaining({
        promptTokenCount: PROMPT_TOKENS,
        candidatesTokenCount: mockTokenCount(ECHO),
        totalTokenCount: PROMPT_TOKENS + mockTokenCount(ECHO),
      }),
    );
    expect(response.modelVersion).toBe('echo');
    expect(mock.requests.map((r) => r.path)).toEqual(['/v1beta/models/echo:generateContent']);
    expect(mock.requests[0]?.headers['x-goog-api-key']).toBe('x');
  });

  it('streams events that assemble into the echo, with usage at the end', async () => {
    const stream = await client.models.generateContentStream({ model: 'echo', contents: CONTENTS });
    let text = '';
    const chunks = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.text ?? '';
    }

    expect(text).toBe(ECHO);
    const last = chunks.at(-1);
    expect(last?.candidates?.[0]?.finishReason).toBe('STOP');
    expect(last?.usageMetadata?.candidatesTokenCount).toBe(mockTokenCount(ECHO));
    expect(mock.requests.map((r) => r.path)).toEqual(['/v1beta/models/echo:streamGenerateContent']);
  });

  it('stops at maxOutputTokens with finishReason MAX_TOKENS', async () => {
    const response = await client.models.generateContent({
      model: 'echo',
      contents: 'one two three four five',
      config: { maxOutputTokens: 3 },
    });

    expect(response.text).toBe('one two three');
    expect(response.candidates?.[0]?.finishReason).toBe('MAX_TOKENS');
    expect(response.usageMetadata?.candidatesTokenCount).toBe(3);
  });

  it('answers candidateCount with that many candidates, all billed', async () => {
    const response = await client.models.generateContent({
      model: 'echo',
      contents: 'twice over',
      config: { candidateCount: 2 },
    });

    expect(response.candidates?.map((candidate) => [candidate.index, candidate.content?.parts?.[0]?.text])).toEqual([
      [0, 'twice over'],
      [1, 'twice over'],
    ]);
    expect(response.usageMetadata?.candidatesTokenCount).toBe(4);
  });

  it('reads directives from the model in the path and fails with a Gemini error', async () => {
    const error = await client.models
      .generateContent({ model: mockModelId({ status: 429, retryAfterSeconds: 3 }), contents: 'hi' })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as InstanceType<typeof ApiError>;
    expect(apiError.status).toBe(429);
    expect(JSON.parse(apiError.message)).toEqual({
      error: {
        code: 429,
        message: expect.any(String),
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '3s' }],
      },
    });
    expect(mock.requests[0]?.path).toBe('/v1beta/models/echo@status=429;retry_after=3:generateContent');
  });

  it('applies the reply directive through the path, and decodes a fully encoded model', async () => {
    const model = mockModelId({ reply: 'fixed; reply = here' });
    const viaSdk = await client.models.generateContent({ model, contents: 'ignored' });
    expect(viaSdk.text).toBe('fixed; reply = here');

    const response = await fetch(`${mock.url}/v1beta/models/${encodeURIComponent(model)}:generateContent`, {
      method: 'POST',
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'ignored' }] }] }),
    });
    const body = (await response.json()) as { candidates: { content: { parts: { text: string }[] } }[] };
    expect(body.candidates[0]?.content.parts[0]?.text).toBe('fixed; reply = here');
  });

  it('answers a streamed status directive before any event, with Retry-After', async () => {
    const response = await fetch(`${mock.url}/v1beta/models/${mockModelId({ status: 503, retryAfterSeconds: 1 })}:streamGenerateContent?alt=sse`, {
      method: 'POST',
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
    });

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toEqual({ error: { code: 503, message: expect.any(String), status: 'UNAVAILABLE' } });
  });

  it('rejects a request without contents as INVALID_ARGUMENT', async () => {
    const response = await fetch(`${mock.url}/v1beta/models/echo:generateContent`, { method: 'POST', body: '{}' });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: expect.objectContaining({ code: 400, status: 'INVALID_ARGUMENT' }) });
  });

  it('breaks a stream mid-way without counting an abort, and counts a client abort', async () => {
    const broken = await client.models.generateContentStream({
      model: mockModelId({ breakStreamAfterChunks: 2 }),
      contents: ECHO,
    });
    let text = '';
    const error = await (async () => {
      for await (const chunk of broken) text += chunk.text ?? '';
    })().catch((caught: unknown) => caught);
    expect(text).toBe('the gemini');
    expect(error).toBeInstanceOf(Error);
    expect(mock.abortedRequests).toBe(0);

    const controller = new AbortController();
    const hanging = client.models
      .generateContent({ model: mockModelId({ hang: true }), contents: 'hi', config: { abortSignal: controller.signal } })
      .catch(() => undefined);
    await expect.poll(() => mock.requests.length).toBe(2);
    controller.abort();
    await hanging;
    await expect.poll(() => mock.abortedRequests).toBe(1);
  });

  it('lists the echo model', async () => {
    const pager = await client.models.list();
    expect(pager.page.map((model) => model.name)).toEqual(['models/echo']);
  });
});
