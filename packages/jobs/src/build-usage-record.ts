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

/** PostgreSQL text cannot hold NUL, and labels from callers or upstreams have no business being long. */
function label(value: string | undefined | null, max = 256): string | null {
  if (value === undefined || value === null) return null;
  return value.replaceAll('\u0000', '').slice(0, max);
}

/** Token counts come from the upstream: anything but a sane whole number is recorded as 0. */
function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value < 2 ** 31 ? Math.round(value) : 0;
}

/** The usage row for one job outcome. Holds counts and timings only, never message text or keys. */
export function buildUsageRecord(payload: LlmJobPayload, facts: UsageFacts): LlmRequestRecord {
  return {
    requestId: label(payload.requestId) ?? facts.jobId,
    jobId: facts.jobId,
    keyId: label(payload.caller.keyId),
    tenant: label(payload.caller.tenant) ?? 'default',
    userId: label(payload.caller.user ?? payload.request.user),
    provider: payload.route.provider,
    model: label(facts.upstreamModel) ?? payload.route.model,
    publicModel: label(payload.route.publicModel) ?? payload.route.model,
    promptTokens: count(facts.usage?.prompt_tokens),
    completionTokens: count(facts.usage?.completion_tokens),
    totalTokens: count(facts.usage?.total_tokens),
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
