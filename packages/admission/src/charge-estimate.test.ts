import { parseChatCompletionRequest } from '@switchyard/contracts';
import { approximatePromptTokens } from '@switchyard/tokens';
import { describe, expect, it } from 'vitest';
import { estimateCharge } from './charge-estimate';

const messages = [{ role: 'user', content: 'What is the capital of France?' }];
const price = { inputPerMillion: 2.5, outputPerMillion: 10 };

describe(estimateCharge.name, () => {
  it('charges the prompt and each choice at its maximum, at the route price', () => {
    const request = parseChatCompletionRequest({ model: 'm', messages, max_tokens: 100, n: 2 });
    const prompt = approximatePromptTokens(request);
    // $2.50 and $10 a million tokens: 2,500 and 10,000 billionths of a dollar a token.
    expect(estimateCharge(request, price)).toStrictEqual({ tokens: prompt + 200, nanoUsd: prompt * 2_500 + 200 * 10_000 });
  });

  it.each([
    ['max_completion_tokens over max_tokens', { max_completion_tokens: 50, max_tokens: 100 }, 50],
    ['only the prompt when no maximum is set', {}, 0],
  ])('counts %s', (_name, limits, completion) => {
    const request = parseChatCompletionRequest({ model: 'm', messages, ...limits });
    expect(estimateCharge(request, price).tokens).toBe(approximatePromptTokens(request) + completion);
  });

  it('charges tokens but no dollars on a route without a price', () => {
    const request = parseChatCompletionRequest({ model: 'm', messages, max_tokens: 10 });
    expect(estimateCharge(request, undefined)).toStrictEqual({ tokens: approximatePromptTokens(request) + 10, nanoUsd: 0 });
  });
});
