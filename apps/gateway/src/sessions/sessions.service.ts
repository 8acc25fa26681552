import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AsyncJobs } from '@switchyard/async-jobs';
import { asyncJobFrom, newAsyncJobId } from '@switchyard/async-jobs';
import type { ModelCatalog, RoutingConfig } from '@switchyard/config';
import {
  type AsyncJobView,
  type CallerIdentity,
  type ChatCompletionRequest,
  type CreateSessionRequest,
  InvalidRequestError,
  isSessionId,
  NotFoundError,
  SessionBusyError,
  SessionEndedError,
  type SessionList,
  type SessionListQuery,
  type SessionMessageRequest,
  type SessionObject,
  type SessionWithHistory,
} from '@switchyard/contracts';
import { buildRejectedRecord, type UsageSink } from '@switchyard/database';
import { injectTraceContext } from '@switchyard/observability';
import { type PromptResolver, renderPromptedRequest } from '@switchyard/prompts';
import type { ChatJobSubmitter, ReplyMessage, SubmitChatJob } from '@switchyard/queue';
import type { SessionRepository, SessionState } from '@switchyard/sessions';
import { SseRelay } from '../chat/sse-relay';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { ASYNC_JOBS, CHAT_JOBS, METRICS, MODEL_CATALOG, PROMPT_RESOLVER, ROUTING_CONFIG, SESSIONS, USAGE } from '../tokens';
import { sessionObject, sessionTurnView } from './session-object';

/** The session store and its Redis state, as the gateway holds them. */
export interface GatewaySessions {
  repository: SessionRepository;
  state: SessionState;
}

const DEFAULT_IDLE_TTL_SECONDS = 24 * 3600;

export type TurnOutcome =
  | { kind: 'answer'; jobId: string; reply: ReplyMessage }
  | { kind: 'stream'; jobId: string; relay: SseRelay }
  | { kind: 'job'; view: AsyncJobView };

/** Parameters of a turn that go to the model as they are. */
const PASSED_ON = [
  'temperature',
  'top_p',
  'max_completion_tokens',
  'max_tokens',
  'stop',
  'seed',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'user',
  'stream_options',
] as const;

@Injectable()
export class SessionsService {
  constructor(
    @Inject(SESSIONS) private readonly sessions: GatewaySessions,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
    @Inject(CHAT_JOBS) private readonly chatJobs: ChatJobSubmitter,
    @Inject(ASYNC_JOBS) private readonly asyncJobs: AsyncJobs,
    @Inject(PROMPT_RESOLVER) private readonly prompts: PromptResolver,
    @Inject(ROUTING_CONFIG) private readonly config: RoutingConfig,
    @Inject(METRICS) private readonly metrics: GatewayMetrics,
    @Inject(USAGE) private readonly usage: UsageSink,
  ) {}

  /**
   * A stored prompt is rendered once, here: its system messages become the
   * session's system prompt (the caller's `system` follows them) and its
   * model the session's, unless the caller named one.
   */
  async create(caller: CallerIdentity, body: CreateSessionRequest): Promise<SessionObject> {
    const id = `sess_${randomUUID().replaceAll('-', '')}`;
    let model = body.model;
    const system: string[] = [];
    let prompt: { name: string; version: number } | undefined;
    if (body.prompt !== undefined) {
      const rendered = await renderPromptedRequest(
        this.prompts,
        { prompt: body.prompt, ...(body.model === undefined ? {} : { model: body.model }) },
        { tenant: caller.tenant, stickinessKey: id, publicModelOf: (name) => this.publicModelOf(name) },
      );
      for (const message of rendered.request.messages) {
        if ((message.role !== 'system' && message.role !== 'developer') || typeof message.content !== 'string') {
          throw new InvalidRequestError(
            `Prompt '${body.prompt.name}' renders ${message.role} messages; a session's prompt must render its system prompt only.`,
            {
              param: 'prompt',
            },
          );
        }
        system.push(message.content);
      }
      model = rendered.request.model;
      prompt = { name: rendered.prompt.name, version: rendered.prompt.version };
    }
    if (body.system !== undefined) system.push(body.system);
    // The caller's own system prompt was checked with the body; a NUL here came from the prompt's variables.
    if (system.some((part) => part.includes('\u0000')))
      throw new InvalidRequestError("The rendered prompt contains the NUL character (\\u0000), which a session's system prompt cannot hold.", {
        param: 'prompt.variables',
      });
    if (model === undefined) throw new InvalidRequestError('Give "model", or a prompt whose version names one.', { param: 'model' });
    // Refused now rather than at the first turn: an unknown model is the caller's mistake.
    this.catalog.resolve(model);
    const row = await this.sessions.repository.create({
      id,
      tenant: caller.tenant,
      keyId: caller.keyId,
      model,
      system: system.length === 0 ? null : system.join('\n\n'),
      promptName: prompt?.name ?? null,
      promptVersion: prompt?.version ?? null,
      windowMaxMessages: body.window?.max_messages ?? null,
      windowMaxTokens: body.window?.max_tokens ?? null,
      metadata: body.metadata ?? {},
      idleTtlSeconds: body.idle_ttl_seconds ?? DEFAULT_IDLE_TTL_SECONDS,
    });
    // The first turn then finds its state in Redis; a failure here only costs that turn a database read.
    await this.sessions.state.created(row).catch(() => undefined);
    return sessionObject(row);
  }

