import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockModelId, parseModelDirectives } from './mock-behaviour';
import { type MockUpstream, startMockUpstream } from './mock-upstream-server';
import { mockPromptTokenCount, mockTokenCount } from './openai-wire';

const GREETING = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'Say hello to the whole world' },
];

async function collectStream(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>) {
  const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
  let text = '';
  let error: unknown;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta.content ?? '';
    }
  } catch (caught) {
    error = caught;
  }
  return { chunks, text, error };
}

describe('mock upstream through the OpenAI SDK', () => {
  let mock: MockUpstream;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockUpstream();
    client = new OpenAI({ apiKey: 'test', baseURL: `${mock.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await mock.close();
  });

  beforeEach(() => {
    mock.reset();
  });

  it('echoes the last user message with deterministic usage', async () => {
    const completion = await client.chat.completions.create({ model: 'echo', messages: GREETING });

    expect(completion.object).toBe('chat.completion');
    expect(completion.id).toMatch(/^chatcmpl-\w+$/);
    expect(completion.model).toBe('echo');
    expect(completion.system_fingerprint).toBe('fp_mock');
    expect(completion.choices).toEqual([
      expect.objectContaining({
        index: 0,
        message: expect.objectContaining({ role: 'assistant', content: 'Say hello to the whole world' }),
        finish_reason: 'stop',
        logprobs: null,
      }),
    ]);
    // (3 + 3 words) for the system message + (3 + 6 words) for the user message.
    expect(completion.usage).toEqual({ prompt_tokens: 15, completion_tokens: 6, total_tokens: 21 });
    expect(mockPromptTokenCount(GREETING)).toBe(15);
    expect(mockTokenCount('Say hello to the whole world')).toBe(6);
  });

  it('echoes the concatenated text parts of array content', async () => {
    const completion = await client.chat.completions.create({
      model: 'echo',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'first part, ' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
            { type: 'text', text: 'second part' },
          ],
        },
      ],
    });

    expect(completion.choices[0]?.message.content).toBe('first part, second part');
    expect(completion.usage).toEqual({ prompt_tokens: 7, completion_tokens: 4, total_tokens: 11 });
  });

  it.each([
    { param: 'max_tokens', limit: 3 },
    { param: 'max_completion_tokens', limit: 2 },
  ] as const)('truncates to $param=$limit and reports finish_reason length', async ({ param, limit }) => {
    const completion = await client.chat.completions.create({
      model: 'echo',
      messages: [{ role: 'user', content: 'one two three four five' }],
      [param]: limit,
    });

    expect(completion.choices[0]?.message.content).toBe('one two three four five'.split(' ').slice(0, limit).join(' '));
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage?.completion_tokens).toBe(limit);
  });

  it('returns n identical choices and bills each of them', async () => {
    const completion = await client.chat.completions.create({
      model: 'echo',
      n: 3,
      messages: [{ role: 'user', content: 'same again' }],
    });

    expect(completion.choices.map((choice) => [choice.index, choice.message.content])).toEqual([
      [0, 'same again'],
      [1, 'same again'],
      [2, 'same again'],
    ]);
    expect(completion.usage).toEqual({ prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 });
  });

  it('answers with the reply directive, percent-decoded', async () => {
    const completion = await client.chat.completions.create({
      model: mockModelId({ reply: 'fixed; reply = here' }),
      messages: [{ role: 'user', content: 'ignored' }],
    });

    expect(completion.choices[0]?.message.content).toBe('fixed; reply = here');
    expect(completion.usage?.completion_tokens).toBe(4);
  });

  it.each([
    { includeUsage: true, expectedUsage: { prompt_tokens: 15, completion_tokens: 6, total_tokens: 21 } },
    { includeUsage: false, expectedUsage: undefined },
  ])('streams the echo word by word (include_usage=$includeUsage)', async ({ includeUsage, expectedUsage }) => {
    const stream = await client.chat.completions.create({
      model: 'echo',
      messages: GREETING,
      stream: true,
      stream_options: { include_usage: includeUsage },
    });
    const { chunks, text, error } = await collectStream(stream);

    expect(error).toBeUndefined();
    expect(text).toBe('Say hello to the whole world');
    expect(chunks[0]?.choices[0]?.delta).toEqual(expect.objectContaining({ role: 'assistant', content: '' }));
    const contentDeltas = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content)).filter(Boolean);
    expect(contentDeltas).toEqual(['Say', ' hello', ' to', ' the', ' whole', ' world']);
    const finishReasons = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason)).filter(Boolean);
    expect(finishReasons).toEqual(['stop']);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.id === chunks[0]?.id)).toBe(true);

    const last = chunks.at(-1);
    if (expectedUsage === undefined) {
      expect(chunks.some((chunk) => chunk.usage)).toBe(false);
    } else {
      expect(last?.choices).toEqual([]);
      expect(last?.usage).toEqual(expectedUsage);
    }
  });

  it('keeps the exact whitespace of the echo when streaming', async () => {
    const original = '  spaced\tout \n text  ';
    const stream = await client.chat.completions.create({
      model: 'echo',
      messages: [{ role: 'user', content: original }],
      stream: true,
    });
    const { text, chunks } = await collectStream(stream);

    expect(text).toBe(original);
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length).toBe(3);
  });

  it('paces streamed chunks by the tps directive', async () => {
    const started = performance.now();
    const stream = await client.chat.completions.create({
      model: 'echo@tps=50',
      messages: [{ role: 'user', content: 'a b c d e' }],
      stream: true,
    });
    const { text } = await collectStream(stream);

    expect(text).toBe('a b c d e');
    // Five tokens at 50 per second take 100 ms; allow for timer granularity.
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
  });

  it.each([
    { model: 'echo@latency=150', minimumMs: 140 },
    { model: 'echo@tps=20', minimumMs: 140 },
  ])('delays a non-streaming answer for $model', async ({ model, minimumMs }) => {
    const started = performance.now();
    const completion = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'three words here' }],
    });

    expect(completion.choices[0]?.message.content).toBe('three words here');
    expect(performance.now() - started).toBeGreaterThanOrEqual(minimumMs);
  });

  it.each([
    { model: 'echo@status=400', errorClass: OpenAI.BadRequestError, status: 400, type: 'invalid_request_error', code: undefined },
    { model: 'echo@status=401', errorClass: OpenAI.AuthenticationError, status: 401, type: 'invalid_request_error', code: 'invalid_api_key' },
    { model: 'echo@status=404', errorClass: OpenAI.NotFoundError, status: 404, type: 'invalid_request_error', code: undefined },
    { model: 'echo@status=429', errorClass: OpenAI.RateLimitError, status: 429, type: 'rate_limit_exceeded', code: 'rate_limit_exceeded' },
    { model: 'echo@status=500', errorClass: OpenAI.InternalServerError, status: 500, type: 'server_error', code: undefined },
    { model: 'echo@status=503', errorClass: OpenAI.InternalServerError, status: 503, type: 'server_error', code: undefined },
  ])('$model surfaces as $errorClass.name', async ({ model, errorClass, status, type, code }) => {
    const error = await client.chat.completions.create({ model, messages: GREETING }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(errorClass);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(status);
    expect(apiError.type).toBe(type);
    expect(apiError.code ?? undefined).toBe(code);
    expect(apiError.headers?.get('retry-after')).toBeNull();
  });

  it('sends Retry-After with a rate limit when asked', async () => {
    const error = await client.chat.completions
      .create({ model: 'echo@status=429;retry_after=1', messages: GREETING, stream: true })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('1');
  });

  it('hangs until the client times out and counts the abort', async () => {
    const error = await client.chat.completions
      .create({ model: 'echo@hang', messages: GREETING }, { timeout: 200 })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    await expect.poll(() => mock.abortedRequests).toBe(1);
  });

  it('answers malformed JSON that the SDK refuses to parse', async () => {
    await expect(client.chat.completions.create({ model: 'echo@malformed', messages: GREETING })).rejects.toThrow(SyntaxError);
    expect(mock.abortedRequests).toBe(0);
  });

  it('breaks a stream after the requested number of content chunks', async () => {
    const stream = await client.chat.completions.create({
      model: 'echo@break_after=3',
      messages: [{ role: 'user', content: 'one two three four five' }],
      stream: true,
    });
    const { text, chunks, error } = await collectStream(stream);

    expect(error).toBeInstanceOf(Error);
    expect(text).toBe('one two three');
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason)).toBe(false);
    // The mock cut the connection itself; that is not a client abort.
    expect(mock.abortedRequests).toBe(0);
  });

  it('breaks a paced stream too', async () => {
    const stream = await client.chat.completions.create({
      model: 'echo@break_after=2;tps=200',
      messages: [{ role: 'user', content: 'one two three four five' }],
      stream: true,
    });
    const { text, error } = await collectStream(stream);

    expect(error).toBeInstanceOf(Error);
    expect(text).toBe('one two');
  });

  it('applies the default behaviour to plain models, lets directives override it, and reset restores it', async () => {
    mock.setDefaultBehaviour({ reply: 'from the default' });
    const defaulted = await client.chat.completions.create({ model: 'echo', messages: GREETING });
    const overridden = await client.chat.completions.create({ model: 'echo@reply=from%20the%20model', messages: GREETING });
    mock.setDefaultBehaviour({ status: 503 });
    const failing = await client.chat.completions.create({ model: 'echo', messages: GREETING }).catch((e: unknown) => e);

    expect(defaulted.choices[0]?.message.content).toBe('from the default');
    expect(overridden.choices[0]?.message.content).toBe('from the model');
    expect(failing).toBeInstanceOf(OpenAI.InternalServerError);
    expect(mock.requests).toHaveLength(3);

    mock.reset();
    const echoed = await client.chat.completions.create({ model: 'echo', messages: GREETING });

    expect(echoed.choices[0]?.message.content).toBe('Say hello to the whole world');
    expect(mock.requests).toHaveLength(1);
  });

  it('records each chat completion request with its headers and body', async () => {
    await client.chat.completions.create({ model: 'echo', messages: GREETING, temperature: 0.5 });

    expect(mock.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/v1/chat/completions',
        body: { model: 'echo', messages: GREETING, temperature: 0.5 },
        headers: expect.objectContaining({ authorization: 'Bearer test' }),
        receivedAt: expect.any(Number),
      }),
    ]);
  });

  it('lists the echo model', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model);

    expect(models).toEqual([expect.objectContaining({ id: 'echo', object: 'model', owned_by: 'switchyard-mock' })]);
  });
});

describe('mock upstream over raw HTTP', () => {
  let mock: MockUpstream;

  beforeAll(async () => {
    mock = await startMockUpstream();
  });

  afterAll(async () => {
    await mock.close();
  });

  const post = (body: string) =>
    fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it.each([
    { name: 'invalid JSON', body: '{"model": "echo",', param: null },
    { name: 'a missing model', body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }), param: null },
    { name: 'missing messages', body: JSON.stringify({ model: 'echo' }), param: 'messages' },
    { name: 'messages that are not an array', body: JSON.stringify({ model: 'echo', messages: 'hi' }), param: 'messages' },
    { name: 'an empty messages array', body: JSON.stringify({ model: 'echo', messages: [] }), param: 'messages' },
  ])('rejects $name with an OpenAI 400', async ({ body, param }) => {
    const response = await post(body);

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({
      error: { message: expect.any(String), type: 'invalid_request_error', param, code: expect.toSatisfy((c) => c === null || typeof c === 'string') },
    });
  });

  it('serves the malformed body verbatim', async () => {
    const response = await post(JSON.stringify({ model: 'echo@malformed', messages: [{ role: 'user', content: 'hi' }] }));

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe('{"id": "chatcmpl-broken", "choi');
  });

  it('streams a malformed event when a malformed stream is asked for', async () => {
    const response = await post(
      JSON.stringify({ model: 'echo@malformed', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    );

    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const data = (await response.text()).replace(/^data: /, '').trim();
    expect(() => JSON.parse(data)).toThrow(SyntaxError);
  });

  it('ends a stream with data: [DONE]', async () => {
    const response = await post(JSON.stringify({ model: 'echo', stream: true, messages: [{ role: 'user', content: 'hi' }] }));

    expect((await response.text()).endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('reports health', async () => {
    const response = await fetch(`${mock.url}/health`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it.each([
    { method: 'GET', path: '/v1/chat/completions' },
    { method: 'POST', path: '/v1/completions' },
    { method: 'GET', path: '/nowhere' },
  ])('answers $method $path with an OpenAI 404', async ({ method, path }) => {
    const response = await fetch(`${mock.url}${path}`, { method });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: expect.objectContaining({ type: 'invalid_request_error', message: expect.stringContaining(path) }),
    });
  });

  it('keeps only the most recent 1000 requests', async () => {
    mock.reset();
    for (let batch = 0; batch < 21; batch++) {
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          post(JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: `request ${batch * 50 + i}` }] })).then(
            (response) => response.text(),
          ),
        ),
      );
    }

    expect(mock.requests).toHaveLength(1000);
    const last = mock.requests.at(-1)?.body as { messages: { content: string }[] };
    expect(last.messages[0]?.content).toMatch(/^request 10[0-4]\d$/);
  });
});

describe('mock upstream lifecycle', () => {
  it('records nothing when recording is off', async () => {
    const mock = await startMockUpstream({ recordRequests: false });
    try {
      const client = new OpenAI({ apiKey: 'test', baseURL: `${mock.url}/v1`, maxRetries: 0 });
      const completion = await client.chat.completions.create({ model: 'echo', messages: GREETING });

      expect(completion.choices[0]?.message.content).toBe('Say hello to the whole world');
      expect(mock.requests).toEqual([]);
    } finally {
      await mock.close();
    }
  });

  it('starts with the given default behaviour and returns to it on reset', async () => {
    const mock = await startMockUpstream({ behaviour: { reply: 'configured' } });
    try {
      const client = new OpenAI({ apiKey: 'test', baseURL: `${mock.url}/v1`, maxRetries: 0 });
      mock.setDefaultBehaviour({});
      const echoed = await client.chat.completions.create({ model: 'echo', messages: GREETING });
      mock.reset();
      const configured = await client.chat.completions.create({ model: 'echo', messages: GREETING });

      expect(echoed.choices[0]?.message.content).toBe('Say hello to the whole world');
      expect(configured.choices[0]?.message.content).toBe('configured');
    } finally {
      await mock.close();
    }
  });

  it('closes promptly while a request hangs', async () => {
    const mock = await startMockUpstream();
    const hanging = fetch(`${mock.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'echo@hang', messages: [{ role: 'user', content: 'hi' }] }),
    }).catch((e: unknown) => e);
    await expect.poll(() => mock.requests.length).toBe(1);

    const started = performance.now();
    await mock.close();

    // Far below a hung request's forever, with room for a busy machine.
    expect(performance.now() - started).toBeLessThan(2000);
    expect(await hanging).toBeInstanceOf(Error);
  });
});

