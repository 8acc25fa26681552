import { mockPromptTokenCount } from '@switchyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, postChat, startPlatform } from './platform-harness';

describe('local model servers through worker-local', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform();
    await platform.startLocalWorker();
  });

  afterAll(async () => {
    await platform.close();
  });

  it('answers from an Ollama server over its native API, with its token counts as usage', async () => {
    const messages = [{ role: 'user', content: 'hello from the GPU node' }];
    const response = await postChat(platform, JSON.stringify({ model: 'local-echo', messages }));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-provider')).toBe('local');
    const body = (await response.json()) as { choices: { message: { content: string } }[]; usage: { prompt_tokens: number } };
    expect(body.choices[0]?.message.content).toBe('hello from the GPU node');
    expect(body.usage.prompt_tokens).toBe(mockPromptTokenCount(messages));
    expect(platform.mock.requests.at(-1)?.path).toBe('/api/chat');
    expect(await platform.usageRow(response.headers.get('x-switchyard-job-id') ?? '')).toMatchObject({ status: 'succeeded', provider: 'local' });
  });

  it("lists what the local server has, and routes '<provider>/<model>' to it without a routing entry", async () => {
    const ids: string[] = [];
    await expect
      .poll(
        async () => {
          ids.length = 0;
          for await (const model of platform.client.models.list()) ids.push(model.id);
          return ids;
        },
        { timeout: 3000 },
      )
      .toContain('local/echo:latest');
    const response = await postChat(platform, JSON.stringify({ model: 'local/echo:latest', messages: [{ role: 'user', content: 'direct' }] }));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-provider')).toBe('local');
    expect(platform.mock.requests.at(-1)?.body).toMatchObject({ model: 'echo:latest' });
    const hosted = await postChat(platform, JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'x' }] }));
    expect(hosted.status).toBe(404);
  });

  it('loads the configured models when it starts, and keeps them loaded as long as the config says', async () => {
    const loads = platform.mock.requests.filter((request) => request.path === '/api/chat' && (request.body as { messages?: unknown[] }).messages?.length === 0);
    expect(loads.map((request) => request.body)).toContainEqual(expect.objectContaining({ model: 'echo', keep_alive: '10m' }));
    await postChat(platform, JSON.stringify({ model: 'local-echo', messages: [{ role: 'user', content: 'kept' }] }));
    expect(platform.mock.requests.at(-1)?.body).toMatchObject({ keep_alive: '10m' });
  });

  it('sends the jobs of a llama.cpp server whose health check fails to their fallback, without trying it', async () => {
    const response = await postChat(platform, JSON.stringify({ model: 'asleep-echo', messages: [{ role: 'user', content: 'anyone home?' }] }));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-provider')).toBe('backup');
    const row = await platform.usageRow(response.headers.get('x-switchyard-job-id') ?? '');
    expect(row.routeAttempts).toStrictEqual([{ provider: 'asleep', model: 'echo', code: 'upstream_overloaded', attempts: 1 }]);
  });
});
