import type { ChatCompletion, ChatCompletionRequest, CompletionUsage } from '../chat';
import type { SerializedError } from '../errors';

/** Who asked, as the gateway authenticated them. Never holds the key itself. */
export interface CallerIdentity {
  keyId: string;
  tenant: string;
  user?: string;
}

/** Where routing sent the request: the public name and the provider's own id. */
export interface ResolvedRoute {
  publicModel: string;
  provider: string;
  model: string;
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
}

export interface JobTimings {
  queueMs: number;
  upstreamMs: number;
  totalMs: number;
}

export interface LlmJobResult {
  requestId: string;
  provider: string;
  model: string;
  response: ChatCompletion;
  usage: CompletionUsage;
  timings: JobTimings;
  attempts: number;
}

export const LLM_JOB_NAME = 'chat.completion';
export const LLM_JOB_VERSION = 1;

export type LlmJobOutcome =
  | { ok: true; result: LlmJobResult }
  | { ok: false; error: SerializedError; provider: string; model: string };
