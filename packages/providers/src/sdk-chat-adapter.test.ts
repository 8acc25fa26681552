import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { ProviderCapabilities } from './provider-adapter';
import { type ChatSdkClient, SdkChatAdapter } from './sdk-chat-adapter';

/** An SDK client whose stream sends `chunks` and then throws `failure`. */
function fakeClient(chunks: unknown[], failure: unknown, bodies: unknown[]): ChatSdkClient {
  return {
    chat: {
      completions: {
        create: async (body: never) => {
          bodies.push(body);
          return (async function* () {
            yield* chunks;
            throw failure;
          })();
        },
      },
    },
  };
}

class FakeAdapter extends SdkChatAdapter {
  readonly capabilities: ProviderCapabilities = { streaming: true, tools: true, jsonMode: true, jsonSchema: true, vision: false };
  constructor(client: ChatSdkClient) {
    super('mock', client, OpenAI, 1000);
  }
}

const first = {
  id: 'c',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta: { role: 'assistant', content: 'a' }, finish_reason: null }],
};

describe('SdkChatAdapter.stream', () => {
  it("always asks for usage, whatever the caller's stream options", async () => {
    const bodies: unknown[] = [];
    const adapter = new FakeAdapter(fakeClient([], new Error('end'), bodies));
    const stream = adapter.stream({
      model: 'm',
      request: { model: 'x', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: false } },
    });
    await expect(stream[Symbol.asyncIterator]().next()).rejects.toThrow();
    expect(bodies[0]).toMatchObject({ model: 'm', stream: true, stream_options: { include_usage: true } });
  });

  it("throws an upstream error event as a retryable server error, keeping the provider's text out", async () => {
    const event = new OpenAI.APIError(undefined, { message: 'internal: shard 7 of cluster-secret failed' }, undefined, new Headers());
    const adapter = new FakeAdapter(fakeClient([first], event, []));
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const chunk of adapter.stream({ model: 'm', request: { model: 'x', messages: [{ role: 'user', content: 'hi' }] } })) seen.push(chunk);
    })().catch((e: unknown) => e);
    expect(seen).toHaveLength(1);
    expect(error).toMatchObject({ kind: 'server', retryable: true, message: 'mock: upstream sent an error mid-stream' });
  });
});
