import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockModelId } from './mock-behaviour';
import { type MockUpstream, startMockUpstream } from './mock-upstream-server';
import { OLLAMA_MOCK_MODEL } from './ollama-protocol';
import { mockPromptTokenCount, mockTokenCount } from './openai-wire';

// The SDK is a dependency of the providers package, whose adapters this mock serves.
const load = createRequire(join(__dirname, '..', '..', '..', 'providers', 'package.json'));
const { Ollama } = load('ollama') as typeof import('../../../providers/node_modules/ollama');
type Ollama = InstanceType<typeof Ollama>;

const MESSAGES = [
  { role: 'system', content: 'Answer in kind.' },
  { role: 'user', content: 'local models answer quickly here' },
];
const ECHO = 'local models answer quickly here';

describe('mock upstream through the ollama package', () => {
  let mock: MockUpstream;
  let client: Ollama;

  beforeAll(async () => {
    mock = await startMockUpstream();
    client = new Ollama({ host: mock.url });
  });

  afterAll(async () => {
    await mock.close();
  });

  beforeEach(() => {
    mock.reset();
  });

  it('answers a chat with exact counts and durations', async () => {
    const response = await client.chat({ model: OLLAMA_MOCK_MODEL, messages: MESSAGES, options: { temperature: 0 } });

    expect(response.model).toBe(OLLAMA_MOCK_MODEL);
    expect(response.message).toEqual({ role: 'assistant', content: ECHO });
    expect(response.done).toBe(true);
    expect(response.done_reason).toBe('stop');
    expect(response.prompt_eval_count).toBe(mockPromptTokenCount(MESSAGES));
    expect(response.eval_count).toBe(mockTokenCount(ECHO));
    expect(response.eval_duration).toBeGreaterThan(0);
    expect(response.prompt_eval_duration).toBeGreaterThan(0);
    expect(response.total_duration).toBe(response.load_duration + response.prompt_eval_duration + response.eval_duration);
    expect(Number.isNaN(Date.parse(String(response.created_at)))).toBe(false);
    expect(mock.requests.map((r) => [r.path, (r.body as { stream?: boolean }).stream])).toEqual([['/api/chat', false]]);
  });

  it('streams NDJSON that assembles into the echo, ending with the counts', async () => {
    const stream = await client.chat({ model: 'echo', messages: MESSAGES, stream: true });
    let text = '';
    const parts = [];
    for await (const part of stream) {
      parts.push(part);
      text += part.message.content;
    }

    expect(text).toBe(ECHO);
    expect(parts.slice(0, -1).every((part) => !part.done)).toBe(true);
    expect(parts).toHaveLength(mockTokenCount(ECHO) + 1);
    const last = parts.at(-1);
    expect(last).toEqual(
      expect.objectContaining({
        done: true,
        done_reason: 'stop',
        prompt_eval_count: mockPromptTokenCount(MESSAGES),
        eval_count: mockTokenCount(ECHO),
      }),
    );
  });

  it('streams when the request does not say, as Ollama does', async () => {
    const response = await fetch(`${mock.url}/api/chat`, {
      method: 'POST',
      body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: 'a b' }] }),
    });

    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await response.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { done: boolean });
    expect(lines.map((line) => line.done)).toEqual([false, false, true]);
  });

  it('stops at num_predict with done_reason length', async () => {
    const response = await client.chat({
      model: 'echo',
      messages: [{ role: 'user', content: 'one two three four five' }],
      options: { num_predict: 2, stop: ['never'] },
    });

    expect(response.message.content).toBe('one two');
    expect(response.done_reason).toBe('length');
    expect(response.eval_count).toBe(2);
  });

  it('answers a status directive with a ResponseError carrying the status', async () => {
    const error = await client.chat({ model: mockModelId({ status: 503 }), messages: MESSAGES }).catch((caught: unknown) => caught);

    expect(error).toEqual(expect.objectContaining({ name: 'ResponseError', status_code: 503 }));
    expect((error as Error).message).toContain('mock upstream');
  });

  it('sends Retry-After with a rate limit, streamed or not', async () => {
    const response = await fetch(`${mock.url}/api/chat`, {
      method: 'POST',
      body: JSON.stringify({ model: mockModelId({ status: 429, retryAfterSeconds: 2 }), messages: MESSAGES }),
    });

    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(await response.json()).toEqual({ error: expect.any(String) });
  });

  it('breaks a stream, which the client sees as an error, and counts no abort', async () => {
    const stream = await client.chat({ model: mockModelId({ breakStreamAfterChunks: 1 }), messages: MESSAGES, stream: true });
    let text = '';
    const error = await (async () => {
      for await (const part of stream) text += part.message.content;
    })().catch((caught: unknown) => caught);

    expect(text).toBe('local');
    expect(error).toBeInstanceOf(Error);
    expect(mock.abortedRequests).toBe(0);
  });

  it('counts a client abort', async () => {
    const stream = await client.chat({ model: mockModelId({ tokensPerSecond: 5 }), messages: MESSAGES, stream: true });
    stream.abort();
    await expect.poll(() => mock.abortedRequests).toBe(1);
  });

  it('lists echo:latest and shows loaded models until they are unloaded', async () => {
    const list = await client.list();
    expect(list.models.map((model) => model.name)).toEqual([OLLAMA_MOCK_MODEL]);
    expect(list.models[0]).toEqual(expect.objectContaining({ model: OLLAMA_MOCK_MODEL, size: expect.any(Number), digest: expect.any(String) }));

    expect((await client.ps()).models).toEqual([]);
    await client.chat({ model: 'echo', messages: MESSAGES, keep_alive: '10m' });
    const loaded = (await client.ps()).models;
    expect(loaded.map((model) => model.name)).toEqual([OLLAMA_MOCK_MODEL]);
    const expiresIn = new Date(loaded[0]?.expires_at ?? 0).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(9 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(10 * 60_000);

    const unloaded = await client.chat({ model: 'echo', messages: [], keep_alive: 0 });
    expect(unloaded).toEqual(expect.objectContaining({ done: true, done_reason: 'unload' }));
    expect((await client.ps()).models).toEqual([]);
  });

  it('forgets loaded models on reset', async () => {
    await client.chat({ model: 'echo', messages: MESSAGES });
    expect((await client.ps()).models).toHaveLength(1);
    mock.reset();
    expect((await client.ps()).models).toEqual([]);
  });
});
