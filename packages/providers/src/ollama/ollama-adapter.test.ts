import { type MockUpstream, OLLAMA_MOCK_MODEL, type RecordedRequest, startMockUpstream } from '@switchyard/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OllamaAdapter } from './ollama-adapter';

describe('OllamaAdapter keep_alive, preload and unload', () => {
  let mock: MockUpstream;
  const messages = [{ role: 'user' as const, content: 'hi' }];

  const loadedModels = async (): Promise<string[]> => {
    const response = await fetch(`${mock.url}/api/ps`);
    return ((await response.json()) as { models: { name: string }[] }).models.map((model) => model.name);
  };
  const lastBody = () => (mock.requests.at(-1) as RecordedRequest).body as Record<string, unknown>;

  beforeAll(async () => {
    mock = await startMockUpstream();
  });

  beforeEach(() => {
    mock.reset();
  });

  afterAll(async () => {
    await mock.close();
  });

  it('sends keep_alive on every chat, streamed or not, when it is set', async () => {
    const adapter = new OllamaAdapter({ provider: 'ollama', host: mock.url, keepAlive: '30m' });
    await adapter.generate({ model: 'echo', request: { model: 'x', messages } });
    expect(lastBody()).toMatchObject({ keep_alive: '30m', stream: false });
    for await (const _chunk of adapter.stream({ model: 'echo', request: { model: 'x', messages } })) {
      // Read to the end.
    }
    expect(lastBody()).toMatchObject({ keep_alive: '30m', stream: true });
  });

  it("leaves keep_alive to the server's default when it is not set", async () => {
    const adapter = new OllamaAdapter({ provider: 'ollama', host: mock.url });
    await adapter.generate({ model: 'echo', request: { model: 'x', messages } });
    expect(lastBody()).not.toHaveProperty('keep_alive');
  });

  it('preloads a model with a chat without messages, then unloads it with keep_alive 0', async () => {
    const adapter = new OllamaAdapter({ provider: 'ollama', host: mock.url, keepAlive: -1 });
    await adapter.preload('echo');
    expect(lastBody()).toStrictEqual({ model: 'echo', messages: [], keep_alive: -1, stream: false });
    expect(await loadedModels()).toStrictEqual([OLLAMA_MOCK_MODEL]);

    await adapter.unload('echo');
    expect(lastBody()).toStrictEqual({ model: 'echo', messages: [], keep_alive: 0, stream: false });
    expect(await loadedModels()).toStrictEqual([]);
  });

  it('reports an unreachable server as a ProviderError', async () => {
    const adapter = new OllamaAdapter({ provider: 'ollama', host: 'http://127.0.0.1:1' });
    await expect(adapter.preload('echo')).rejects.toMatchObject({ kind: 'server', provider: 'ollama' });
  });
});