  async get(caller: CallerIdentity, id: string, page: { limit: number; after?: number | undefined }): Promise<SessionWithHistory> {
    if (!isSessionId(id)) throw sessionNotFound(id);
    const row = await this.sessions.repository.get(caller.tenant, id);
    if (row === undefined) throw sessionNotFound(id);
    const stored = await this.sessions.repository.history(id, { limit: page.limit + 1, ...(page.after === undefined ? {} : { after: page.after }) });
    // Turns reach PostgreSQL a moment after they are committed: the cached window has the newest ones already.
    const cached = await this.sessions.state.cachedTurns(id).catch(() => []);
    const lastStored = stored.at(-1)?.turn ?? page.after ?? 0;
    const fresh = cached.filter((turn) => turn.turn > lastStored).map((turn) => ({ ...turn, createdAt: new Date(turn.at) }));
    const turns = [...stored, ...fresh];
    const shown = turns.slice(0, page.limit);
    const hasMore = turns.length > page.limit;
    const known = Math.max(row.turns, cached.at(-1)?.turn ?? 0);
    return {
      ...sessionObject({ ...row, turns: known }),
      history: { data: shown.map(sessionTurnView), has_more: hasMore, next_after: hasMore ? (shown[shown.length - 1]?.turn ?? null) : null },
    };
  }

  async list(caller: CallerIdentity, query: SessionListQuery): Promise<SessionList> {
    const rows = await this.sessions.repository.list(caller.tenant, {
      limit: query.limit + 1,
      ...(query.status === undefined ? {} : { status: query.status }),
      ...(query.after === undefined ? {} : { after: query.after }),
    });
    const shown = rows.slice(0, query.limit);
    return { object: 'list', data: shown.map(sessionObject), has_more: rows.length > query.limit, last_id: shown[shown.length - 1]?.id ?? null };
  }

  async end(caller: CallerIdentity, id: string): Promise<SessionObject> {
    if (!isSessionId(id)) throw sessionNotFound(id);
    const row = await this.sessions.repository.end(caller.tenant, id);
    if (row === undefined) throw sessionNotFound(id);
    await this.sessions.state.markEnded(id, row.status);
    return sessionObject(row);
  }

