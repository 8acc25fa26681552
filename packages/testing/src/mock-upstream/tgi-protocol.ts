/**
 * HuggingFace Text Generation Inference's native API: `POST /generate`,
 * `POST /generate_stream` (server-sent events) and `GET /info`. TGI's Messages
 * API is the OpenAI wire at /v1/chat/completions and needs nothing here.
 *
 * TGI serves one model and its body has no model field; a client that adds
 * `model` anyway (TGI ignores unknown fields) gets the directives of that id,
 * and one that does not gets the server's default behaviour.
 */

import type { ChatRequest } from './chat-request';
import { MOCK_MODEL_ID } from './mock-behaviour';
import { type ChatMessageLike, MALFORMED_JSON_BODY } from './openai-wire';
import { tgiGrammarAsk } from './structured-ask';
import { type ChatRoute, type CompletionPlan, cachedByStatus, jsonAnswer, type MockWire, type StreamEncoder, type WireAnswer } from './wire';

export const TGI_MOCK_MAX_INPUT_TOKENS = 4095;
export const TGI_MOCK_MAX_TOTAL_TOKENS = 4096;
export const TGI_MOCK_VERSION = '3.3.4';

const SSE_CONTENT_TYPE = 'text/event-stream';
const BOS = { id: 1, text: '<s>', logprob: null };
const EOS_ID = 2;

/** What the TGI wire reads beyond the shared request fields; the same object reaches the encoder. */
interface TgiRequest extends ChatRequest {
  details: boolean;
  decoderInputDetails: boolean;
  seed: number | null;
}

type ErrorType = 'validation' | 'generation' | 'overloaded' | 'incomplete_generation' | 'unhealthy' | 'client';

function error(status: number, message: string, errorType: ErrorType): WireAnswer {
  return jsonAnswer(status, { error: message, error_type: errorType });
}

const invalid = (message: string): { ok: false; answer: WireAnswer } => ({
  ok: false,
  answer: error(422, `Input validation error: ${message}`, 'validation'),
});

/** TGI's own statuses keep its own texts; the others come from whatever fronts it (a proxy, an endpoint). */
function statusError(status: number): WireAnswer {
  if (status === 422 || status === 400) return error(status, 'Input validation error: mock upstream was asked to fail', 'validation');
  if (status === 424) return error(status, 'Request failed during generation: mock upstream was asked to fail', 'generation');
  if (status === 429) return error(status, 'Model is overloaded', 'overloaded');
  if (status === 500) return error(status, 'Incomplete generation (mock upstream status 500)', 'incomplete_generation');
  if (status > 500) return error(status, `unhealthy (mock upstream status ${status})`, 'unhealthy');
  return error(status, `mock upstream was asked to fail with status ${status}`, 'client');
}

const IM_START = '<|im_start|>';
const IM_END = '<|im_end|>';

/**
 * Reads back the ChatML prompt a client built from chat messages, so that the
 * echo and the prompt token count are those of the other wires. The open
 * assistant turn at the end is the generation prompt, not a message; a prompt
 * that is not ChatML counts as one user message.
 */
