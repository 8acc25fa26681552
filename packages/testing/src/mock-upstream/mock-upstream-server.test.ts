import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockUpstream, startMockUpstream } from './mock-upstream-server';

const GREETING = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'Say hello to the whole world' },
];

describe('mock upstream over raw HTTP', () => {
  let mock: MockUpstream;

  beforeAll(async () => {
    mock = await startMockUpstream();
  });

  afterAll(async () => {
    await mock.close();
  });

  const post = (body: string) => fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

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
    const response = await post(JSON.stringify({ model: 'echo@malformed', stream: true, messages: [{ role: 'user', content: 'hi' }] }));

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
          post(JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: `request ${batch * 50 + i}` }] })).then((response) => response.text()),
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
