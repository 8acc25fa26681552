import { checkChatRequest, INVALID_JSON_BODY } from './chat-request';
import {
  ChunkWriter,
  chatCompletionBody,
  errorBody,
  MALFORMED_JSON_BODY,
  MALFORMED_STREAM_BODY,
  modelsListBody,
  STREAM_DONE,
  statusErrorBody,
} from './openai-wire';
import { type CompletionPlan, cachedByStatus, type MockWire, type StreamEncoder, type WireAnswer } from './wire';

/** Groq serves the OpenAI format unchanged under this prefix (groq-sdk appends it to its base URL). */
export const GROQ_PATH_PREFIX = '/openai';

const CHAT_PATH = '/v1/chat/completions';
const MODELS_PATH = '/v1/models';
const SSE_CONTENT_TYPE = 'text/event-stream; charset=utf-8';

const requestIdOf = (plan: CompletionPlan): string => `req_${plan.id.slice(9)}`;

/** OpenAI Chat Completions, also answering Groq's paths. */
export function createOpenAIWire(): MockWire {
  const models: WireAnswer = { status: 200, body: modelsListBody(Math.floor(Date.now() / 1000)) };
  const listModels = (): WireAnswer => models;
  return {
    name: 'openai',
    chatPaths: [CHAT_PATH, GROQ_PATH_PREFIX + CHAT_PATH],
    getAnswers: { [MODELS_PATH]: listModels, [GROQ_PATH_PREFIX + MODELS_PATH]: listModels },
    parse(body) {
      const check = checkChatRequest(body);
      return check.ok ? check : { ok: false, answer: { status: 400, body: check.errorBody } };
    },
    invalidJson: { status: 400, body: INVALID_JSON_BODY },
    bodyTooLarge: {
      status: 413,
      body: errorBody({ message: 'Request body too large for the mock upstream.', type: 'invalid_request_error' }),
    },
    statusError: cachedByStatus((status) => ({ status, body: statusErrorBody(status) })),
    malformed: (stream) =>
      stream
        ? { status: 200, body: MALFORMED_STREAM_BODY, contentType: SSE_CONTENT_TYPE, headers: { 'cache-control': 'no-cache' } }
        : { status: 200, body: MALFORMED_JSON_BODY },
    completion(plan) {
      const { request } = plan;
      return {
        status: 200,
        body: chatCompletionBody({
          id: plan.id,
          created: plan.created,
          model: request.model,
          content: plan.content,
          toolCall: plan.toolCall,
          finishReason: plan.finishReason,
          choices: request.n,
          usage: plan.usage,
        }),
        headers: { 'x-request-id': requestIdOf(plan) },
      };
    },
    streamEncoder: openAIStream,
  };
}

/** Role, content, finish, optional usage and [DONE] events. */
function openAIStream(plan: CompletionPlan): StreamEncoder {
  const { request, toolCall } = plan;
  const writer = new ChunkWriter(plan.id, plan.created, request.model, request.includeUsage);
  return {
    headers: { 'content-type': SSE_CONTENT_TYPE, 'cache-control': 'no-cache', 'x-request-id': requestIdOf(plan) },
    start() {
      let out = '';
      for (let choice = 0; choice < request.n; choice++) out += toolCall === undefined ? writer.role(choice) : writer.toolCallStart(choice, toolCall);
      return out;
    },
    content(piece) {
      let out = '';
      for (let choice = 0; choice < request.n; choice++)
        out += toolCall === undefined ? writer.content(choice, piece) : writer.toolCallArguments(choice, piece);
      return out;
    },
    finish() {
      let out = '';
      for (let choice = 0; choice < request.n; choice++) out += writer.finish(choice, plan.finishReason);
      if (request.includeUsage) out += writer.usage(plan.usage);
      return out + STREAM_DONE;
    },
  };
}
