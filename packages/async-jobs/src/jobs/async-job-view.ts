import {
  type AsyncJobStatus,
  type AsyncJobView,
  type ChatCompletion,
  deserializeError,
  type LlmJobPayload,
  type LlmJobResult,
  type SerializedError,
  ServiceUnavailableError,
  toHttpError,
  type WebhookDelivery,
  type WebhookEventType,
} from '@switchyard/contracts';
import { injectTraceContext } from '@switchyard/observability';
import { unixSeconds } from '@switchyard/queue';

/** Where a finished or running job stands, from whichever side knows it (the worker at its end, the gateway from the queue). */
export interface JobFacts {
  status: AsyncJobStatus;
  payload: LlmJobPayload;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  attempts: number;
  result?: ChatCompletion;
  /** The serialized typed error, as a failed job carries it. */
  error?: string | SerializedError;
}

function errorBody(error: string | SerializedError | undefined): AsyncJobView['error'] {
  if (error === undefined) return null;
  try {
    return toHttpError(deserializeError(typeof error === 'string' ? (JSON.parse(error) as SerializedError) : error)).body.error;
  } catch {
    // A reason BullMQ wrote itself (not one of ours): the platform failed the job, not the request.
    const reason = typeof error === 'string' ? error.slice(0, 200) : 'unknown';
    return toHttpError(new ServiceUnavailableError(`The job failed inside the platform (${reason}); submit it again.`)).body.error;
  }
}

export function asyncJobView(id: string, facts: JobFacts): AsyncJobView {
  const { payload } = facts;
  return {
    id,
    object: 'job',
    status: facts.status,
    model: payload.route.publicModel,
    created_at: Math.floor(facts.createdAt / 1000),
    started_at: unixSeconds(facts.startedAt),
    finished_at: unixSeconds(facts.finishedAt),
    attempts: facts.attempts,
    providers_tried: payload.tried ?? [],
    provider: facts.status === 'queued' ? null : payload.route.provider,
    metadata: payload.request.metadata ?? null,
    result: facts.status === 'succeeded' ? (facts.result ?? null) : null,
    error: facts.status === 'failed' ? errorBody(facts.error) : null,
  };
}

const EVENT_OF: Partial<Record<AsyncJobStatus, WebhookEventType>> = {
  succeeded: 'job.succeeded',
  failed: 'job.failed',
  cancelled: 'job.cancelled',
};

/**
 * The webhook event for a job that ended, or undefined when it asked for none.
 * The id is the job's and the event's, so a job run twice (a worker died
 * after reporting) makes the same event, which the queue and receivers drop.
 */
export function jobEndedEvent(view: AsyncJobView, payload: LlmJobPayload): WebhookDelivery | undefined {
  const type = EVENT_OF[view.status];
  if (payload.webhook === undefined || type === undefined) return undefined;
  const now = Date.now();
  return {
    v: 1,
    eventId: `evt_${view.id}_${view.status}`,
    type,
    url: payload.webhook.url,
    ...(payload.webhook.secret === undefined ? {} : { secret: payload.webhook.secret }),
    tenant: payload.caller.tenant,
    jobId: view.id,
    body: JSON.stringify({ type, timestamp: new Date(now).toISOString(), data: view }),
    createdAt: now,
    ...traceOf(payload),
  };
}

/** The trace the event joins: the worker's job span where it is active, else the trace the job came with. */
function traceOf(payload: LlmJobPayload): { trace?: Record<string, string> } {
  const trace = injectTraceContext() ?? payload.trace;
  return trace === undefined ? {} : { trace };
}

/** The outcome a worker's job result stands for. */
export function statusOfResult(result: LlmJobResult | null | undefined): AsyncJobStatus {
  if (result === null || result === undefined) return 'running';
  return result.cancelled === true ? 'cancelled' : 'succeeded';
}
