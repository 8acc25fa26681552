import { type MockUpstream, startMockUpstream } from '@switchyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeHttpFetch } from './node-http-fetch';

describe('createNodeHttpFetch', () => {
  let mock: MockUpstream;
  const fetchOverHttp = createNodeHttpFetch();
  const post = (model: string, extra: Record<string, unknown> = {}, init: RequestInit = {}) =>
    fetchOverHttp(`${mock.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'one two three' }], ...extra }),
      ...init,
    });

  beforeAll(async () => {
    mock = await startMockUpstream();
  });

  afterAll(async () => {
    await mock.close();
  });

  it('returns status, headers and a JSON body like fetch', async () => {
    const response = await post('echo@status=429;retry_after=2');
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(await response.json()).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
  });

  it('reads a whole answer as fetch does: once, by any of the body readers', async () => {
    const viaFetch = (await (
      await fetch(`${mock.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'one two three' }] }),
      })
    ).json()) as { choices: unknown };

    const response = await post('echo');
    const copy = response.clone();
    expect(response.bodyUsed).toBe(false);
    expect(((await response.json()) as { choices: unknown }).choices).toEqual(viaFetch.choices);
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(() => response.clone()).toThrow(TypeError);
    // Its body is then a spent stream (as util.inspect or a logger would see it), and still cannot be read again.
    expect(await (response.body as ReadableStream<Uint8Array>).getReader().read()).toEqual({ done: true, value: undefined });
    expect(response.bodyUsed).toBe(true);
    await expect(response.arrayBuffer()).rejects.toThrow(TypeError);
    expect(new TextDecoder().decode(await copy.arrayBuffer())).toContain('"chat.completion"');

    const streamed = await post('echo');
    const reader = (streamed.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('"choices"');
    expect(streamed.bodyUsed).toBe(true);
    await expect(streamed.json()).rejects.toThrow(TypeError);
  });

  it('passes an event stream through chunk by chunk', async () => {
    const response = await post('echo@tps=200', { stream: true });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
    expect(text.match(/chat\.completion\.chunk/g)?.length).toBeGreaterThan(3);
  });

  it('passes NDJSON (Ollama) through line by line instead of waiting for the end', async () => {
    const started = Date.now();
    // One line a second: the whole answer takes about 5 s, the bounds below hold only if lines are not held back.
    const response = await fetchOverHttp(`${mock.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'echo@tps=1', messages: [{ role: 'user', content: 'one two three four five' }] }),
    });
    expect(Date.now() - started).toBeLessThan(2500);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(JSON.parse(new TextDecoder().decode(first.value))).toMatchObject({ message: { content: 'one' }, done: false });
    expect(Date.now() - started).toBeLessThan(3500);
    await reader.cancel();
  });

  it('rejects with an AbortError and closes the upstream connection when aborted', async () => {
    const before = mock.abortedRequests;
    const controller = new AbortController();
    const pending = post('echo@hang', {}, { signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect.poll(() => mock.abortedRequests, { timeout: 5000 }).toBe(before + 1);
  });

  it('fails like fetch when nothing listens', async () => {
    await expect(fetchOverHttp('http://127.0.0.1:1/v1/models')).rejects.toThrow(TypeError);
  });
});
