import type { LimitDecision, WindowState } from '@switchyard/admission';
import { BudgetExceededError, InvalidRequestError, RateLimitError } from '@switchyard/contracts';
import { resetText } from './reset-text';

/** The error a caller gets for a request its key's limits refused: which limit, and when it lets requests in again. */
export function limitRefusal(decision: LimitDecision): Error {
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
