/**
 * Ollama's native API as the `ollama` npm package uses it: /api/chat with
 * NDJSON streaming (on unless `stream: false`), /api/tags, /api/ps and
 * /api/version.
 */

import { performance } from 'node:perf_hooks';
import type { ChatRequest } from './chat-request';
import { MOCK_MODEL_ID, parseModelDirectives } from './mock-behaviour';
import { type ChatMessageLike, MALFORMED_JSON_BODY } from './openai-wire';
import { ollamaStructuredAsk } from './structured-ask';
import { type CompletionPlan, cachedByStatus, jsonAnswer, type MockWire, type StreamEncoder, type WireAnswer } from './wire';

/** The name /api/tags lists; Ollama adds the `:latest` tag to names that carry none. */
export const OLLAMA_MOCK_MODEL = `${MOCK_MODEL_ID}:latest`;

export const OLLAMA_MOCK_VERSION = '0.12.0';

const NDJSON_CONTENT_TYPE = 'application/x-ndjson';
const DEFAULT_KEEP_ALIVE_MS = 5 * 60_000;
// What Ollama reports for a model kept loaded forever (a negative keep_alive).
const FOREVER = '2318-01-01T00:00:00Z';
const MODEL_SIZE = 1_000_000;
const MODEL_DIGEST = 'ec40ec40ec40ec40ec40ec40ec40ec40ec40ec40ec40ec40ec40ec40ec40ec40';
const MODEL_DETAILS = {
  parent_model: '',
  format: 'gguf',
  family: MOCK_MODEL_ID,
  families: [MOCK_MODEL_ID],
  parameter_size: '1M',
  quantization_level: 'F16',
};

const error = (status: number, message: string): WireAnswer => jsonAnswer(status, { error: message });

/** Canonical model name: directives dropped, `:latest` added where no tag is given. */
export function ollamaModelName(model: string): string {
  const base = parseModelDirectives(model).baseModel;
  return base.includes(':') ? base : `${base}:latest`;
}

export function createOllamaWire(): MockWire {
  /** Loaded model name -> expiry (epoch ms, Infinity for forever). */
  const loaded = new Map<string, number>();
  const modifiedAt = new Date().toISOString();

  const listModels = (): WireAnswer =>
    jsonAnswer(200, {
      models: [
        {
          name: OLLAMA_MOCK_MODEL,
          model: OLLAMA_MOCK_MODEL,
          modified_at: modifiedAt,
          size: MODEL_SIZE,
          digest: MODEL_DIGEST,
          details: MODEL_DETAILS,
        },
      ],
    });

  const listLoaded = (): WireAnswer => {
    const now = Date.now();
    const models = [];
    for (const [name, expiresAt] of loaded) {
      if (expiresAt <= now) {
        loaded.delete(name);
        continue;
      }
      models.push({
        name,
        model: name,
        size: MODEL_SIZE,
        digest: MODEL_DIGEST,
        details: MODEL_DETAILS,
        expires_at: expiresAt === Number.POSITIVE_INFINITY ? FOREVER : new Date(expiresAt).toISOString(),
        size_vram: MODEL_SIZE,
        context_length: 4096,
      });
    }
    return jsonAnswer(200, { models });
  };

  return {
    name: 'ollama',
    chatPaths: ['/api/chat'],
    getAnswers: {
      '/api/tags': listModels,
      '/api/ps': listLoaded,
      '/api/version': () => jsonAnswer(200, { version: OLLAMA_MOCK_VERSION }),
    },
    parse(body) {
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        return { ok: false, answer: error(400, 'invalid request body: expected a JSON object') };
      }
      const fields = body as Record<string, unknown>;
      const model = fields.model;
      if (typeof model !== 'string' || model === '') return { ok: false, answer: error(400, 'model is required') };
      const messages = fields.messages ?? [];
      if (!Array.isArray(messages) || messages.some((m) => m === null || typeof m !== 'object' || Array.isArray(m))) {
        return { ok: false, answer: error(400, 'messages must be an array of objects') };
      }
      // Ollama streams unless told not to, unlike the OpenAI API.
      const stream = fields.stream !== false;
      const keepAliveMs = keepAliveOf(fields.keep_alive);
      const name = ollamaModelName(model);
      if (keepAliveMs === 0) loaded.delete(name);
      else loaded.set(name, keepAliveMs < 0 ? Number.POSITIVE_INFINITY : Date.now() + keepAliveMs);
      // A chat without messages only loads or, with keep_alive 0, unloads the model.
      if (messages.length === 0) return { ok: false, answer: loadAnswer(model, keepAliveMs === 0 ? 'unload' : 'load', stream) };

      const request: ChatRequest = {
        model,
        messages: messages as ChatMessageLike[],
        stream,
        includeUsage: false,
        n: 1,
        maxTokens: numPredictOf(fields.options),
      };
      const structured = ollamaStructuredAsk(fields);
      if (structured !== undefined) request.structured = structured;
      return { ok: true, request };
    },
    invalidJson: error(400, 'invalid character in JSON request body'),
    bodyTooLarge: error(413, 'request body too large for the mock upstream'),
    statusError: cachedByStatus((status) => error(status, statusMessage(status))),
    malformed: (stream) =>
      stream ? { status: 200, body: `${MALFORMED_JSON_BODY}\n`, contentType: NDJSON_CONTENT_TYPE } : { status: 200, body: MALFORMED_JSON_BODY },
    completion(plan) {
      const done = doneFields(plan, undefined);
      return jsonAnswer(200, { model: plan.request.model, created_at: new Date().toISOString(), message: messageOf(plan, plan.content), ...done });
    },
    streamEncoder: ollamaStream,
    reset() {
      loaded.clear();
    },
  };
}

