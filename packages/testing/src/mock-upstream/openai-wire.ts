/**
 * OpenAI Chat Completions bodies, written as strings. The mock serves benchmark
 * traffic, so chunk bodies are concatenated from pre-serialised pieces instead
 * of building and stringifying an object per chunk.
 */

import { MOCK_MODEL_ID } from './mock-behaviour';

export type FinishReason = 'stop' | 'length' | 'tool_calls';

export interface MockUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** The parts of a chat message the mock reads; everything else passes through untouched. */
export interface ChatMessageLike {
  role?: unknown;
  content?: unknown;
}

/** Tokens added per message on top of its words, standing in for role and separator tokens. */
export const MOCK_TOKENS_PER_MESSAGE = 3;

export const SYSTEM_FINGERPRINT = 'fp_mock';

// Exactly the characters JavaScript's \s matches, so counting, splitting and any
// test that uses /\s+/ agree on what a word is.
function isWhitespace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 160) return false;
  return (
    code === 160 ||
    code === 5760 ||
    (code >= 8192 && code <= 8202) ||
    code === 8232 ||
    code === 8233 ||
    code === 8239 ||
    code === 8287 ||
    code === 12288 ||
    code === 65279
  );
}

/** The mock's tokenizer: one token per whitespace-separated word. */
export function mockTokenCount(text: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    if (isWhitespace(text.charCodeAt(i))) {
      inWord = false;
    } else if (!inWord) {
      inWord = true;
      count++;
    }
  }
  return count;
}

/**
 * Prompt tokens as the mock reports them: for every message,
 * {@link MOCK_TOKENS_PER_MESSAGE} plus the words of its text content
 * (see {@link messageText}). Nothing is added for the request as a whole.
 */
export function mockPromptTokenCount(messages: readonly ChatMessageLike[]): number {
  let total = 0;
  for (const message of messages) total += MOCK_TOKENS_PER_MESSAGE + mockTokenCount(messageText(message.content));
  return total;
}

/** String content as is; an array of parts becomes its `text` parts concatenated without separator. */
export function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (part !== null && typeof part === 'object') {
      const value = (part as { text?: unknown }).text;
      if (typeof value === 'string') text += value;
    }
  }
  return text;
}

/** What the echo model answers: the text of the last user message, or '' when there is none. */
export function lastUserText(messages: readonly ChatMessageLike[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message !== undefined && message.role === 'user') return messageText(message.content);
  }
  return '';
}

/**
 * Splits text into the pieces that are streamed, one per token: each word with
 * the whitespace before it, and any trailing whitespace on the last piece, so
 * that joining the pieces gives back the text exactly.
 */
export function splitIntoTokens(text: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  let i = 0;
  const length = text.length;
  while (i < length) {
    while (i < length && isWhitespace(text.charCodeAt(i))) i++;
    if (i === length) break;
    while (i < length && !isWhitespace(text.charCodeAt(i))) i++;
    pieces.push(text.slice(start, i));
    start = i;
  }
  if (start < length) {
    // Whitespace-only text has no words; it still goes out as one piece so the
    // stream reproduces it, though it counts as zero tokens.
    if (pieces.length === 0) pieces.push(text);
    else pieces[pieces.length - 1] += text.slice(start);
  }
  return pieces;
}

export function usageOf(promptTokens: number, completionTokens: number): MockUsage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

function usageJson(usage: MockUsage): string {
  return `{"prompt_tokens":${usage.prompt_tokens},"completion_tokens":${usage.completion_tokens},"total_tokens":${usage.total_tokens}}`;
}

export interface CompletionFields {
  id: string;
  created: number;
  model: string;
  /** The message content, or with `toolCall` the call's arguments. */
  content: string;
  toolCall?: { id: string; name: string } | undefined;
  finishReason: FinishReason;
  choices: number;
  usage: MockUsage;
}

function toolCallJson(call: { id: string; name: string }, args: string): string {
  return `{"id":${JSON.stringify(call.id)},"type":"function","function":{"name":${JSON.stringify(call.name)},"arguments":${JSON.stringify(args)}}}`;
}

