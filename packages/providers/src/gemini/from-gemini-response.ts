import { randomUUID } from 'node:crypto';
import type { FunctionCall, GenerateContentResponse, GenerateContentResponseUsageMetadata } from '@google/genai';
import { type ChatCompletion, type CompletionUsage, type FinishReason, ProviderError, ProviderErrorKind } from '@switchyard/contracts';

const FILTERED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY']);

/** Tool calls end the turn as `tool_calls`; a safety or recitation stop is `content_filter`. */
export function geminiFinishReason(reason: string | undefined, hasToolCalls: boolean): FinishReason {
  if (hasToolCalls) return 'tool_calls';
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason !== undefined && FILTERED.has(reason)) return 'content_filter';
  return 'stop';
}

/** A prompt Gemini refused to answer at all is a `content_filtered` error, not an empty answer. */
export function assertPromptNotBlocked(provider: string, response: GenerateContentResponse): void {
  const blocked = response.promptFeedback?.blockReason;
  if (blocked !== undefined) {
    throw new ProviderError({ kind: ProviderErrorKind.ContentFiltered, provider, message: `prompt blocked (${blocked})` });
  }
}

/** A function call part as an OpenAI tool call; Gemini gives ids only on some models. */
export function openAIToolCall(call: FunctionCall, index: number) {
  return {
    id: call.id ?? `call_${index}_${randomUUID().slice(0, 8)}`,
    type: 'function' as const,
    function: { name: call.name ?? '', arguments: JSON.stringify(call.args ?? {}) },
  };
}

export function geminiUsage(usage: GenerateContentResponseUsageMetadata | undefined): CompletionUsage {
  const prompt = usage?.promptTokenCount ?? 0;
  const completion = usage?.candidatesTokenCount ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: usage?.totalTokenCount ?? prompt + completion };
}

/** Gemini's answer as an OpenAI chat completion; a blocked prompt is a `content_filtered` error. */
export function fromGeminiResponse(provider: string, model: string, response: GenerateContentResponse): ChatCompletion {
  assertPromptNotBlocked(provider, response);
  const choices = (response.candidates ?? []).map((candidate, index) => {
    const parts = candidate.content?.parts ?? [];
    const text = parts.map((part) => part.text ?? '').join('');
    const toolCalls = parts.flatMap((part) => (part.functionCall === undefined ? [] : [part.functionCall])).map(openAIToolCall);
    return {
      index: candidate.index ?? index,
      message: { role: 'assistant' as const, content: text, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
      finish_reason: geminiFinishReason(candidate.finishReason, toolCalls.length > 0),
      logprobs: null,
    };
  });
  return {
    id: `chatcmpl-${response.responseId ?? randomUUID().replaceAll('-', '')}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: response.modelVersion ?? model,
    choices,
    usage: geminiUsage(response.usageMetadata),
  };
}