/**
 * One line per piece, then the done line. Ollama sends tool calls whole, in a
 * line of their own before the done line, so a call's pieces are held back.
 */
function ollamaStream(plan: CompletionPlan): StreamEncoder {
  const model = JSON.stringify(plan.request.model);
  let firstAt: number | undefined;
  let args = '';
  const line = (message: string, rest: string): string => `{"model":${model},"created_at":"${new Date().toISOString()}","message":${message},${rest}}\n`;
  const text = (content: string): string => `{"role":"assistant","content":${JSON.stringify(content)}}`;
  const done = (): string => line(text(''), JSON.stringify(doneFields(plan, firstAt)).slice(1, -1));
  return {
    headers: { 'content-type': NDJSON_CONTENT_TYPE },
    start() {
      firstAt = performance.now();
      return '';
    },
    content(piece) {
      if (plan.toolCall === undefined) return line(text(piece), '"done":false');
      args += piece;
      return '';
    },
    finish: () => (plan.toolCall === undefined ? done() : line(JSON.stringify(messageOf(plan, args)), '"done":false') + done()),
  };
}

function assistant(content: string): { role: 'assistant'; content: string } {
  return { role: 'assistant', content };
}

/** The answer's message: text, or for a tool call the call with its arguments as an object. */
function messageOf(plan: CompletionPlan, content: string): Record<string, unknown> {
  if (plan.toolCall === undefined) return assistant(content);
  return { role: 'assistant', content: '', tool_calls: [{ function: { name: plan.toolCall.name, arguments: JSON.parse(content) as unknown } }] };
}

function loadAnswer(model: string, doneReason: 'load' | 'unload', stream: boolean): WireAnswer {
  const body = JSON.stringify({
    model,
    created_at: new Date().toISOString(),
    message: assistant(''),
    done_reason: doneReason,
    done: true,
  });
  return stream ? { status: 200, body: `${body}\n`, contentType: NDJSON_CONTENT_TYPE } : { status: 200, body };
}

/**
 * The final object's fields. Durations are the mock's own wall-clock time in
 * nanoseconds, each at least 1 so that clients can compute rates: until the
 * first streamed piece counts as prompt evaluation, the rest as generation;
 * a non-streamed answer splits its time in proportion to the token counts.
 */
function doneFields(plan: CompletionPlan, firstAt: number | undefined) {
  // Ollama reports a finished tool call as a plain stop.
  const doneReason = plan.finishReason === 'length' ? 'length' : 'stop';
  const now = performance.now();
  const total = Math.max(2, Math.round((now - plan.startedAt) * 1e6));
  const { prompt_tokens: promptTokens, completion_tokens: completionTokens } = plan.usage;
  const promptShare =
    firstAt !== undefined
      ? (firstAt - plan.startedAt) / Math.max(now - plan.startedAt, Number.MIN_VALUE)
      : promptTokens / Math.max(1, promptTokens + completionTokens);
  const promptEval = Math.min(total - 1, Math.max(1, Math.round(total * promptShare)));
  return {
    done: true,
    done_reason: doneReason,
    total_duration: total,
    load_duration: 0,
    prompt_eval_count: promptTokens,
    prompt_eval_duration: promptEval,
    eval_count: completionTokens,
    eval_duration: total - promptEval,
  };
}

/** `options.num_predict`; Ollama reads -1 and -2 as "no limit". */
function numPredictOf(options: unknown): number | undefined {
  if (options === null || typeof options !== 'object') return undefined;
  const value = (options as { num_predict?: unknown }).num_predict;
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : undefined;
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** keep_alive as Ollama reads it: a number of seconds or a Go duration string; negative keeps the model forever. */
function keepAliveOf(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1000;
  if (typeof value !== 'string' || value.trim() === '') return DEFAULT_KEEP_ALIVE_MS;
  const text = value.trim();
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const negative = text.startsWith('-');
  let ms = 0;
  let matched = '';
  for (const [part, amount, unit] of text.replace(/^[-+]/, '').matchAll(DURATION_PART)) {
    ms += Number(amount) * (UNIT_MS[unit ?? 's'] ?? 1000);
    matched += part;
  }
  if (matched !== text.replace(/^[-+]/, '')) return DEFAULT_KEEP_ALIVE_MS;
  return negative ? -ms : ms;
}

function statusMessage(status: number): string {
  if (status === 429) return 'too many requests (mock upstream)';
  if (status === 401) return 'unauthorized (mock upstream)';
  if (status === 404) return `model '${MOCK_MODEL_ID}' not found (mock upstream)`;
  if (status >= 500) return `internal server error (mock upstream status ${status})`;
  return `mock upstream was asked to fail with status ${status}`;
}