  /**
   * One turn: a ticket in the session's order (one Redis round trip, which
   * also says whether the session is this tenant's and still active), then
   * the turn's job on its provider's queue. The worker puts the window in
   * front of the input when the turns ahead have ended.
   */
  async turn(caller: CallerIdentity, id: string, body: SessionMessageRequest, ids: { jobId: string; requestId: string }): Promise<TurnOutcome> {
    const receivedAt = Date.now();
    // A turn refused here has its usage row written here, as a chat request would; from the queue on, its worker writes it.
    const refuse = (error: unknown, sessionId?: string): never => {
      this.usage.record(
        buildRejectedRecord({ jobId: ids.jobId, requestId: ids.requestId, caller, body, error, receivedAt, ...(sessionId === undefined ? {} : { sessionId }) }),
      );
      throw error;
    };
    if (body.stream === true && body.response_format !== undefined && body.response_format.type !== 'text') {
      refuse(new InvalidRequestError('A session turn with a JSON response_format is not streamed; leave "stream" out.', { param: 'stream' }), id);
    }
    // An id no session can have is not looked up: its characters may be ones the stores refuse.
    if (!isSessionId(id)) return refuse(sessionNotFound(id));
    const entry = await this.sessions.state.enter(id, caller.tenant, body.wait !== false).catch(refuse);
    // Another tenant's session is not named in this tenant's rows.
    if (entry.kind === 'gone') return refuse(sessionNotFound(id));
    if (entry.kind === 'ended') return refuse(new SessionEndedError(id, entry.status), id);
    if (entry.kind === 'busy') return refuse(new SessionBusyError(id), id);
    const session = { id, ticket: entry.ticket };
    // Once the job is on its queue its worker ends the turn, and gives the ticket back if it fails.
    let queued = false;
    try {
      const chain = this.catalog.resolveChain(entry.model);
      const request = this.requestOf(entry.model, body);
      const who = request.user === undefined ? caller : { ...caller, user: request.user };
      if (body.async === true || body.webhook !== undefined) {
        const jobId = newAsyncJobId(chain.route.provider);
        const job = asyncJobFrom(
          { request, ...(body.webhook === undefined ? {} : { webhook: body.webhook }) },
          { jobId, requestId: jobId, route: chain.route, fallbacks: chain.fallbacks, caller: who, trace: injectTraceContext(), session },
        );
        const { view } = await this.asyncJobs.submit(job, () => '');
        queued = true;
        return { kind: 'job', view };
      }
      const job: SubmitChatJob = {
        jobId: ids.jobId,
        requestId: ids.requestId,
        route: chain.route,
        fallbacks: chain.fallbacks,
        request,
        caller: who,
        timeoutMs: this.config.gateway.requestTimeoutMs,
        trace: injectTraceContext(),
        session,
      };
      if (body.stream === true) {
        const relay = new SseRelay({
          jobId: ids.jobId,
          provider: chain.route.provider,
          model: chain.route.model,
          heartbeatMs: this.config.gateway.streamHeartbeatMs,
          maxBacklogBytes: this.config.gateway.streamMaxBacklogBytes,
          onAbandon: () => this.chatJobs.cancelStream(ids.jobId),
          onEnd: (outcome, answeredBy) => this.metrics.answered(chain.route.provider, answeredBy, outcome),
        });
        await this.chatJobs.submitStream(job, relay).catch((error: unknown) => {
          relay.error(error as Error);
          throw error;
        });
        queued = true;
        return { kind: 'stream', jobId: ids.jobId, relay };
      }
      const pending = await this.chatJobs.submit(job);
      queued = true;
      return { kind: 'answer', jobId: ids.jobId, reply: await pending.reply };
    } catch (error) {
      // Not queued (a bad parameter, the queue down): the ticket is given back so the next turn need not wait out its lease.
      if (queued) throw error;
      await this.sessions.state.release(id, entry.ticket).catch(() => undefined);
      return refuse(error, id);
    }
  }

  /** The caller left a sync turn: stop waiting (the worker still writes the turn). */
  abandon(jobId: string): void {
    this.chatJobs.abandon(jobId);
  }

  private requestOf(model: string, body: SessionMessageRequest): ChatCompletionRequest {
    const request: Record<string, unknown> = { model, messages: body.messages };
    for (const field of PASSED_ON) if (body[field] !== undefined && body[field] !== null) request[field] = body[field];
    if (body.stream === true) request.stream = true;
    return request as ChatCompletionRequest;
  }

  private publicModelOf(name: string): string | undefined {
    try {
      return this.catalog.resolve(name).publicModel;
    } catch {
      return undefined;
    }
  }
}

function sessionNotFound(id: string): NotFoundError {
  return new NotFoundError(`No session with id '${id}'.`);
}
