import { randomUUID } from 'node:crypto';
import type { ChatCompletion, FinishReason } from '@switchyard/contracts';
import type { ChatResponse, ToolCall } from 'ollama';

/** Tool calls end the turn as `tool_calls`; Ollama's `length` is a truncated answer; anything else is a stop. */
export function ollamaFinishReason(doneReason: string | undefined, hasToolCalls: boolean): FinishReason {
  if (hasToolCalls) return 'tool_calls';
  return doneReason === 'length' ? 'length' : 'stop';
}

/** Ollama's tool calls, which come whole and without ids, as OpenAI's; `first` numbers them on from earlier ones. */
export function openAIToolCalls(calls: readonly ToolCall[], first = 0) {
  return calls.map((call, offset) => ({
    id: `call_${first + offset}_${randomUUID().slice(0, 8)}`,
    type: 'function' as const,
    function: { name: call.function.name, arguments: JSON.stringify(call.function.arguments ?? {}) },
  }));
}

/** Ollama's creation time, in epoch seconds. */
export function ollamaCreated(createdAt: Date | string | undefined): number {
  return Math.floor(new Date(createdAt ?? Date.now()).getTime() / 1000) || Math.floor(Date.now() / 1000);
}

/** Ollama's answer as an OpenAI chat completion; its eval counts are the token usage. */
export function fromOllamaResponse(response: ChatResponse): ChatCompletion {
  const toolCalls = response.message.tool_calls && openAIToolCalls(response.message.tool_calls);
  const prompt = response.prompt_eval_count ?? 0;
  const completion = response.eval_count ?? 0;
  return {
    id: `chatcmpl-${randomUUID().replaceAll('-', '')}`,
    object: 'chat.completion',
    created: ollamaCreated(response.created_at),
    model: response.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: response.message.content ?? '', ...(toolCalls?.length ? { tool_calls: toolCalls } : {}) },
        finish_reason: ollamaFinishReason(response.done_reason, (toolCalls?.length ?? 0) > 0),
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}
