import type { CompletionUsage, LlmJobPayload } from '@switchyard/contracts';
import type { LlmRequestRecord, RequestStatus } from '@switchyard/usage';

export interface UsageFacts {
  jobId: string;
  status: RequestStatus;
  usage?: CompletionUsage;
  upstreamModel?: string;
  errorCode?: string;
  startedAt: number;
  upstreamMs?: number;
  finishedAt: number;
  attempts: number;
}

/** The usage row for one job outcome. Holds counts and timings only, never message text or keys. */
export function buildUsageRecord(payload: LlmJobPayload, facts: UsageFacts): LlmRequestRecord {
  return {
    requestId: payload.requestId,
    jobId: facts.jobId,
    keyId: payload.caller.keyId,
    tenant: payload.caller.tenant,
    userId: payload.caller.user ?? payload.request.user ?? null,
    provider: payload.route.provider,
    model: facts.upstreamModel ?? payload.route.model,
    publicModel: payload.route.publicModel,
    promptTokens: facts.usage?.prompt_tokens ?? 0,
    completionTokens: facts.usage?.completion_tokens ?? 0,
    totalTokens: facts.usage?.total_tokens ?? 0,
    costUsd: null,
    latencyMs: Math.max(0, Math.round(facts.finishedAt - payload.enqueuedAt)),
    upstreamLatencyMs: facts.upstreamMs === undefined ? null : Math.round(facts.upstreamMs),
    queueWaitMs: Math.max(0, Math.round(facts.startedAt - payload.enqueuedAt)),
    status: facts.status,
    errorCode: facts.errorCode ?? null,
    cacheHit: false,
    attempts: facts.attempts,
    promptVersion: null,
  };
}
