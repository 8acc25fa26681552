import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_REQUEST_CHOICE_COUNT,
  ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY,
  ATTR_GEN_AI_REQUEST_SEED,
  ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_P,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
} from '@opentelemetry/semantic-conventions/incubating';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, CompletionUsage } from '@switchyard/contracts';
import { type Attributes, capturesMessageContent, endSpanWithError, errorType, type Span, startClientSpan, tracingStarted } from '@switchyard/observability';
import type { GenerateParams, ProviderAdapter } from '@switchyard/providers';
import { type UpstreamIdentity, upstreamAttributes } from './upstream-identity';

/** What one provider call came to, for the GenAI client metrics. */
export interface ProviderCallOutcome {
  upstream: UpstreamIdentity;
  requestModel: string;
  responseModel?: string;
  /** The error's code when the call failed. */
  errorType?: string;
  durationS: number;
  /** Streams only: seconds until the first chunk. */
  firstChunkS?: number;
  usage?: CompletionUsage;
}

/** How a request ended on the route that answered it (or failed it), for Switchyard's own metrics. */
export interface RequestEnd {
  provider: string;
  status: string;
  /** Provider calls it took across its routes: retries and fallbacks included. */
  attempts: number;
  /** Null when the route has no price. */
  costUsd: number | null;
}

export interface ProviderCallMetrics {
  providerCall(outcome: ProviderCallOutcome): void;
  requestEnded(end: RequestEnd): void;
}

