import type { GenerateContentResponse } from '@google/genai';
import type { ChatCompletionChunk } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { geminiStreamChunks } from './gemini-stream-chunks';

async function* responses(...items: unknown[]): AsyncGenerator<GenerateContentResponse> {
  for (const item of items) yield item as GenerateContentResponse;
}

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const candidate = (parts: unknown[], finishReason?: string) => ({
  candidates: [{ index: 0, content: { role: 'model', parts }, ...(finishReason ? { finishReason } : {}) }],
});

describe('geminiStreamChunks', () => {
  it('streams function calls as indexed tool-call deltas and finishes with tool_calls', async () => {
    const chunks = await collect(
      geminiStreamChunks(
        'gemini',
        'gemini-2.5-flash',
        responses(candidate([{ functionCall: { name: 'lookup', args: { city: 'Paris' } } }]), {
          ...candidate([{ functionCall: { id: 'fc_2', name: 'lookup', args: { city: 'Rome' } } }], 'STOP'),
          usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 7, totalTokenCount: 12 },
        }),
      ),
    );
    const calls = chunks.flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []));
    expect(calls).toMatchObject([
      { index: 0, type: 'function', function: { name: 'lookup', arguments: '{"city":"Paris"}' } },
      { index: 1, id: 'fc_2', type: 'function', function: { name: 'lookup', arguments: '{"city":"Rome"}' } },
    ]);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.flatMap((chunk) => chunk.choices.flatMap((choice) => choice.finish_reason ?? []))).toStrictEqual(['tool_calls']);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 } });
  });

  it('finishes with content_filter when a safety stop ends the answer', async () => {
    const chunks = await collect(geminiStreamChunks('gemini', 'm', responses(candidate([{ text: 'partial' }]), candidate([], 'SAFETY'))));
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason)).toStrictEqual([null, 'content_filter']);
  });

  it('throws content_filtered for a blocked prompt', async () => {
    const stream = geminiStreamChunks('gemini', 'm', responses({ promptFeedback: { blockReason: 'SAFETY' } }));
    await expect(collect(stream)).rejects.toMatchObject({ kind: 'content_filtered', retryable: false });
  });

  it('throws a retryable error for a stream in which no candidate finished', async () => {
    await expect(collect(geminiStreamChunks('gemini', 'm', responses(candidate([{ text: 'a' }]))))).rejects.toMatchObject({ kind: 'server', retryable: true });
  });
});
