import { llmQueuePrefix } from '@switchyard/contracts';
import { mockPromptTokenCount } from '@switchyard/testing';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, postChat, startPlatform } from './platform-harness';

describe('POST /v1/chat/completions through the queue', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform();
  });

  afterAll(async () => {
    await platform.close();
  });

  it('answers the official OpenAI SDK and records the usage row', async () => {
    const messages = [
      { role: 'system' as const, content: 'be brief' },
      { role: 'user' as const, content: 'hello from the queue' },
    ];
    const { data, response } = await platform.client.chat.completions.create({ model: 'mock-echo', messages, user: 'user-42' }).withResponse();

    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]?.message).toMatchObject({ role: 'assistant', content: 'hello from the queue' });
    const promptTokens = mockPromptTokenCount(messages);
    expect(data.usage).toMatchObject({ prompt_tokens: promptTokens, completion_tokens: 4, total_tokens: promptTokens + 4 });
    expect(response.headers.get('x-switchyard-provider')).toBe('mock');
    expect(response.headers.get('x-switchyard-model')).toBe('echo');
    const jobId = response.headers.get('x-switchyard-job-id') ?? '';
    expect(jobId).toMatch(/^req_[0-9a-f]{32}$/);
    expect(response.headers.get('x-request-id')).toBe(jobId);

    const row = await platform.usageRow(jobId);
    expect(row).toMatchObject({
      status: 'succeeded',
      provider: 'mock',
      model: 'echo',
      publicModel: 'mock-echo',
      tenant: 'acme',
      keyId: 'test-key',
      userId: 'user-42',
      promptTokens,
      completionTokens: 4,
      totalTokens: promptTokens + 4,
      errorCode: null,
      cacheHit: false,
      attempts: 1,
    });
    expect(row.latencyMs).toBeGreaterThanOrEqual(0);
    expect(row.latencyMs).toBeLessThan(5000);
    expect(row.queueWaitMs).not.toBeNull();
  });

  it("resolves aliases and keeps the caller's x-request-id", async () => {
    const { data, response } = await platform.client.chat.completions
      .create({ model: 'default', messages: [{ role: 'user', content: 'alias works' }] }, { headers: { 'x-request-id': 'trace-abc-123' } })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('alias works');
    expect(response.headers.get('x-request-id')).toBe('trace-abc-123');
    const row = await platform.usageRow(response.headers.get('x-switchyard-job-id') ?? '');
    expect(row.requestId).toBe('trace-abc-123');
  });

  it('lists configured models and aliases on GET /v1/models', async () => {
    const ids = [];
    for await (const model of platform.client.models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(['mock-echo', 'default', 'fails-500', 'spread-echo']));
    expect(ids.filter((id) => id === 'spread-echo')).toHaveLength(1);
  });

  it('serves concurrent requests each with its own answer', async () => {
    const texts = Array.from({ length: 50 }, (_, i) => `message number ${i}`);
    const answers = await Promise.all(
      texts.map((text) => platform.client.chat.completions.create({ model: 'mock-echo', messages: [{ role: 'user', content: text }] })),
    );
    expect(answers.map((answer) => answer.choices[0]?.message.content)).toStrictEqual(texts);
  });
});