describe('model directives', () => {
  it.each([
    { model: 'echo', expected: {} },
    { model: 'echo@latency=2000', expected: { latencyMs: 2000 } },
    { model: 'echo@status=429;retry_after=1', expected: { status: 429, retryAfterSeconds: 1 } },
    { model: 'echo@hang', expected: { hang: true } },
    { model: 'echo@malformed', expected: { malformed: true } },
    { model: 'echo@tps=50', expected: { tokensPerSecond: 50 } },
    { model: 'echo@break_after=3', expected: { breakStreamAfterChunks: 3 } },
    { model: 'echo@reply=hello', expected: { reply: 'hello' } },
    { model: 'echo@hang=0;malformed=false', expected: { hang: false, malformed: false } },
    { model: 'echo@colour=blue;status=200;latency=-5;tps=fast;status=502', expected: { status: 502 } },
  ])('reads $model', ({ model, expected }) => {
    expect(parseModelDirectives(model)).toEqual({ baseModel: 'echo', directives: expected });
  });

  it('round-trips behaviour through mockModelId', () => {
    const behaviour = { latencyMs: 5, status: 429, retryAfterSeconds: 2, hang: true, reply: 'a;b=c d%' };

    expect(mockModelId(behaviour)).toBe('echo@latency=5;status=429;retry_after=2;hang;reply=a%3Bb%3Dc%20d%25');
    expect(parseModelDirectives(mockModelId(behaviour)).directives).toEqual(behaviour);
  });
});
