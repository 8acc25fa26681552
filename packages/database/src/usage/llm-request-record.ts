import type { RequestStatus } from '@switchyard/contracts';

export type { RequestStatus } from '@switchyard/contracts';

/** One row of `llm_requests`: what a request cost and how it went. Never holds a secret or message text. */
export interface LlmRequestRecord {
  id?: string;
  requestId: string;
  jobId: string;
  keyId: string | null;
  tenant: string;
  userId: string | null;
  /** Null for a rejected request that never got as far as routing. */
  provider: string | null;
  model: string | null;
  publicModel: string | null;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  costUsd: string | null;
  latencyMs: number;
  upstreamLatencyMs: number | null;
  queueWaitMs: number | null;
  status: RequestStatus;
  errorCode: string | null;
  cacheHit: boolean;
  attempts: number;
  promptVersion: string | null;
  streamed: boolean;
  /** Streams only: from the request's arrival to its first token reaching the gateway's channel. */
  firstTokenMs: number | null;
  /** A fallback chain's routes and why each was left; null for a request served by its first route. */
  routeAttempts: { provider: string; model: string; code: string; attempts: number; upstreamStatus?: number }[] | null;
  createdAt?: Date;
}