describe('bad input gets an OpenAI-style error, never a 500', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform();
  });

  afterAll(async () => {
    await platform.close();
  });

  const user = [{ role: 'user', content: 'hi' }];

  it.each([
    ['malformed JSON', '{"model": "mock-echo", "messages": [', {}, 400, 'invalid_json', null],
    ['an empty body', '', {}, 400, 'invalid_json', null],
    ['a JSON array body', '[]', {}, 400, 'invalid_request', null],
    ['a numeric model', JSON.stringify({ model: 7, messages: user }), {}, 400, 'invalid_request', 'model'],
    ['messages as a string', JSON.stringify({ model: 'mock-echo', messages: 'hi' }), {}, 400, 'invalid_request', 'messages'],
    ['missing messages', JSON.stringify({ model: 'mock-echo' }), {}, 400, 'invalid_request', 'messages'],
    ['empty messages', JSON.stringify({ model: 'mock-echo', messages: [] }), {}, 400, 'invalid_request', 'messages'],
    ['an unknown role', JSON.stringify({ model: 'mock-echo', messages: [{ role: 'wizard', content: 'x' }] }), {}, 400, 'invalid_request', 'messages[0].role'],
    ['temperature as a string', JSON.stringify({ model: 'mock-echo', messages: user, temperature: 'warm' }), {}, 400, 'invalid_request', 'temperature'],
    ['an unknown parameter', JSON.stringify({ model: 'mock-echo', messages: user, temprature: 1 }), {}, 400, 'invalid_request', 'temprature'],
    [
      'stream_options without stream',
      JSON.stringify({ model: 'mock-echo', messages: user, stream_options: { include_usage: true } }),
      {},
      400,
      'invalid_request',
      'stream_options',
    ],
    ['stream that is not a boolean', JSON.stringify({ model: 'mock-echo', messages: user, stream: 'yes' }), {}, 400, 'invalid_request', 'stream'],
    ['an unknown model', JSON.stringify({ model: 'gpt-17', messages: user }), {}, 404, 'model_not_found', 'model'],
    ['an oversize body', JSON.stringify({ model: 'mock-echo', messages: [{ role: 'user', content: 'x'.repeat(70_000) }] }), {}, 413, 'payload_too_large', null],
    ['no API key', JSON.stringify({ model: 'mock-echo', messages: user }), { authorization: '' }, 401, 'invalid_api_key', null],
    ['an oversize body without an API key (checked before the body is read)', 'x'.repeat(70_000), { authorization: '' }, 401, 'invalid_api_key', null],
    [
      'a wrong API key',
      JSON.stringify({ model: 'mock-echo', messages: user }),
      { authorization: 'Bearer sk-not-a-real-key-000000' },
      401,
      'invalid_api_key',
      null,
    ],
    [
      'a bad timeout header',
      JSON.stringify({ model: 'mock-echo', messages: user }),
      { 'x-switchyard-timeout-ms': 'soon' },
      400,
      'invalid_request',
      'x-switchyard-timeout-ms',
    ],
  ])('refuses %s', async (_label, body, headers, status, code, param) => {
    const response = await postChat(platform, body, headers);
    expect(response.status).toBe(status);
    const json = (await response.json()) as { error: Record<string, unknown> };
    expect(json.error).toMatchObject({ code, param });
    expect(typeof json.error.message).toBe('string');
    expect(typeof json.error.type).toBe('string');
  });

  it('answers unknown routes with a 404 error body', async () => {
    const response = await fetch(`${platform.gateway.url}/v2/everything`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'not_found', type: 'not_found_error' } });
  });

  it('surfaces errors to the OpenAI SDK as its typed errors', async () => {
    const bad = new OpenAI({ apiKey: 'sk-wrong-key-0000000000', baseURL: `${platform.gateway.url}/v1`, maxRetries: 0 });
    await expect(bad.chat.completions.create({ model: 'mock-echo', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
    await expect(platform.client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(
      OpenAI.NotFoundError,
    );
  });

  it('queues nothing for a refused request, and records it as rejected', async () => {
    const response = await postChat(platform, JSON.stringify({ model: 'gpt-17', messages: [{ role: 'user', content: 'x' }], user: 'u-9' }));
    expect(response.status).toBe(404);
    const jobId = response.headers.get('x-switchyard-job-id') ?? '';
    const redis = new Redis(platform.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const queued = await redis.keys(`${llmQueuePrefix(platform.env.SWITCHYARD_KEY_PREFIX)}:*:${jobId}`);
    redis.disconnect();
    expect(queued).toStrictEqual([]);
    expect(await platform.usageRow(jobId)).toMatchObject({
      status: 'rejected',
      errorCode: 'model_not_found',
      publicModel: 'gpt-17',
      provider: null,
      keyId: 'test-key',
      tenant: 'acme',
      promptTokens: 0,
    });
  });
});
