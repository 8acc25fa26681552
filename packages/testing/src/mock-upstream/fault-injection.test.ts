import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MockUpstream, startMockUpstream } from './mock-upstream-server';

const GREETING = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'Say hello to the whole world' },
];

describe('fault injection through the OpenAI SDK', () => {
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
    const error = await client.chat.completions.create({ model: 'echo@status=429;retry_after=1', messages: GREETING, stream: true }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('1');
  });

  it('hangs until the client times out and counts the abort', async () => {
    const error = await client.chat.completions.create({ model: 'echo@hang', messages: GREETING }, { timeout: 200 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    await expect.poll(() => mock.abortedRequests).toBe(1);
  });

  it('answers malformed JSON that the SDK refuses to parse', async () => {
    await expect(client.chat.completions.create({ model: 'echo@malformed', messages: GREETING })).rejects.toThrow(SyntaxError);
    expect(mock.abortedRequests).toBe(0);
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
});
