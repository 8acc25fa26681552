import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ChatRequest } from './chat-request';
import type { MockBehaviour } from './mock-behaviour';
import { type FinishReason, lastUserText, mockPromptTokenCount, mockTokenCount, splitIntoTokens, usageOf } from './openai-wire';
import { structuredAnswer } from './structured-answer';
import type { CompletionPlan } from './wire';

/**
 * The completion every wire encodes: the reply directive or the echo, or for a
 * structured request JSON shaped by its schema, cut at the request's token limit.
 */
export function planCompletion(request: ChatRequest, behaviour: MockBehaviour): CompletionPlan {
  const echo = behaviour.reply ?? lastUserText(request.messages);
  const structured = request.structured === undefined ? undefined : structuredAnswer(request, request.structured, behaviour, echo);
  const reply = structured === undefined ? echo : structured.text;
  let pieces = splitIntoTokens(reply);
  let content = reply;
  let completionTokensPerChoice = mockTokenCount(reply);
  let finishReason: FinishReason = structured?.toolName === undefined ? 'stop' : 'tool_calls';
  if (request.maxTokens !== undefined && completionTokensPerChoice > request.maxTokens) {
    // Every piece of a text with more words than the limit holds exactly one word.
    pieces = pieces.slice(0, request.maxTokens);
    content = pieces.join('');
    completionTokensPerChoice = request.maxTokens;
    finishReason = 'length';
  }
  const hex = randomUUID().replace(/-/g, '');
  const id = `chatcmpl-${hex}`;
  const plan: CompletionPlan = {
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
  // Gemini and Ollama carry arguments as an object, which a cut-off text cannot become.
  const callable = finishReason !== 'length' || request.structured?.tool?.argumentsAsText === true;
  if (structured?.toolName !== undefined && callable) plan.toolCall = { id: `call_${hex.slice(0, 24)}`, name: structured.toolName };
  return plan;
}
