import type { ChatCompletionChunk } from '@switchyard/contracts';
import type { ChatResponse } from 'ollama';
import { ChunkWriter, newCompletionId, streamCutError, usageOf } from '../stream-chunks';
import { ollamaCreated, ollamaFinishReason, openAIToolCalls } from './from-ollama-response';

/**
 * Ollama's streamed chat messages (one NDJSON line each) as OpenAI chunks:
 * every message's text is a content delta, its tool calls (which Ollama sends
 * whole) tool-call deltas, and the `done` message gives the finish reason and,
 * from its eval counts, the usage. A stream without a `done` message was cut.
 */
export async function* ollamaStreamChunks(provider: string, messages: AsyncIterable<ChatResponse>): AsyncGenerator<ChatCompletionChunk> {
  let writer: ChunkWriter | undefined;
  let toolCallCount = 0;
  let done: ChatResponse | undefined;
  // Read to the end rather than left at `done`, so that the connection is finished, not cut.
  for await (const message of messages) {
    if (done !== undefined) continue;
    writer ??= new ChunkWriter(newCompletionId(), message.model, ollamaCreated(message.created_at));
    const content = message.message?.content ?? '';
    // A thinking model's reasoning, under the name OpenAI-compatible servers (vLLM, llama.cpp) give it.
    const reasoning = message.message?.thinking ?? '';
    const calls = message.message?.tool_calls ?? [];
    if (content !== '' || reasoning !== '' || calls.length > 0) {
      const toolCalls = openAIToolCalls(calls, toolCallCount).map((call, offset) => ({ index: toolCallCount + offset, ...call }));
      toolCallCount += calls.length;
      yield writer.delta(0, {
        ...(reasoning !== '' ? { reasoning_content: reasoning } : {}),
        ...(content !== '' ? { content } : {}),
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      });
    }
    if (message.done) {
      done = message;
      yield writer.delta(0, {}, ollamaFinishReason(message.done_reason, toolCallCount > 0));
    }
  }
  if (done === undefined || writer === undefined) throw streamCutError(provider);
  yield writer.usage(usageOf(done.prompt_eval_count ?? 0, done.eval_count ?? 0));
}
