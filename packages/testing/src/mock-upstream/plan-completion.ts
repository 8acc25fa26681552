import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ChatRequest } from './chat-request';
import type { MockBehaviour } from './mock-behaviour';
import { type FinishReason, lastUserText, mockPromptTokenCount, mockTokenCount, splitIntoTokens, usageOf } from './openai-wire';
import type { CompletionPlan } from './wire';

/** The completion every wire encodes: the reply directive or the echo, cut at the request's token limit. */
export function planCompletion(request: ChatRequest, behaviour: MockBehaviour): CompletionPlan {
  const reply = behaviour.reply ?? lastUserText(request.messages);
  let pieces = splitIntoTokens(reply);
  let content = reply;
  let completionTokensPerChoice = mockTokenCount(reply);
  let finishReason: FinishReason = 'stop';
  if (request.maxTokens !== undefined && completionTokensPerChoice > request.maxTokens) {
    // Every piece of a text with more words than the limit holds exactly one word.
    pieces = pieces.slice(0, request.maxTokens);
    content = pieces.join('');
    completionTokensPerChoice = request.maxTokens;
    finishReason = 'length';
  }
  const id = `chatcmpl-${randomUUID().replace(/-/g, '')}`;
  return {
    id,
    created: Math.floor(Date.now() / 1000),
    startedAt: performance.now(),
    request,
    pieces,
    content,
    finishReason,
    completionTokensPerChoice,
    // Every choice is billed, so n choices cost n times the completion.
    usage: usageOf(mockPromptTokenCount(request.messages), completionTokensPerChoice * request.n),
  };
}
