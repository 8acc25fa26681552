import type { RequestStatus, StructuredMode } from '@switchyard/contracts';

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
  /** The prompt the messages were rendered from (absent or null: the caller sent messages of its own). */
  promptName?: string | null;
  promptVersion: string | null;
  /** The model of the prompt's per-model variant used, or null for its base template. */
  promptVariant?: string | null;
  /** Requests with a JSON response_format: how the schema reached the provider, how many repairs and re-asks it took, and whether the answer was valid. */
  structuredMode?: StructuredMode | null;
  structuredRepairs?: number | null;
  structuredValid?: boolean | null;
  /** The session the request was a turn of; absent or null for a request outside any session. */
  sessionId?: string | null;
  streamed: boolean;
  /** Streams only: from the request's arrival to its first token reaching the gateway's channel. */
  firstTokenMs: number | null;
  /** A fallback chain's routes and why each was left; null for a request served by its first route. */
  routeAttempts: { provider: string; model: string; code: string; attempts: number; upstreamStatus?: number }[] | null;
  createdAt?: Date;
}