export function messagesOfPrompt(prompt: string): ChatMessageLike[] {
  if (!prompt.startsWith(IM_START)) return [{ role: 'user', content: prompt }];
  const messages: ChatMessageLike[] = [];
  for (const turn of prompt.split(IM_START).slice(1)) {
    const end = turn.indexOf(IM_END);
    if (end === -1) continue;
    const newline = turn.indexOf('\n');
    if (newline === -1 || newline > end) continue;
    messages.push({ role: turn.slice(0, newline), content: turn.slice(newline + 1, end) });
  }
  return messages;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function tgiFinishReason(plan: CompletionPlan): 'length' | 'eos_token' {
  return plan.finishReason === 'length' ? 'length' : 'eos_token';
}

// With decoder_input_details TGI lists the prompt's tokens, BOS first and without a logprob.
function prefill(plan: CompletionPlan): unknown[] {
  const tokens: unknown[] = [];
  for (let i = 0; i < plan.usage.prompt_tokens; i++) tokens.push(i === 0 ? BOS : { id: 100 + i, text: '<tok>', logprob: -1.5 });
  return tokens;
}

function generatedTokens(plan: CompletionPlan): unknown[] {
  return plan.pieces.map((text, i) => ({ id: 1000 + i, text, logprob: -0.1, special: false }));
}

export function createTgiWire(): MockWire {
  return {
    name: 'tgi',
    matchChatPath(path): ChatRoute | undefined {
      if (path === '/generate') return { stream: false };
      if (path === '/generate_stream') return { stream: true };
      return undefined;
    },
    getAnswers: {
      '/info': () =>
        jsonAnswer(200, {
          model_id: MOCK_MODEL_ID,
          model_sha: null,
          model_pipeline_tag: 'text-generation',
          max_concurrent_requests: 128,
          max_best_of: 2,
          max_stop_sequences: 4,
          max_input_tokens: TGI_MOCK_MAX_INPUT_TOKENS,
          max_total_tokens: TGI_MOCK_MAX_TOTAL_TOKENS,
          validation_workers: 2,
          max_client_batch_size: 4,
          router: 'text-generation-router',
          version: TGI_MOCK_VERSION,
          sha: null,
          docker_label: null,
        }),
    },
    parse(body, route) {
      if (!isObject(body)) return invalid('expected a JSON object');
      const inputs = body.inputs;
      if (typeof inputs !== 'string') return invalid('`inputs` must be a string');
      if (inputs.trim() === '') return invalid('`inputs` cannot be empty');
      const parameters = body.parameters ?? {};
      if (!isObject(parameters)) return invalid('`parameters` must be an object');
      let maxTokens: number | undefined;
      if (parameters.max_new_tokens !== undefined && parameters.max_new_tokens !== null) {
        const value = parameters.max_new_tokens;
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) return invalid('`max_new_tokens` must be strictly positive');
        maxTokens = value;
      }
      const stream = route.stream === true;
      const decoderInputDetails = parameters.decoder_input_details === true;
      if (stream && decoderInputDetails) return invalid('`decoder_input_details` == true is not supported when streaming tokens');
      const request: TgiRequest = {
        model: typeof body.model === 'string' && body.model !== '' ? body.model : MOCK_MODEL_ID,
        messages: messagesOfPrompt(inputs),
        stream,
        includeUsage: false,
        n: 1,
        maxTokens,
        details: parameters.details === true,
        decoderInputDetails,
        seed: typeof parameters.seed === 'number' ? parameters.seed : null,
      };
      const structured = tgiGrammarAsk(parameters.grammar);
      if (structured !== undefined) request.structured = structured;
      return { ok: true, request };
    },
    invalidJson: error(422, 'Failed to deserialize the JSON body into the target type', 'validation'),
    bodyTooLarge: error(413, 'request body too large for the mock upstream', 'validation'),
    statusError: cachedByStatus(statusError),
    malformed: (stream) =>
      stream ? { status: 200, body: `data:${MALFORMED_JSON_BODY}\n\n`, contentType: SSE_CONTENT_TYPE } : { status: 200, body: MALFORMED_JSON_BODY },
    completion(plan) {
      const request = plan.request as TgiRequest;
      if (!request.details) return jsonAnswer(200, { generated_text: plan.content });
      return jsonAnswer(200, {
        generated_text: plan.content,
        details: {
          finish_reason: tgiFinishReason(plan),
          generated_tokens: plan.completionTokensPerChoice,
          seed: request.seed,
          prefill: request.decoderInputDetails ? prefill(plan) : [],
          tokens: generatedTokens(plan),
        },
      });
    },
    streamEncoder: tgiStream,
  };
}

/**
 * One event per piece, then a closing event with the end-of-sequence token (an
 * empty one for a truncated answer) that carries the whole text and details.
 */
function tgiStream(plan: CompletionPlan): StreamEncoder {
  const request = plan.request as TgiRequest;
  let index = 0;
  const event = (token: unknown, generatedText: string | null, details: unknown): string =>
    `data:${JSON.stringify({ index: ++index, token, generated_text: generatedText, details, top_tokens: null })}\n\n`;
  return {
    headers: { 'content-type': SSE_CONTENT_TYPE, 'cache-control': 'no-cache' },
    start: () => '',
    content: (piece) => event({ id: 1000 + index, text: piece, logprob: -0.1, special: false }, null, null),
    finish() {
      const eos = tgiFinishReason(plan) === 'eos_token';
      const token = eos ? { id: EOS_ID, text: '</s>', logprob: -0.1, special: true } : { id: 0, text: '', logprob: 0, special: true };
      const details = request.details
        ? { finish_reason: tgiFinishReason(plan), generated_tokens: plan.completionTokensPerChoice, seed: request.seed, input_length: plan.usage.prompt_tokens }
        : null;
      return event(token, plan.content, details);
    },
  };
}
