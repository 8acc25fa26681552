import type { ModelCatalog, RouteChain } from '@switchyard/config';
import {
  type CallerIdentity,
  type ChatCompletionBody,
  type ChatCompletionRequest,
  isPromptedRequest,
  type ParsedAsyncJobRequest,
  type PromptReference,
  parseAsyncJobBody,
  parseChatCompletionBody,
} from '@switchyard/contracts';
import { type PromptResolver, renderPromptedRequest, stickinessKey } from '@switchyard/prompts';
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

/** Sends a name to its route: at most once per request, whoever asks first (rendering a prompt, or the handler). */
export type RouteOnce = (model: string) => RouteChain;

/**
 * A body that runs a model, validated (and rendered, when it names a stored
 * prompt) and then routed at most once per request: the key's charge
 * estimate (before the handler, for keys with token or budget limits) and
 * the handler share the work, and the deployment picked where a model has
 * several. Each step gives every caller the same value, or the same error.
 */
export class RoutedRequest<T> {
  private parsed: Promise<T> | undefined;
  private routed: Outcome<RouteChain> | undefined;

  constructor(
    private readonly parse: (route: RouteOnce) => T | Promise<T>,
    private readonly modelOf: (parsed: T) => string,
    private readonly resolveChain: (model: string) => RouteChain,
  ) {}

  /** The body as validated (and rendered). */
  body(): Promise<T> {
    if (this.parsed === undefined) {
      // Run at once, so a body without a prompt is validated (and refused) without waiting on anything.
      const parsed = attempt(() => this.parse(this.routeOnce));
      this.parsed = parsed.ok ? Promise.resolve(parsed.value) : Promise.reject(parsed.error);
      // Every asker awaits it; this only keeps an unasked failure from being reported as unhandled.
      this.parsed.catch(() => undefined);
    }
    return this.parsed;
  }

  /** The model's route (or the deployment `x-switchyard-provider` pins) and its fallbacks. */
  async chain(): Promise<RouteChain> {
    return this.routeOnce(this.modelOf(await this.body()));
  }

  private readonly routeOnce: RouteOnce = (model) => {
    this.routed ??= attempt(() => this.resolveChain(model));
    return settle(this.routed);
  };
}

/** What routing a body needs: the model catalog, and where stored prompts are read. */
export interface RequestRouting {
  catalog: ModelCatalog;
  prompts: PromptResolver;
}

/** A chat request ready for its job: its messages rendered from the prompt it named, if it named one. */
export interface PreparedChat {
  request: ChatCompletionRequest;
  prompt?: PromptReference;
}

/** A `POST /v1/jobs` body ready for its job. */
export type PreparedAsyncJob = ParsedAsyncJobRequest & { prompt?: PromptReference };

/** What the gateway reads of an HTTP request (a Fastify request is one); its routed body is kept on it. */
export interface IncomingRequest {
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  routedChat?: RoutedRequest<PreparedChat>;
  routedAsyncJob?: RoutedRequest<PreparedAsyncJob>;
}

/** The chat request of a body, rendered from its prompt when it names one (a database read, cached). */
function prepare(
  body: ChatCompletionBody,
  incoming: IncomingRequest,
  routing: RequestRouting,
  caller: CallerIdentity,
  route: RouteOnce,
): PreparedChat | Promise<PreparedChat> {
  // A JSON Schema Ajv cannot compile is refused here, a 400, rather than by a worker after queueing.
  if (!isPromptedRequest(body)) return { request: withUsableResponseFormat(body) };
  const session = incoming.headers['x-switchyard-session-id'];
  return renderPromptedRequest(routing.prompts, body, {
    tenant: caller.tenant,
    stickinessKey: stickinessKey({ session: typeof session === 'string' ? session : undefined, user: body.user, keyId: caller.keyId }),
    publicModelOf: (model) => {
      try {
        return route(model).route.publicModel;
      } catch {
        return undefined;
      }
    },
  }).then((prepared) => ({ ...prepared, request: withUsableResponseFormat(prepared.request) }));
}

/** The body of `POST /v1/chat/completions`, validated, rendered and routed once per request. */
export function routedChat(request: IncomingRequest, routing: RequestRouting, caller: CallerIdentity): RoutedRequest<PreparedChat> {
  request.routedChat ??= new RoutedRequest(
    (route) => prepare(parseChatCompletionBody(request.body), request, routing, caller, route),
    (chat) => chat.request.model,
    (model) => routing.catalog.resolveChain(model, providerOverride(request.headers)),
  );
  return request.routedChat;
}

/** The body of `POST /v1/jobs`, validated, rendered and routed once per request. */
export function routedAsyncJob(request: IncomingRequest, routing: RequestRouting, caller: CallerIdentity): RoutedRequest<PreparedAsyncJob> {
  request.routedAsyncJob ??= new RoutedRequest(
    (route) => {
      const parsed = parseAsyncJobBody(request.body);
      const chat = prepare(parsed.request, request, routing, caller, route);
      const withRequest = (prepared: PreparedChat): PreparedAsyncJob => ({ ...parsed, ...prepared });
      return chat instanceof Promise ? chat.then(withRequest) : withRequest(chat);
    },
    (job) => job.request.model,
    (model) => routing.catalog.resolveChain(model, providerOverride(request.headers)),
  );
  return request.routedAsyncJob;
}
