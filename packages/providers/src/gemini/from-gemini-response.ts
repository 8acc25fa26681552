import { randomUUID } from 'node:crypto';
import { type ChatCompletion, type FinishReason, ProviderError, ProviderErrorKind } from '@switchyard/contracts';
import type { GenerateContentResponse } from '@google/genai';

const FILTERED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY']);

function finishReason(reason: string | undefined, hasToolCalls: boolean): FinishReason {
  if (hasToolCalls) return 'tool_calls';
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason !== undefined && FILTERED.has(reason)) return 'content_filter';
  return 'stop';
}

/** Gemini's answer as an OpenAI chat completion; a blocked prompt is a `content_filtered` error. */
export function fromGeminiResponse(provider: string, model: string, response: GenerateContentResponse): ChatCompletion {
  const blocked = response.promptFeedback?.blockReason;
  if (blocked !== undefined) {
    throw new ProviderError({ kind: ProviderErrorKind.ContentFiltered, provider, message: `prompt blocked (${blocked})` });
  }
  const choices = (response.candidates ?? []).map((candidate, index) => {
    const parts = candidate.content?.parts ?? [];
    const text = parts.map((part) => part.text ?? '').join('');
    const toolCalls = parts
      .filter((part) => part.functionCall !== undefined)
      .map((part, callIndex) => ({
        id: part.functionCall?.id ?? `call_${callIndex}_${randomUUID().slice(0, 8)}`,
        type: 'function' as const,
        function: { name: part.functionCall?.name ?? '', arguments: JSON.stringify(part.functionCall?.args ?? {}) },
      }));
    return {
      index: candidate.index ?? index,
      message: { role: 'assistant' as const, content: text, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
      finish_reason: finishReason(candidate.finishReason, toolCalls.length > 0),
      logprobs: null,
    };
  });
  const usage = response.usageMetadata;
  const prompt = usage?.promptTokenCount ?? 0;
  const completion = usage?.candidatesTokenCount ?? 0;
  return {
    id: `chatcmpl-${response.responseId ?? randomUUID().replaceAll('-', '')}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: response.modelVersion ?? model,
    choices,
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: usage?.totalTokenCount ?? prompt + completion },
  };
}
