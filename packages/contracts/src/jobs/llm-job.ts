import { z } from 'zod';
import { type ChatCompletion, type ChatCompletionRequest, type CompletionUsage, chatCompletionRequestSchema, type StructuredOutcome } from '../chat';
import type { SerializedError } from '../errors';

/** Who asked, as the gateway authenticated them. Never holds the key itself. */
export interface CallerIdentity {
  keyId: string;
  tenant: string;
  user?: string;
  /**
   * What this request's key was charged up front (estimated tokens and cost)
   * under per-key token or budget limits: whoever ends the request settles it
   * with the real usage.
   */
  charge?: KeyCharge;
}

/** Where routing sent the request: the public name and the provider's own id. */
export interface ResolvedRoute {
  publicModel: string;
  provider: string;
  model: string;
}

/** One route's outcome in a fallback chain: which provider, and why it was left. */
export const routeAttemptSchema = z.object({
  provider: z.string(),
  model: z.string(),
  code: z.string(),
  /** Tries on this route, retries included. */
  attempts: z.number().int(),
  upstreamStatus: z.number().int().optional(),
});
export type RouteAttempt = z.infer<typeof routeAttemptSchema>;

/** The stored prompt a job's messages were rendered from: usage rows record it, so versions can be compared. */
export interface PromptReference {
  name: string;
  version: number;
  /** The model of the per-model variant used; null for the version's base template. */
  variant: string | null;
  /** The label that chose the version (a split's label included); null when the caller named the version. */
  label: string | null;
}

/**
 * The one definition of an LLM job, written by the gateway (or the client
 * package) and read by every worker. `v` lets a worker refuse a payload it
 * does not understand instead of misreading it.
 */
export interface LlmJobPayload {
  v: 1;
  kind: 'chat.completion';
  /** Echoed to the caller as x-request-id; equals the job id unless the caller sent one. */
  requestId: string;
  route: ResolvedRoute;
  request: ChatCompletionRequest;
  caller: CallerIdentity;
  /** Reply channel of the gateway instance holding the caller's connection. */
  replyTo?: string;
  /** Epoch ms after which nobody waits for the answer: a worker fails the job instead of calling upstream. */
  deadline?: number;
  enqueuedAt: number;
  /** W3C trace context, so one trace spans gateway → queue → worker → provider. */
  trace?: Record<string, string>;
  /** The first job's id when this job continues a fallback chain: replies and the usage row use it. */
  chainId?: string;
  /** Routes still to try, in order, when this one fails for good. */
  fallbacks?: ResolvedRoute[];
  /** Earlier routes of the chain and why each was left. */
  tried?: RouteAttempt[];
  /** Async jobs: where to report the outcome. */
  webhook?: { url: string; secret?: string };
  /** Batch lines: the batch, the line's place in the input and its custom id. */
  batch?: { id: string; line: number; customId: string };
  /** Set when `request.messages` were rendered from a stored prompt. */
  prompt?: PromptReference;
  /** The caller's own settings for a JSON response_format; the model's config decides what is left out. */
  structured?: StructuredRequestSettings;
  /** A session turn: `request.messages` are the turn's input until a worker puts the session's window in front of them. */
  session?: SessionTurnReference;
}

/**
 * Which session a job is a turn of, and its ticket: turns of one session run
 * in ticket order. `windowed` is set once a worker has put the window in
 * `request.messages` (a fallback job carries it, so the next route sees the
 * same window).
 */
export interface SessionTurnReference {
  id: string;
  ticket: number;
  windowed?: { inputFrom: number; windowStart: number };
}

/** How hard a worker tries to get a structured answer from one route. */
export interface StructuredRequestSettings {
  /** Times the model is re-asked, with the validation errors quoted, before the route counts as failed. */
  reasks?: number;
}

/** The most re-asks a caller or a model's config may ask for: each one is a whole extra call. */
export const MAX_STRUCTURED_REASKS = 5;

export interface KeyCharge {
  /** Epoch ms of the charge: names the minute, day and month windows it went to. */
  at: number;
  tokens: number;
  /** Billionths of a US dollar, so small requests are not rounded to nothing. */
  nanoUsd: number;
}

export interface JobTimings {
  queueMs: number;
  upstreamMs: number;
  totalMs: number;
}

export interface LlmJobResult {
  requestId: string;
  /** Set when this job handed the request to the next route of its chain instead of answering it. */
  forwardedTo?: { provider: string; jobId: string };
  provider: string;
  model: string;
  response: ChatCompletion;
  usage: CompletionUsage;
  timings: JobTimings;
  attempts: number;
  /** Set when the caller cancelled the job while it ran: `response` is then empty. */
  cancelled?: true;
  /** Set when a stream broke off after its first token: the caller got an error event, not the whole answer. */
  failed?: true;
  /** Set for a request with a JSON response_format: how it was asked for and what getting it took. */
  structured?: StructuredOutcome;
}

export const LLM_JOB_NAME = 'chat.completion';
export const LLM_JOB_VERSION = 1;

const label = z.string().min(1).max(256);

/**
 * The runtime check a worker makes on every job, whoever enqueued it (the
 * gateway, the client package, another team's producer): a payload that does
 * not match fails at once instead of midway through a provider call.
 */
export const llmJobPayloadSchema: z.ZodType<LlmJobPayload> = z.object({
  v: z.literal(LLM_JOB_VERSION),
  kind: z.literal('chat.completion'),
  requestId: label,
  route: z.object({ publicModel: label, provider: label, model: label }),
  request: chatCompletionRequestSchema,
  caller: z.object({
    keyId: label,
    tenant: label,
    user: z.string().max(256).optional(),
    charge: z.object({ at: z.number().int().positive(), tokens: z.number().int().nonnegative(), nanoUsd: z.number().int().nonnegative() }).optional(),
  }),
  replyTo: label.optional(),
  deadline: z.number().int().positive().optional(),
  enqueuedAt: z.number().int().positive(),
  trace: z.record(z.string(), z.string()).optional(),
  chainId: label.optional(),
  fallbacks: z
    .array(z.object({ publicModel: label, provider: label, model: label }))
    .max(16)
    .optional(),
  tried: z
    .array(z.object({ provider: label, model: label, code: label, attempts: z.number().int().min(1), upstreamStatus: z.number().int().optional() }))
    .max(64)
    .optional(),
  webhook: z.object({ url: z.string().min(1).max(2048), secret: z.string().min(1).max(256).optional() }).optional(),
  batch: z.object({ id: label, line: z.number().int().nonnegative(), customId: z.string().min(1).max(512) }).optional(),
  prompt: z.object({ name: label, version: z.number().int().positive(), variant: label.nullable(), label: label.nullable() }).optional(),
  structured: z.object({ reasks: z.number().int().min(0).max(MAX_STRUCTURED_REASKS).optional() }).optional(),
  session: z
    .object({
      id: label,
      ticket: z.number().int().positive(),
      windowed: z.object({ inputFrom: z.number().int().nonnegative(), windowStart: z.number().int().nonnegative() }).optional(),
    })
    .optional(),
});

export type LlmJobOutcome = { ok: true; result: LlmJobResult } | { ok: false; error: SerializedError; provider: string; model: string };
