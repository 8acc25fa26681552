import type { ModelCatalog } from '@switchyard/config';
import { type ChatCompletionRequest, parseAsyncJobRequest, parseChatCompletionRequest } from '@switchyard/contracts';
import { type ChargeEstimate, toNanoUsd } from '@switchyard/admission';
import { approximatePromptTokens, costUsd } from '@switchyard/tokens';
import type { FastifyRequest } from 'fastify';
import { providerOverride } from '../chat/provider-override';

const NOTHING: ChargeEstimate = { tokens: 0, nanoUsd: 0 };

/**
 * What a request is expected to use, for per-key token and budget limits:
 * the prompt at four characters a token (the real usage corrects it when
 * the request ends, so no tokenizer is loaded for this) plus the
 * completion's maximum for each choice when the request sets one, at the
 * route's price. A body that fails validation or names no known model is
 * charged nothing (its handler refuses it). A batch is charged nothing up
 * front, but a spent budget refuses it, and its lines count what they use.
 * Other requests run no model: undefined, so only request limits apply.
 */
export function estimateCharge(catalog: ModelCatalog, request: FastifyRequest): ChargeEstimate | undefined {
  const route = request.routeOptions.url;
  if (route === '/v1/batches') return NOTHING;
  if (route !== '/v1/chat/completions' && route !== '/v1/jobs') return undefined;
  try {
    const chat: ChatCompletionRequest = route === '/v1/jobs' ? parseAsyncJobRequest(request.body).request : parseChatCompletionRequest(request.body);
    const { route: resolved } = catalog.resolveChain(chat.model, providerOverride(request.headers));
    const usage = { prompt_tokens: approximatePromptTokens(chat), completion_tokens: (chat.max_completion_tokens ?? chat.max_tokens ?? 0) * (chat.n ?? 1) };
    const price = catalog.priceOf(resolved);
    return { tokens: usage.prompt_tokens + usage.completion_tokens, nanoUsd: price === undefined ? 0 : toNanoUsd(costUsd(usage, price)) };
  } catch {
    return NOTHING;
  }
}
