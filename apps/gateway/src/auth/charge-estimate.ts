import type { ModelCatalog } from '@switchyard/config';
import { parseAsyncJobRequest } from '@switchyard/contracts';
import { type ChargeEstimate, toNanoUsd } from '@switchyard/jobs';
import type { FastifyRequest } from 'fastify';
import { providerOverride } from '../chat/provider-override';
import { estimateChatCompletion } from '../estimate/estimate-chat-completion';

const NOTHING: ChargeEstimate = { tokens: 0, nanoUsd: 0 };

/**
 * What a request is expected to use, for per-key token and budget limits:
 * the prompt as our tokenizer counts it plus the completion's maximum when
 * the request sets one, at the route's price. A body that fails validation
 * or names no known model is charged nothing (its handler refuses it). A
 * batch is charged nothing up front, but a spent budget refuses it, and its
 * lines settle what they use against the same windows. Other requests run no
 * model: undefined, so only request limits apply.
 */
export function estimateCharge(catalog: ModelCatalog, request: FastifyRequest): ChargeEstimate | undefined {
  const route = request.routeOptions.url;
  if (route === '/v1/batches') return NOTHING;
  if (route !== '/v1/chat/completions' && route !== '/v1/jobs') return undefined;
  try {
    const body = route === '/v1/jobs' ? parseAsyncJobRequest(request.body).request : request.body;
    const estimate = estimateChatCompletion(catalog, body, providerOverride(request.headers));
    // Validated above: `n` is a whole number when present.
    const choices = (body as { n?: number }).n ?? 1;
    const completion = (estimate.max_completion_tokens ?? 0) * choices;
    const cost = estimate.cost_usd === null ? 0 : (estimate.cost_usd.total_max ?? estimate.cost_usd.prompt);
    return { tokens: estimate.prompt_tokens + completion, nanoUsd: toNanoUsd(cost) };
  } catch {
    return NOTHING;
  }
}
