import type { ChatCompletionRequest } from '@switchyard/contracts';
import { approximatePromptTokens, costUsd, type Price } from '@switchyard/tokens';
import { type ChargeEstimate, toNanoUsd } from './key-limiter';

/**
 * What a chat completion is expected to use, for per-key token and budget
 * limits: the prompt at four characters a token (the real usage corrects it
 * when the request ends, so no tokenizer is loaded for this) plus the
 * completion's maximum for each choice when the request sets one, at the
 * route's price (nothing when it has none).
 */
export function estimateCharge(request: ChatCompletionRequest, price: Price | undefined): ChargeEstimate {
  const usage = {
    prompt_tokens: approximatePromptTokens(request),
    completion_tokens: (request.max_completion_tokens ?? request.max_tokens ?? 0) * (request.n ?? 1),
  };
  return { tokens: usage.prompt_tokens + usage.completion_tokens, nanoUsd: price === undefined ? 0 : toNanoUsd(costUsd(usage, price)) };
}
