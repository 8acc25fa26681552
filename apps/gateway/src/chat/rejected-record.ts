import { type CallerIdentity, ErrorCode, type ResolvedRoute, SwitchyardError } from '@switchyard/contracts';
import { buildRejectedRecord } from '@switchyard/database';
import type { LlmRequestRecord, UsageSink } from '@switchyard/database';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from '../auth/api-key.guard';
import { callerRequestId, newJobId } from './request-id';

/** The row of a request the gateway refused before any queue saw it: no worker will write one. */
export function rejectedRecord(
  body: unknown,
  caller: CallerIdentity,
  ids: { jobId: string; requestId: string },
  route: ResolvedRoute | undefined,
  error: unknown,
  receivedAt: number,
): LlmRequestRecord {
  return buildRejectedRecord({
    ...ids,
    caller,
    requestedModel: (body as { model?: unknown } | null)?.model,
    provider: route?.provider,
    model: route?.model,
    errorCode: SwitchyardError.isInstance(error) ? error.code : ErrorCode.Internal,
    receivedAt,
    streamed: (body as { stream?: unknown } | null)?.stream === true,
  });
}

/**
 * The row of an authenticated request refused before its handler ran: over a
 * key's limits, or a body over the size limit. Its job id is sent back in
 * `x-switchyard-job-id`, so the caller can find the row. Nothing for a
 * request with no caller (no valid key): there is nobody to charge.
 */
export function recordRefusal(usage: UsageSink, request: FastifyRequest, reply: FastifyReply, error: unknown): void {
  const caller = (request as Partial<AuthenticatedRequest>).caller;
  if (caller === undefined) return;
  const sentJobId = reply.getHeader('x-switchyard-job-id');
  const jobId = typeof sentJobId === 'string' ? sentJobId : newJobId();
  if (sentJobId === undefined && !reply.sent) reply.header('x-switchyard-job-id', jobId);
  const ids = { jobId, requestId: callerRequestId(request.headers['x-request-id'], jobId) };
  usage.record(rejectedRecord(request.body, caller, ids, undefined, error, Date.now() - reply.elapsedTime));
}
