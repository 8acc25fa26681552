/** A model's price in US dollars per million tokens. */
export interface Price {
  inputPerMillion: number;
  outputPerMillion: number;
  /** Prompt tokens served from the provider's prompt cache; the input price when unset. */
  cachedInputPerMillion?: number;
}

export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  /** Of `prompt_tokens`, those read from the provider's prompt cache (OpenAI's `prompt_tokens_details.cached_tokens`). */
  cached_prompt_tokens?: number;
}

/**
 * Prices are taken to a millionth of a dollar per million tokens (a
 * trillionth of a dollar a token), so the sum is exact integer arithmetic:
 * 0.15 × 1000 tokens is 0.00015, not 0.00015000000000000001.
 */
const UNITS_PER_DOLLAR = 1_000_000;
const UNITS_PER_TOKEN_DOLLAR = 1_000_000_000_000n;

function units(pricePerMillion: number): bigint {
  if (!Number.isFinite(pricePerMillion) || pricePerMillion < 0) throw new RangeError(`a price must be a non-negative number, not ${pricePerMillion}`);
  return BigInt(Math.round(pricePerMillion * UNITS_PER_DOLLAR));
}

/** A token count as a whole number; anything else counts as none. */
function tokens(count: number | undefined): number {
  return typeof count === 'number' && Number.isFinite(count) && count > 0 ? Math.round(count) : 0;
}

/**
 * What a request cost in US dollars: uncached prompt tokens at the input
 * price, cached ones at the cached-input price, completion tokens at the
 * output price. Precise to 1e-12 dollars, well past the 8 decimals stored.
 */
export function costUsd(usage: TokenUsage, price: Price): number {
  const prompt = tokens(usage.prompt_tokens);
  const cached = Math.min(tokens(usage.cached_prompt_tokens), prompt);
  const input = units(price.inputPerMillion);
  const cachedInput = price.cachedInputPerMillion === undefined ? input : units(price.cachedInputPerMillion);
  const total = BigInt(prompt - cached) * input + BigInt(cached) * cachedInput + BigInt(tokens(usage.completion_tokens)) * units(price.outputPerMillion);
  // Whole dollars and the fraction apart, so a large total keeps every decimal.
  return Number(total / UNITS_PER_TOKEN_DOLLAR) + Number(total % UNITS_PER_TOKEN_DOLLAR) / Number(UNITS_PER_TOKEN_DOLLAR);
}
