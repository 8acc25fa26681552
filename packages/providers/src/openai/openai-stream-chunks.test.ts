import type { ChatCompletionChunk } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { openAIStreamChunks } from './openai-stream-chunks';

async function* events(...items: unknown[]): AsyncGenerator<unknown> {
  yield* items;
}

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices,
  ...extra,
});

describe('openAIStreamChunks', () => {
  it('adds the role a server left out, and moves usage from the finish chunk to a last chunk of its own', async () => {
    const usage = { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 };
    const chunks = await collect(
      openAIStreamChunks(
        'llamacpp',
        events(
          chunk([{ index: 0, delta: { content: 'a' }, finish_reason: null }]),
          chunk([{ index: 0, delta: { content: ' b' } }]),
          chunk([{ index: 0, delta: {}, finish_reason: 'stop' }], { usage, timings: {} }),
        ),
      ),
    );
    expect(chunks.map((c) => c.choices[0]?.delta)).toStrictEqual([{ role: 'assistant', content: 'a' }, { content: ' b' }, {}, undefined]);
    expect(chunks.map((c) => c.usage ?? null)).toStrictEqual([null, null, null, usage]);
    expect(chunks.at(-1)).toMatchObject({ id: 'chatcmpl-1', choices: [] });
  });

  it("reads Groq's usage from x_groq and drops chunks that carry nothing", async () => {
    const chunks = await collect(
      openAIStreamChunks(
        'groq',
        events(
          chunk([], { prompt_filter_results: [] }),
          chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
          chunk([{ index: 0, delta: {}, finish_reason: 'length' }], {
            x_groq: { id: 'req_1', usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4, queue_time: 0.1 } },
          }),
        ),
      ),
    );
    expect(chunks).toHaveLength(3);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks[1]).not.toHaveProperty('x_groq');
    expect(chunks.at(-1)?.usage).toStrictEqual({ prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 });
  });

  it('throws a retryable error for a stream that ends without a finish reason', async () => {
    const stream = openAIStreamChunks('openai', events(chunk([{ index: 0, delta: { content: 'a' }, finish_reason: null }])));
    await expect(collect(stream)).rejects.toMatchObject({ kind: 'server', retryable: true });
  });

  it('throws malformed_response for a chunk without choices', async () => {
    await expect(collect(openAIStreamChunks('openai', events({ id: 'x' })))).rejects.toMatchObject({ kind: 'malformed_response' });
  });
});
