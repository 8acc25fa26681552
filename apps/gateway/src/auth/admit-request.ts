import { KeyLimiter } from '@switchyard/admission';
import { AuthenticationError, type CallerIdentity, ServiceUnavailableError } from '@switchyard/contracts';
import type { UsageSink } from '@switchyard/database';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendHttpError } from '../errors/send-http-error';
import { recordRefusal } from '../request/record-refusal';
import type { RequestRouting } from '../request/routed-request';
import type { AuthenticatedRequest } from './api-key.guard';
import { estimateRequestCharge } from './estimate-request-charge';
import { limitRefusal } from './limit-refusal';
import { rateLimitHeaders } from './rate-limit-headers';

/**
 * The key's limits, for requests that make work (POST): one Redis round
 * trip. It runs once the body is read, since a token or budget limit counts
 * what the request is expected to use; the estimate is made only for keys
 * that have such limits. Resolves to the caller with what it was charged, to
 * be settled when the request ends.
 */
async function admit(request: FastifyRequest, reply: FastifyReply, limiter: KeyLimiter, routing: RequestRouting): Promise<CallerIdentity> {
  const { caller, keyLimits } = request as Partial<AuthenticatedRequest>;
  if (caller === undefined) throw new AuthenticationError();
  if (request.method !== 'POST' || keyLimits === undefined) return caller;
  const charge = KeyLimiter.needsEstimate(keyLimits) ? await estimateRequestCharge(request, routing, caller) : undefined;
  // Limits that cannot be checked refuse the request as a service outage, not an internal error.
  const decision = await limiter.take(caller.keyId, keyLimits, charge).catch((cause: unknown) => {
    throw new ServiceUnavailableError('The API key limits cannot be checked right now; try again shortly.', { cause });
  });
  rateLimitHeaders(reply, 'requests', decision.requests);
  rateLimitHeaders(reply, 'tokens', decision.tokens);
  if (!decision.allowed) throw limitRefusal(decision);
  return decision.charge === undefined ? caller : { ...caller, charge: decision.charge };
}

/**
 * Starts the admission without waiting for it: the route's handler does its
 * read-only work (validation, routing, a cache lookup) while the limits'
 * round trip is in flight, and awaits `request.admission` before it queues
 * or answers. Saves a round trip on the hottest path.
 */
function admitLater(request: FastifyRequest, reply: FastifyReply, limiter: KeyLimiter, routing: RequestRouting): void {
  const admission = admit(request, reply, limiter, routing);
  // Observed here so a refusal the handler never reaches (it failed first) is not an unhandled rejection.
  admission.catch(() => undefined);
  (request as AuthenticatedRequest).admission = admission;
}

/**
 * The `preHandler` hook that holds authenticated requests to their key's
 * limits, once the body is read: token and budget limits count what the
 * request is expected to use. Chat completions admit their requests
 * themselves, overlapping the round trip with their own work; any other
 * request is admitted before its handler runs, and a refusal is answered
 * and recorded here.
 */
export function admitRequests(limiter: KeyLimiter, routing: RequestRouting, usage: UsageSink) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const authenticated = request as Partial<AuthenticatedRequest>;
    if (authenticated.caller === undefined) return undefined;
    if (request.routeOptions.url === '/v1/chat/completions') {
      admitLater(request, reply, limiter, routing);
      return undefined;
    }
    try {
      authenticated.caller = await admit(request, reply, limiter, routing);
      return undefined;
    } catch (error) {
      recordRefusal(usage, request, reply, error);
      sendHttpError(reply, error);
      return reply;
    }
  };
}
