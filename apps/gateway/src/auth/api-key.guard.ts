import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { extractApiKey } from '@switchyard/config';
import { AuthenticationError, BudgetExceededError, type CallerIdentity, InvalidRequestError, RateLimitError, ServiceUnavailableError } from '@switchyard/contracts';
import { type ChargeEstimate, type KeyDirectory, KeyLimiter, type LimitDecision, type WindowState } from '@switchyard/admission';
import type { KeyLimits } from '@switchyard/database';
import type { FastifyReply, FastifyRequest } from 'fastify';

export type AuthenticatedRequest = FastifyRequest & {
  caller: CallerIdentity;
  keyLimits?: KeyLimits;
  /**
   * On routes that admit their own requests (see `admitLater`): the caller
   * once its key's limits let it in, with what it was charged; rejects with
   * the refusal. The handler awaits it before it queues or answers anything.
   */
  admission?: Promise<CallerIdentity>;
};

/** `6m0s`, `1.5s`: how OpenAI writes a reset time in its x-ratelimit headers. */
function resetText(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  if (hours > 0) return `${hours}h${minutes}m${Math.round(seconds)}s`;
  return minutes > 0 ? `${minutes}m${Math.round(seconds)}s` : `${Number(seconds.toFixed(1))}s`;
}

function windowHeaders(reply: FastifyReply, unit: 'requests' | 'tokens', state: WindowState | undefined): void {
  if (state === undefined) return;
  reply
    .header(`x-ratelimit-limit-${unit}`, String(state.limit))
    .header(`x-ratelimit-remaining-${unit}`, String(state.remaining))
    .header(`x-ratelimit-reset-${unit}`, resetText(state.resetMs));
}

function refusal(decision: LimitDecision): Error {
  const { refused } = decision;
  if (refused === 'budget_per_day' || refused === 'budget_per_month') {
    const budget = decision.budget as WindowState;
    const per = refused === 'budget_per_day' ? 'day' : 'month';
    return new BudgetExceededError(`This API key has used its budget of $${budget.limit} per ${per}. It starts over in ${resetText(budget.resetMs)}.`, {
      retryAfterMs: budget.resetMs,
      details: { limit_usd: budget.limit, window: per },
    });
  }
  if (refused === 'tokens_per_request') {
    // Not a 429: no wait makes it fit, and clients retry a 429.
    const tokens = decision.tokens as WindowState;
    return new InvalidRequestError(
      `This request may use more tokens than this API key's limit of ${tokens.limit} tokens per minute (its prompt plus max_tokens for each choice). Lower max_tokens or shorten the prompt.`,
      { param: 'max_tokens' },
    );
  }
  if (refused === 'tokens_per_minute') {
    const tokens = decision.tokens as WindowState;
    return new RateLimitError(
      `Rate limit reached for this API key: ${tokens.limit} tokens per minute, ${tokens.remaining} left, and this request needs more. Try again in ${resetText(tokens.resetMs)}.`,
      { retryAfterMs: tokens.resetMs, details: { limit: tokens.limit, window: 'minute', unit: 'tokens' } },
    );
  }
  const requests = decision.requests as WindowState;
  const per = refused === 'requests_per_day' ? 'day' : 'minute';
  return new RateLimitError(`Rate limit reached for this API key: ${requests.limit} requests per ${per}. Try again in ${resetText(requests.resetMs)}.`, {
    retryAfterMs: requests.resetMs,
    details: { limit: requests.limit, window: per },
  });
}

/**
 * Checks the bearer key of every `/v1` request. It runs as a Fastify
 * `onRequest` hook, before the body is read, so an unauthenticated client
 * gets its answer without making the gateway parse a large body first.
 */
export async function authenticateRequest(request: FastifyRequest, keys: KeyDirectory): Promise<void> {
  const key = extractApiKey(request.headers);
  if (key === undefined) throw new AuthenticationError('Missing API key. Send it as "Authorization: Bearer <key>".');
  const identity = await keys.authenticate(key);
  if (identity === undefined) throw new AuthenticationError('Incorrect API key provided, or it was revoked or has expired.');
  const authenticated = request as AuthenticatedRequest;
  authenticated.caller = { keyId: identity.keyId, tenant: identity.tenant };
  authenticated.keyLimits = identity.limits;
}

/**
 * The key's limits, for requests that make work (POST): one Redis round
 * trip. It runs once the body is read, since a token or budget limit counts
 * what the request is expected to use; `estimate` is asked only for keys that
 * have such limits, and answers undefined for requests that run no model.
 * Resolves to the caller with what it was charged, to be settled when the
 * request ends.
 */
export async function admit(request: FastifyRequest, reply: FastifyReply, limiter: KeyLimiter, estimate: (request: FastifyRequest) => ChargeEstimate | undefined): Promise<CallerIdentity> {
  const { caller, keyLimits } = request as Partial<AuthenticatedRequest>;
  if (caller === undefined) throw new AuthenticationError();
  if (request.method !== 'POST' || keyLimits === undefined) return caller;
  const charge = KeyLimiter.needsEstimate(keyLimits) ? estimate(request) : undefined;
  // Limits that cannot be checked refuse the request as a service outage, not an internal error.
  const decision = await limiter.take(caller.keyId, keyLimits, charge).catch((cause: unknown) => {
    throw new ServiceUnavailableError('The API key limits cannot be checked right now; try again shortly.', { cause });
  });
  windowHeaders(reply, 'requests', decision.requests);
  windowHeaders(reply, 'tokens', decision.tokens);
  if (!decision.allowed) throw refusal(decision);
  return decision.charge === undefined ? caller : { ...caller, charge: decision.charge };
}

/**
 * Starts the admission without waiting for it: the route's handler does its
 * read-only work (validation, routing, a cache lookup) while the limits'
 * round trip is in flight, and awaits `request.admission` before it queues
 * or answers. Saves a round trip on the hottest path.
 */
export function admitLater(request: FastifyRequest, reply: FastifyReply, limiter: KeyLimiter, estimate: (request: FastifyRequest) => ChargeEstimate | undefined): void {
  const admission = admit(request, reply, limiter, estimate);
  // Observed here so a refusal the handler never reaches (it failed first) is not an unhandled rejection.
  admission.catch(() => undefined);
  (request as AuthenticatedRequest).admission = admission;
}

/** Admits a request now, before its handler runs. */
export async function admitNow(request: FastifyRequest, reply: FastifyReply, limiter: KeyLimiter, estimate: (request: FastifyRequest) => ChargeEstimate | undefined): Promise<void> {
  const authenticated = request as Partial<AuthenticatedRequest>;
  if (authenticated.caller === undefined) return;
  authenticated.caller = await admit(request, reply, limiter, estimate);
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
