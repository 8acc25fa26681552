import { describe, expect, it } from 'vitest';
import { resetText } from './reset-text';

describe(resetText.name, () => {
  it.each([
    [1_500, '1.5s'],
    [59_940, '59.9s'],
    [360_000, '6m0s'],
    [3_723_000, '1h2m3s'],
  ])('writes %i ms as %s, as OpenAI does', (ms, text) => {
    expect(resetText(ms)).toBe(text);
  });
});
