export const REQUEST_STATUSES = ['succeeded', 'failed', 'expired', 'cancelled'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** One row of `llm_requests`: what a request cost and how it went. Never holds a secret or message text. */
export interface LlmRequestRecord {
  id?: string;
  requestId: string;
  jobId: string;
  keyId: string | null;
  tenant: string;
  userId: string | null;
  provider: string;
  model: string;
  publicModel: string;
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
  createdAt?: Date;
}
