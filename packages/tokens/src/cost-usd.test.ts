import { describe, expect, it } from 'vitest';
import { costUsd } from './cost-usd';

const gpt4oMini = { inputPerMillion: 0.15, cachedInputPerMillion: 0.075, outputPerMillion: 0.6 };

describe('costUsd', () => {
  it('prices prompt and completion tokens per million', () => {
    // 1200 × 0.15 / 1e6 + 300 × 0.6 / 1e6 = 0.00018 + 0.00018
    expect(costUsd({ prompt_tokens: 1200, completion_tokens: 300 }, gpt4oMini)).toBe(0.00036);
    expect(costUsd({ prompt_tokens: 1_000_000, completion_tokens: 1_000_000 }, gpt4oMini)).toBe(0.75);
  });

  it('gives exact decimals, free of binary floating-point noise', () => {
    expect(0.1 * 3).not.toBe(0.3);
    expect(costUsd({ prompt_tokens: 3, completion_tokens: 0 }, { inputPerMillion: 0.1, outputPerMillion: 0 })).toBe(0.0000003);
    expect(costUsd({ prompt_tokens: 7, completion_tokens: 11 }, { inputPerMillion: 0.05, outputPerMillion: 0.08 }).toFixed(8)).toBe('0.00000123');
    expect(costUsd({ prompt_tokens: 1, completion_tokens: 0 }, { inputPerMillion: 0.000001, outputPerMillion: 0 })).toBe(1e-12);
  });

  it('bills cached prompt tokens at the cached-input price, the rest at the input price', () => {
    // 600 uncached × 0.15 + 400 cached × 0.075 + 100 × 0.6, per million
    expect(costUsd({ prompt_tokens: 1000, cached_prompt_tokens: 400, completion_tokens: 100 }, gpt4oMini)).toBe(0.00018);
  });

  it('bills cached tokens at the input price when the model has no cached-input price', () => {
    const price = { inputPerMillion: 2.5, outputPerMillion: 10 };
    expect(costUsd({ prompt_tokens: 1000, cached_prompt_tokens: 400, completion_tokens: 0 }, price)).toBe(
      costUsd({ prompt_tokens: 1000, completion_tokens: 0 }, price),
    );
  });

  it('never counts more cached tokens than prompt tokens, nor bad counts at all', () => {
    expect(costUsd({ prompt_tokens: 100, cached_prompt_tokens: 500, completion_tokens: 0 }, gpt4oMini)).toBe(0.0000075);
    expect(costUsd({ prompt_tokens: -5, completion_tokens: Number.NaN }, gpt4oMini)).toBe(0);
  });

  it('costs nothing at a zero price, and keeps every decimal of a large bill', () => {
    expect(costUsd({ prompt_tokens: 123_456, completion_tokens: 7890 }, { inputPerMillion: 0, outputPerMillion: 0 })).toBe(0);
    expect(costUsd({ prompt_tokens: 2 ** 31 - 1, completion_tokens: 2 ** 31 - 1 }, { inputPerMillion: 75, outputPerMillion: 150 })).toBe(483183.820575);
  });

  it('refuses a negative or non-finite price', () => {
    expect(() => costUsd({ prompt_tokens: 1, completion_tokens: 1 }, { inputPerMillion: -1, outputPerMillion: 1 })).toThrow(RangeError);
    expect(() => costUsd({ prompt_tokens: 1, completion_tokens: 1 }, { inputPerMillion: 1, outputPerMillion: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });
});
