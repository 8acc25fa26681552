import type { ModelCatalog, RouteChain } from '@switchyard/config';
import { type ChatCompletionRequest, type ParsedAsyncJobRequest, parseAsyncJobRequest, parseChatCompletionRequest } from '@switchyard/contracts';
import { providerOverride } from './provider-override';
import { withUsableResponseFormat } from './structured-request';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

function attempt<T>(work: () => T): Outcome<T> {
  try {
    return { ok: true, value: work() };
  } catch (error) {
    return { ok: false, error };
  }
}

function settle<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw outcome.error;
}

/**
 * A body that runs a model, validated and then routed at most once per
 * request: the key's charge estimate (before the handler, for keys with
 * token or budget limits) and the handler share the work, and the
 * deployment picked where a model has several. Each step gives every caller
 * the same value, or throws the same error.
 */
export class RoutedRequest<T> {
  private parsed: Outcome<T> | undefined;
  private routed: Outcome<RouteChain> | undefined;

  constructor(
    private readonly parse: () => T,
    private readonly route: (parsed: T) => RouteChain,
  ) {}

  /** The body as validated. */
  body(): T {
    this.parsed ??= attempt(this.parse);
    return settle(this.parsed);
  }

  /** The model's route (or the deployment `x-switchyard-provider` pins) and its fallbacks. */
  chain(): RouteChain {
    this.routed ??= attempt(() => this.route(this.body()));
    return settle(this.routed);
  }
}

/** What the gateway reads of an HTTP request (a Fastify request is one); its routed body is kept on it. */
export interface IncomingRequest {
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  routedChat?: RoutedRequest<ChatCompletionRequest>;
  routedAsyncJob?: RoutedRequest<ParsedAsyncJobRequest>;
}

/** The body of `POST /v1/chat/completions`, validated and routed once per request. */
export function routedChat(request: IncomingRequest, catalog: ModelCatalog): RoutedRequest<ChatCompletionRequest> {
  request.routedChat ??= new RoutedRequest(
    () => withUsableResponseFormat(parseChatCompletionRequest(request.body)),
    (chat) => catalog.resolveChain(chat.model, providerOverride(request.headers)),
  );
  return request.routedChat;
}

/** The body of `POST /v1/jobs`, validated and routed once per request. */
export function routedAsyncJob(request: IncomingRequest, catalog: ModelCatalog): RoutedRequest<ParsedAsyncJobRequest> {
  request.routedAsyncJob ??= new RoutedRequest(
    () => {
      const job = parseAsyncJobRequest(request.body);
      withUsableResponseFormat(job.request);
      return job;
    },
    (job) => catalog.resolveChain(job.request.model, providerOverride(request.headers)),
  );
  return request.routedAsyncJob;
}
