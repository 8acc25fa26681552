import type { GenerateContentResponse, GenerateContentResponseUsageMetadata } from '@google/genai';
import type { ChatCompletionChunk } from '@switchyard/contracts';
import { ChunkWriter, newCompletionId, streamCutError } from '../stream-chunks';
import { assertPromptNotBlocked, geminiFinishReason, geminiUsage, openAIToolCall } from './from-gemini-response';

/**
 * Gemini's streamed responses as OpenAI chunks. Each response holds the next
 * piece of every candidate: its text is a content delta, its function calls
 * (which Gemini sends whole) tool-call deltas, and a candidate's
 * `finishReason` its finish chunk, mapped as the non-streamed answer is. A
 * blocked prompt is a `content_filtered` error. `usageMetadata` grows as the
 * stream goes; the last one seen is the usage. A stream in which no candidate
 * finished was cut.
 */
export async function* geminiStreamChunks(
  provider: string,
  model: string,
  responses: AsyncIterable<GenerateContentResponse>,
): AsyncGenerator<ChatCompletionChunk> {
  let writer: ChunkWriter | undefined;
  let usage: GenerateContentResponseUsageMetadata | undefined;
  let finished = false;
  /** Tool calls sent so far, per candidate: the next call's index. */
  const toolCalls = new Map<number, number>();

  for await (const response of responses) {
    assertPromptNotBlocked(provider, response);
    writer ??= new ChunkWriter(response.responseId ? `chatcmpl-${response.responseId}` : newCompletionId(), response.modelVersion ?? model);
    if (response.usageMetadata !== undefined) usage = response.usageMetadata;
    for (const [position, candidate] of (response.candidates ?? []).entries()) {
      const index = candidate.index ?? position;
      const parts = candidate.content?.parts ?? [];
      const content = parts.map((part) => part.text ?? '').join('');
      const first = toolCalls.get(index) ?? 0;
      const calls = parts
        .flatMap((part) => (part.functionCall === undefined ? [] : [part.functionCall]))
        .map((call, offset) => ({ index: first + offset, ...openAIToolCall(call, first + offset) }));
      toolCalls.set(index, first + calls.length);
      if (content !== '' || calls.length > 0) {
        yield writer.delta(index, { ...(content !== '' ? { content } : {}), ...(calls.length > 0 ? { tool_calls: calls } : {}) });
      }
      if (candidate.finishReason !== undefined) {
        finished = true;
        yield writer.delta(index, {}, geminiFinishReason(candidate.finishReason, first + calls.length > 0));
      }
    }
  }

  if (!finished || writer === undefined) throw streamCutError(provider);
  if (usage !== undefined) yield writer.usage(geminiUsage(usage));
}