/** Usage details some upstreams report beyond OpenAI's three counts. */
interface UsageDetails {
  prompt_tokens_details?: { cached_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
}

function requestAttributes(upstream: UpstreamIdentity, { model, request }: GenerateParams, stream: boolean): Attributes {
  const attributes: Attributes = {
    ...upstreamAttributes(upstream),
    [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_CHAT,
    [ATTR_GEN_AI_REQUEST_MODEL]: model,
    [ATTR_GEN_AI_REQUEST_STREAM]: stream,
  };
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens != null) attributes[ATTR_GEN_AI_REQUEST_MAX_TOKENS] = maxTokens;
  if (request.temperature != null) attributes[ATTR_GEN_AI_REQUEST_TEMPERATURE] = request.temperature;
  if (request.top_p != null) attributes[ATTR_GEN_AI_REQUEST_TOP_P] = request.top_p;
  if (request.seed != null) attributes[ATTR_GEN_AI_REQUEST_SEED] = request.seed;
  if (request.n != null) attributes[ATTR_GEN_AI_REQUEST_CHOICE_COUNT] = request.n;
  if (request.presence_penalty != null) attributes[ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY] = request.presence_penalty;
  if (request.frequency_penalty != null) attributes[ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY] = request.frequency_penalty;
  if (request.stop != null) attributes[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (capturesMessageContent()) attributes[ATTR_GEN_AI_INPUT_MESSAGES] = JSON.stringify(inputMessages(request));
  return attributes;
}

/** The semantic conventions' message shape: a role and its parts. */
function inputMessages(request: ChatCompletionRequest): unknown[] {
  return request.messages.map((message) => ({ role: message.role, parts: partsOf(message.content) }));
}

/** Text parts as text; any other part (an image, audio, a file) by its type only, never its data. */
function partsOf(content: unknown): { type: string; content?: string }[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  return content.map((part: { type: string; text?: string }) =>
    part.type === 'text' && typeof part.text === 'string' ? { type: 'text', content: part.text } : { type: part.type },
  );
}

function setUsage(span: Span, usage: CompletionUsage | null | undefined): void {
  if (usage == null) return;
  span.setAttribute(ATTR_GEN_AI_USAGE_INPUT_TOKENS, usage.prompt_tokens);
  span.setAttribute(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, usage.completion_tokens);
  const details = usage as CompletionUsage & UsageDetails;
  const cached = details.prompt_tokens_details?.cached_tokens;
  if (typeof cached === 'number') span.setAttribute(ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, cached);
  const reasoning = details.completion_tokens_details?.reasoning_tokens;
  if (typeof reasoning === 'number') span.setAttribute(ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, reasoning);
}

function setCompletion(span: Span, completion: ChatCompletion): void {
  span.setAttribute(ATTR_GEN_AI_RESPONSE_ID, completion.id);
  span.setAttribute(ATTR_GEN_AI_RESPONSE_MODEL, completion.model);
  span.setAttribute(
    ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
    completion.choices.map((choice) => choice.finish_reason ?? ''),
  );
  setUsage(span, completion.usage);
  if (capturesMessageContent()) {
    const output = completion.choices.map((choice) => ({
      role: choice.message.role,
      parts: [{ type: 'text', content: choice.message.content ?? '' }],
      finish_reason: choice.finish_reason,
    }));
    span.setAttribute(ATTR_GEN_AI_OUTPUT_MESSAGES, JSON.stringify(output));
  }
}

/**
 * The adapter with every call in a CLIENT span `chat {model}` under the
 * job's span, so that each attempt (a retry, a fallback route, a structured
 * re-ask) is its own span, and with the GenAI client metrics. With tracing
 * off and no metrics, the adapter itself comes back: nothing is added to
 * the call path.
 */
export function tracedAdapter(adapter: ProviderAdapter, upstream: UpstreamIdentity, metrics: ProviderCallMetrics | undefined): ProviderAdapter {
  if (!tracingStarted() && metrics === undefined) return adapter;
  const open = (params: GenerateParams, stream: boolean) => startClientSpan(`chat ${params.model}`, () => requestAttributes(upstream, params, stream));

  const generate = async (params: GenerateParams): Promise<ChatCompletion> => {
    const span = open(params, false);
    const started = performance.now();
    try {
      const completion = await adapter.generate(params);
      if (span !== undefined) {
        setCompletion(span, completion);
        span.end();
      }
      metrics?.providerCall({
        upstream,
        requestModel: params.model,
        responseModel: completion.model,
        durationS: (performance.now() - started) / 1000,
        ...(completion.usage === undefined ? {} : { usage: completion.usage }),
      });
      return completion;
    } catch (error) {
      if (span !== undefined) endSpanWithError(span, error);
      metrics?.providerCall({ upstream, requestModel: params.model, errorType: errorType(error), durationS: (performance.now() - started) / 1000 });
      throw error;
    }
  };

  async function* stream(params: GenerateParams): AsyncIterable<ChatCompletionChunk> {
    const span = open(params, true);
    const started = performance.now();
    let firstChunkS: number | undefined;
    let last: ChatCompletionChunk | undefined;
    let usage: CompletionUsage | undefined;
    const finishReasons: string[] = [];
    let failed = false;
    try {
      for await (const chunk of adapter.stream(params)) {
        if (firstChunkS === undefined) {
          firstChunkS = (performance.now() - started) / 1000;
          span?.setAttribute(ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, firstChunkS);
        }
        last = chunk;
        if (chunk.usage) usage = chunk.usage;
        for (const choice of chunk.choices) if (choice.finish_reason != null) finishReasons[choice.index] = choice.finish_reason;
        yield chunk;
      }
    } catch (error) {
      failed = true;
      if (span !== undefined) endSpanWithError(span, error);
      metrics?.providerCall({
        upstream,
        requestModel: params.model,
        errorType: errorType(error),
        durationS: (performance.now() - started) / 1000,
        ...(firstChunkS === undefined ? {} : { firstChunkS }),
      });
      throw error;
    } finally {
      // Also reached when the consumer stops early (a cancel): the span still ends.
      if (!failed) {
        if (span !== undefined) {
          if (last !== undefined) {
            span.setAttribute(ATTR_GEN_AI_RESPONSE_ID, last.id);
            span.setAttribute(ATTR_GEN_AI_RESPONSE_MODEL, last.model);
          }
          span.setAttribute(
            ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
            Array.from(finishReasons, (reason) => reason ?? ''),
          );
          setUsage(span, usage);
          span.end();
        }
        metrics?.providerCall({
          upstream,
          requestModel: params.model,
          ...(last === undefined ? {} : { responseModel: last.model }),
          durationS: (performance.now() - started) / 1000,
          ...(firstChunkS === undefined ? {} : { firstChunkS }),
          ...(usage === undefined ? {} : { usage }),
        });
      }
    }
  }

  // Everything else goes to the adapter itself, bound to it (adapters may keep private fields).
  return new Proxy(adapter, {
    get(target, key) {
      if (key === 'generate') return generate;
      if (key === 'stream') return stream;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
