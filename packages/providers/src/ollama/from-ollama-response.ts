import { randomUUID } from 'node:crypto';
import type { ChatCompletion, FinishReason } from '@switchyard/contracts';
import type { ChatResponse } from 'ollama';

function finishReason(response: ChatResponse): FinishReason {
  if ((response.message.tool_calls?.length ?? 0) > 0) return 'tool_calls';
  return response.done_reason === 'length' ? 'length' : 'stop';
}

/** Ollama's answer as an OpenAI chat completion; its eval counts are the token usage. */
export function fromOllamaResponse(response: ChatResponse): ChatCompletion {
  const toolCalls = response.message.tool_calls?.map((call, index) => ({
    id: `call_${index}_${randomUUID().slice(0, 8)}`,
    type: 'function' as const,
    function: { name: call.function.name, arguments: JSON.stringify(call.function.arguments ?? {}) },
  }));
  const prompt = response.prompt_eval_count ?? 0;
  const completion = response.eval_count ?? 0;
  return {
    id: `chatcmpl-${randomUUID().replaceAll('-', '')}`,
    object: 'chat.completion',
    created: Math.floor(new Date(response.created_at).getTime() / 1000) || Math.floor(Date.now() / 1000),
    model: response.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: response.message.content ?? '', ...(toolCalls?.length ? { tool_calls: toolCalls } : {}) },
        finish_reason: finishReason(response),
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}