export function chatCompletionBody(fields: CompletionFields): string {
  const message =
    fields.toolCall === undefined
      ? `"content":${JSON.stringify(fields.content)}`
      : `"content":null,"tool_calls":[${toolCallJson(fields.toolCall, fields.content)}]`;
  const choice = `"message":{"role":"assistant",${message},"refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"${fields.finishReason}"}`;
  let choices = '';
  for (let i = 0; i < fields.choices; i++) choices += `${i === 0 ? '' : ','}{"index":${i},${choice}`;
  return (
    `{"id":"${fields.id}","object":"chat.completion","created":${fields.created},` +
    `"model":${JSON.stringify(fields.model)},"choices":[${choices}],` +
    `"usage":${usageJson(fields.usage)},"service_tier":"default","system_fingerprint":"${SYSTEM_FINGERPRINT}"}`
  );
}

/**
 * Writes the server-sent events of one streamed completion. `usage: null` is
 * carried on every chunk only when the client asked for usage, as OpenAI does.
 */
export class ChunkWriter {
  private readonly head: string;
  private readonly tail: string;

  constructor(id: string, created: number, model: string, includeUsage: boolean) {
    this.head = `data: {"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"service_tier":"default","system_fingerprint":"${SYSTEM_FINGERPRINT}","choices":[`;
    this.tail = includeUsage ? `],"usage":null}\n\n` : `]}\n\n`;
  }

  role(index: number): string {
    return `${this.head}{"index":${index},"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}${this.tail}`;
  }

  /** Opens a tool call, as OpenAI does: id, type and name first, with empty arguments. */
  toolCallStart(index: number, call: { id: string; name: string }): string {
    return `${this.head}{"index":${index},"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,${toolCallJson(call, '').slice(1)}]},"logprobs":null,"finish_reason":null}${this.tail}`;
  }

  toolCallArguments(index: number, piece: string): string {
    return `${this.head}{"index":${index},"delta":{"tool_calls":[{"index":0,"function":{"arguments":${JSON.stringify(piece)}}}]},"logprobs":null,"finish_reason":null}${this.tail}`;
  }

  content(index: number, piece: string): string {
    return `${this.head}{"index":${index},"delta":{"content":${JSON.stringify(piece)}},"logprobs":null,"finish_reason":null}${this.tail}`;
  }

  finish(index: number, reason: FinishReason): string {
    return `${this.head}{"index":${index},"delta":{},"logprobs":null,"finish_reason":"${reason}"}${this.tail}`;
  }

  usage(usage: MockUsage): string {
    return `${this.head}],"usage":${usageJson(usage)}}\n\n`;
  }
}

export const STREAM_DONE = 'data: [DONE]\n\n';

/** Deliberately cut off mid-key so that any JSON parser rejects it. */
export const MALFORMED_JSON_BODY = '{"id": "chatcmpl-broken", "choi';

/** The streaming counterpart of {@link MALFORMED_JSON_BODY}: an event whose data is not JSON. */
export const MALFORMED_STREAM_BODY = `data: ${MALFORMED_JSON_BODY}\n\n`;

export interface OpenAIErrorFields {
  message: string;
  type: string;
  param?: string | null;
  code?: string | null;
}

export function errorBody(fields: OpenAIErrorFields): string {
  return JSON.stringify({
    error: { message: fields.message, type: fields.type, param: fields.param ?? null, code: fields.code ?? null },
  });
}

// Precomputed because error directives are exercised at benchmark rates too.
const statusErrorBodies = new Map<number, string>();

/** The body OpenAI would send with `status`, for the `status` directive. */
export function statusErrorBody(status: number): string {
  let body = statusErrorBodies.get(status);
  if (body === undefined) {
    body = errorBody(statusErrorFields(status));
    statusErrorBodies.set(status, body);
  }
  return body;
}

function statusErrorFields(status: number): OpenAIErrorFields {
  if (status === 429) {
    return {
      message: 'Rate limit reached for requests (mock upstream). Please try again later.',
      type: 'rate_limit_exceeded',
      code: 'rate_limit_exceeded',
    };
  }
  if (status === 401) {
    return { message: 'Incorrect API key provided (mock upstream).', type: 'invalid_request_error', code: 'invalid_api_key' };
  }
  if (status >= 500) {
    return {
      message: `The server had an error while processing your request (mock upstream status ${status}).`,
      type: 'server_error',
    };
  }
  return { message: `Mock upstream was asked to fail with status ${status}.`, type: 'invalid_request_error' };
}

export function modelsListBody(created: number): string {
  return JSON.stringify({
    object: 'list',
    data: [{ id: MOCK_MODEL_ID, object: 'model', created, owned_by: 'switchyard-mock' }],
  });
}
