/**
 * The Gemini API (generativelanguage.googleapis.com) as `@google/genai` calls
 * it with an API key: the model, and with it the directives, travel in the URL
 * path, `models/{model}:generateContent` or `:streamGenerateContent?alt=sse`.
 */

import type { ChatRequest } from './chat-request';
import { MOCK_MODEL_ID } from './mock-behaviour';
import { type ChatMessageLike, type FinishReason, MALFORMED_JSON_BODY, type MockUsage } from './openai-wire';
import { geminiStructuredAsk } from './structured-ask';
import { type ChatRoute, type CompletionPlan, cachedByStatus, jsonAnswer, type MockWire, type StreamEncoder, type WireAnswer } from './wire';

const CHAT_PATH = /^\/v1(?:beta|alpha)?\/models\/([^/]+):(generateContent|streamGenerateContent)$/;
const SSE_CONTENT_TYPE = 'text/event-stream';
// The Gemini API separates its events with CRLF pairs.
const EVENT_END = '\r\n\r\n';
const MAX_CANDIDATES = 8;

// Gemini ends a function call with STOP too.
const FINISH_REASONS: Record<FinishReason, string> = { stop: 'STOP', length: 'MAX_TOKENS', tool_calls: 'STOP' };

/** google.rpc status names for the HTTP statuses the Gemini API answers with. */
const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export function geminiStatusName(status: number): string {
  return STATUS_NAMES[status] ?? (status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
}

function error(status: number, message: string, details?: unknown[]): WireAnswer {
  const body: Record<string, unknown> = { code: status, message, status: geminiStatusName(status) };
  if (details !== undefined) body.details = details;
  return jsonAnswer(status, { error: body });
}

const invalid = (message: string): { ok: false; answer: WireAnswer } => ({ ok: false, answer: error(400, message) });

/**
 * The model segment of the path. The SDK leaves `@`, `;` and `=` as they are,
 * so a segment that still has its `@` is left alone (percent-encoded directive
 * values are decoded by the directive parser); a client that encoded the whole
 * id gets it decoded once.
 */
function modelOfSegment(segment: string): string {
  if (segment.includes('@') || !segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const statusError = cachedByStatus((status) => error(status, statusMessage(status)));

export function createGeminiWire(): MockWire {
  return {
    name: 'gemini',
    matchChatPath(path): ChatRoute | undefined {
      const match = CHAT_PATH.exec(path);
      if (match === null) return undefined;
      return { model: modelOfSegment(match[1] ?? ''), stream: match[2] === 'streamGenerateContent' };
    },
    getAnswers: {
      '/v1beta/models': () =>
        jsonAnswer(200, {
          models: [
            {
              name: `models/${MOCK_MODEL_ID}`,
              version: '001',
              displayName: 'Echo (mock upstream)',
              inputTokenLimit: 1_048_576,
              outputTokenLimit: 65_536,
              supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens'],
            },
          ],
        }),
    },
    parse(body, route) {
      if (!isObject(body)) return invalid('Invalid JSON payload received. Expected an object.');
      const contents = body.contents;
      if (!Array.isArray(contents) || contents.length === 0) {
        return invalid('* GenerateContentRequest.contents: contents is not specified\n');
      }
      const messages: ChatMessageLike[] = [];
      const system = body.systemInstruction ?? body.system_instruction;
      if (isObject(system)) messages.push({ role: 'system', content: system.parts });
      for (let i = 0; i < contents.length; i++) {
        const content: unknown = contents[i];
        if (!isObject(content) || !Array.isArray(content.parts) || content.parts.length === 0) {
          return invalid(`* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.\n`);
        }
        messages.push({ role: content.role === 'model' ? 'assistant' : 'user', content: content.parts });
      }

      let maxTokens: number | undefined;
      let n = 1;
      const config = body.generationConfig ?? body.generation_config;
      const structured = geminiStructuredAsk(body, isObject(config) ? config : undefined);
      if (isObject(config)) {
        const max = config.maxOutputTokens ?? config.max_output_tokens;
        if (typeof max === 'number' && Number.isInteger(max) && max >= 1) maxTokens = max;
        const count = config.candidateCount ?? config.candidate_count;
        if (count !== undefined && count !== null) {
          if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_CANDIDATES) {
            return invalid(`* GenerationConfig.candidate_count: must be between 1 and ${MAX_CANDIDATES}.\n`);
          }
          n = count;
        }
      }

      const request: ChatRequest = {
        model: route.model ?? MOCK_MODEL_ID,
        messages,
        stream: route.stream === true,
        includeUsage: false,
        n,
        maxTokens,
      };
      if (structured !== undefined) request.structured = structured;
      return { ok: true, request };
    },
    invalidJson: error(400, 'Invalid JSON payload received. Unexpected token.'),
    bodyTooLarge: error(413, 'Request payload size exceeds the limit of the mock upstream.'),
    statusError(status, retryAfterSeconds) {
      if (status !== 429 || retryAfterSeconds === undefined) return statusError(status);
      // Gemini states the delay in the body too, and some clients only read it there.
      return error(status, statusMessage(status), [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryAfterSeconds}s` }]);
    },
    malformed: (stream) =>
      stream ? { status: 200, body: `data: ${MALFORMED_JSON_BODY}${EVENT_END}`, contentType: SSE_CONTENT_TYPE } : { status: 200, body: MALFORMED_JSON_BODY },
    completion(plan) {
      return { status: 200, body: responseBody(plan, partOf(plan, plan.content), FINISH_REASONS[plan.finishReason], plan.usage) };
    },
    streamEncoder: geminiStream,
  };
}

function usageMetadata(usage: MockUsage): string {
  return `{"promptTokenCount":${usage.prompt_tokens},"candidatesTokenCount":${usage.completion_tokens},"totalTokenCount":${usage.total_tokens}}`;
}

/** A text part, or for a tool call the functionCall part with the arguments as an object. */
function partOf(plan: CompletionPlan, text: string): string {
  if (plan.toolCall === undefined) return `{"text":${JSON.stringify(text)}}`;
  return `{"functionCall":{"name":${JSON.stringify(plan.toolCall.name)},"args":${text}}}`;
}

function responseBody(plan: CompletionPlan, part: string, finishReason: string | undefined, usage: MockUsage | undefined): string {
  const parts = `{"content":{"parts":[${part}],"role":"model"},${finishReason === undefined ? '' : `"finishReason":"${finishReason}",`}"index":`;
  let candidates = '';
  for (let i = 0; i < plan.request.n; i++) candidates += `${i === 0 ? '' : ','}${parts}${i}}`;
  return (
    `{"candidates":[${candidates}],` +
    (usage === undefined ? '' : `"usageMetadata":${usageMetadata(usage)},`) +
    `"modelVersion":${JSON.stringify(plan.request.model)},"responseId":"${plan.id.slice(9)}"}`
  );
}

/**
 * One event per piece, then a last one with an empty part, the finish reason
 * and the usage. Gemini sends a function call whole, so its pieces are held
 * back and the call goes out in the last event.
 */
function geminiStream(plan: CompletionPlan): StreamEncoder {
  const headers = { 'content-type': SSE_CONTENT_TYPE, 'cache-control': 'no-cache' };
  const finishReason = FINISH_REASONS[plan.finishReason];
  if (plan.toolCall !== undefined) {
    let args = '';
    return {
      headers,
      start: () => '',
      content(piece) {
        args += piece;
        return '';
      },
      finish: () => `data: ${responseBody(plan, partOf(plan, args), finishReason, plan.usage)}${EVENT_END}`,
    };
  }
  return {
    headers,
    start: () => '',
    content: (piece) => `data: ${responseBody(plan, partOf(plan, piece), undefined, undefined)}${EVENT_END}`,
    finish: () => `data: ${responseBody(plan, partOf(plan, ''), finishReason, plan.usage)}${EVENT_END}`,
  };
}

function statusMessage(status: number): string {
  if (status === 429) return 'Resource has been exhausted (e.g. check quota). (mock upstream)';
  if (status === 401) return 'API key not valid. Please pass a valid API key. (mock upstream)';
  if (status >= 500) return `An internal error has occurred. (mock upstream status ${status})`;
  return `Mock upstream was asked to fail with status ${status}.`;
}
