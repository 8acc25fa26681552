import type { ModelCatalog } from '@switchyard/config';
import { parseChatCompletionRequest } from '@switchyard/contracts';
import { costUsd, countPromptTokens, type TokenizerName } from '@switchyard/tokens';

/** The answer of `POST /v1/estimate`. */
export interface ChatCompletionEstimate {
  object: 'estimate';
  /** The public model the request resolves to (an alias gives its model's name). */
  model: string;
  provider: string;
  prompt_tokens: number;
  /** Per choice, as the request set it (`max_completion_tokens`, else `max_tokens`); null when unbounded. */
  max_completion_tokens: number | null;
  /**
   * US dollars at the deployment's configured price; null when it has none.
   * The completion figures are upper bounds for all `n` choices, null
   * without a maximum.
   */
  cost_usd: { prompt: number; completion_max: number | null; total_max: number | null } | null;
  tokenizer: TokenizerName;
}

/**
 * What a chat completion request would cost, without running it. Validated
 * and routed exactly as `POST /v1/chat/completions` is, so it fails the same
 * way (400 for a bad body, 404 for an unknown model); with several
 * deployments, as there, one is picked by weight unless `provider` pins it.
 */
export function estimateChatCompletion(catalog: ModelCatalog, body: unknown, provider?: string): ChatCompletionEstimate {
  const request = parseChatCompletionRequest(body);
  const { route } = catalog.resolveChain(request.model, provider);
  const prompt = countPromptTokens(request, route.model);
  const maxCompletion = request.max_completion_tokens ?? request.max_tokens ?? null;
  const price = catalog.priceOf(route);
  let cost: ChatCompletionEstimate['cost_usd'] = null;
  if (price !== undefined) {
    // The prompt is billed once; each of the n choices may run to the maximum.
    const completionTokens = maxCompletion === null ? null : maxCompletion * (request.n ?? 1);
    cost = {
      prompt: costUsd({ prompt_tokens: prompt.tokens, completion_tokens: 0 }, price),
      completion_max: completionTokens === null ? null : costUsd({ prompt_tokens: 0, completion_tokens: completionTokens }, price),
      total_max: completionTokens === null ? null : costUsd({ prompt_tokens: prompt.tokens, completion_tokens: completionTokens }, price),
    };
  }
  return {
    object: 'estimate',
    model: route.publicModel,
    provider: route.provider,
    prompt_tokens: prompt.tokens,
    max_completion_tokens: maxCompletion,
    cost_usd: cost,
    tokenizer: prompt.tokenizer,
  };
}
