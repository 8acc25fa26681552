import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { extractApiKey } from '@switchyard/config';
import { AuthenticationError, type CallerIdentity, RateLimitError } from '@switchyard/contracts';
import type { KeyDirectory, KeyRateLimiter, RateDecision } from '@switchyard/jobs';
import type { FastifyReply, FastifyRequest } from 'fastify';

export type AuthenticatedRequest = FastifyRequest & { caller: CallerIdentity };

/** `6m0s`, `1.5s`: how OpenAI writes a reset time in its x-ratelimit headers. */
function resetText(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const seconds = (ms % 60_000) / 1000;
  return minutes > 0 ? `${minutes}m${Math.round(seconds)}s` : `${Number(seconds.toFixed(1))}s`;
}

function rateHeaders(reply: FastifyReply, decision: RateDecision): void {
  if (decision.limit === undefined) return;
  reply
    .header('x-ratelimit-limit-requests', String(decision.limit))
    .header('x-ratelimit-remaining-requests', String(decision.remaining ?? 0))
    .header('x-ratelimit-reset-requests', resetText(decision.resetMs ?? 0));
}

/**
 * Checks the bearer key of every `/v1` request and, for requests that make
 * work (POST), the key's own rate limits. It runs as a Fastify `onRequest`
 * hook, before the body is read, so an unauthenticated or over-limit client
 * gets its answer without making the gateway parse a large body first.
 */
export async function authenticateRequest(request: FastifyRequest, reply: FastifyReply, keys: KeyDirectory, limiter: KeyRateLimiter): Promise<void> {
  const key = extractApiKey(request.headers);
  if (key === undefined) throw new AuthenticationError('Missing API key. Send it as "Authorization: Bearer <key>".');
  const identity = await keys.authenticate(key);
  if (identity === undefined) throw new AuthenticationError('Incorrect API key provided, or it was revoked or has expired.');
  (request as AuthenticatedRequest).caller = { keyId: identity.keyId, tenant: identity.tenant };
  if (request.method !== 'POST') return;
  const decision = await limiter.take(identity.keyId, identity.limits);
  rateHeaders(reply, decision);
  if (!decision.allowed) {
    const per = decision.exceeded === 'day' ? 'day' : 'minute';
    throw new RateLimitError(`Rate limit reached for this API key: ${decision.limit} requests per ${per}. Try again in ${resetText(decision.resetMs ?? 0)}.`, {
      retryAfterMs: decision.resetMs ?? 1000,
      details: { limit: decision.limit, window: per },
    });
  }
}

/** Marks a controller as needing a caller: refuses any request the hook did not authenticate. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Partial<AuthenticatedRequest>>();
    if (request.caller === undefined) throw new AuthenticationError();
    return true;
  }
}
