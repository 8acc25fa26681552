import type { CallerIdentity } from '@switchyard/contracts';
import { buildRejectedRecord, type UsageSink } from '@switchyard/database';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { callerRequestId, newJobId } from './request-id';

/**
 * The row of an authenticated request refused before its handler ran: over a
 * key's limits, or a body over the size limit. Its job id is sent back in
 * `x-switchyard-job-id`, so the caller can find the row. Nothing for a
 * request with no caller (no valid key): there is nobody to charge.
 */
export function recordRefusal(usage: UsageSink, request: FastifyRequest, reply: FastifyReply, error: unknown): void {
  const caller = (request as FastifyRequest & { caller?: CallerIdentity }).caller;
  if (caller === undefined) return;
  const sentJobId = reply.getHeader('x-switchyard-job-id');
  const jobId = typeof sentJobId === 'string' ? sentJobId : newJobId();
  if (sentJobId === undefined && !reply.sent) reply.header('x-switchyard-job-id', jobId);
  const requestId = callerRequestId(request.headers['x-request-id'], jobId);
  usage.record(buildRejectedRecord({ jobId, requestId, caller, body: request.body, error, receivedAt: Date.now() - reply.elapsedTime }));
}
