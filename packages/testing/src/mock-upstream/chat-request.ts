import { type ChatMessageLike, errorBody } from './openai-wire';
import { openAIStructuredAsk, type StructuredAsk } from './structured-ask';

/** The fields of a chat completion request that change what the mock answers. */
export interface ChatRequest {
  model: string;
  messages: ChatMessageLike[];
  stream: boolean;
  includeUsage: boolean;
  n: number;
  maxTokens: number | undefined;
  /** Set when the request asks for JSON or forces a tool call; see structured-ask.ts. */
  structured?: StructuredAsk;
}

export type ChatRequestCheck = { ok: true; request: ChatRequest } | { ok: false; errorBody: string };

const MAX_CHOICES = 128;

export const INVALID_JSON_BODY = errorBody({
  message:
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
  type: 'invalid_request_error',
});

function invalid(message: string, param: string | null, code: string | null): ChatRequestCheck {
  return { ok: false, errorBody: errorBody({ message, type: 'invalid_request_error', param, code }) };
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * Rejects what OpenAI would reject before generating anything, and no more:
 * the mock has to accept whatever a well-behaved gateway forwards.
 */
export function checkChatRequest(body: unknown): ChatRequestCheck {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return invalid(`Invalid type for request body: expected an object, but got ${describeType(body)} instead.`, null, 'invalid_type');
  }
  const fields = body as Record<string, unknown>;

  const model = fields.model;
  if (typeof model !== 'string' || model === '') {
    return invalid('you must provide a model parameter', null, null);
  }

  const messages = fields.messages;
  if (messages === undefined) {
    return invalid("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  }
  if (!Array.isArray(messages)) {
    return invalid(`Invalid type for 'messages': expected an array of objects, but got ${describeType(messages)} instead.`, 'messages', 'invalid_type');
  }
  if (messages.length === 0) {
    return invalid("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'messages', 'empty_array');
  }
  for (let i = 0; i < messages.length; i++) {
    const message: unknown = messages[i];
    if (message === null || typeof message !== 'object' || Array.isArray(message)) {
      return invalid(`Invalid type for 'messages[${i}]': expected an object, but got ${describeType(message)} instead.`, `messages[${i}]`, 'invalid_type');
    }
  }

  let n = 1;
  if (fields.n !== undefined && fields.n !== null) {
    if (typeof fields.n !== 'number' || !Number.isInteger(fields.n) || fields.n < 1 || fields.n > MAX_CHOICES) {
      return invalid(`Invalid 'n': expected an integer between 1 and ${MAX_CHOICES}.`, 'n', 'invalid_value');
    }
    n = fields.n;
  }

  // max_completion_tokens superseded max_tokens; when both are sent the newer one wins.
  let maxTokens: number | undefined;
  for (const param of ['max_tokens', 'max_completion_tokens'] as const) {
    const value = fields[param];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      return invalid(`Invalid '${param}': expected an integer of at least 1.`, param, 'invalid_value');
    }
    maxTokens = value;
  }

  const stream = fields.stream === true;
  const streamOptions = fields.stream_options;
  const includeUsage =
    stream && streamOptions !== null && typeof streamOptions === 'object' && (streamOptions as { include_usage?: unknown }).include_usage === true;

  const request: ChatRequest = { model, messages: messages as ChatMessageLike[], stream, includeUsage, n, maxTokens };
  const structured = openAIStructuredAsk(fields);
  if (structured !== undefined) request.structured = structured;
  return { ok: true, request };
}
