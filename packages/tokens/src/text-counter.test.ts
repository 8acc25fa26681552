import o200k from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { EXACT_CHAR_BUDGET, MAX_RUN, TextCounter } from './text-counter';

/** Fixed strings and their token ids from gpt-tokenizer's data/TestPlans.txt, checked there against OpenAI's tiktoken. */
const KNOWN = [
  { text: 'hello', o200k_base: [24912], cl100k_base: [15339] },
  { text: 'a a', o200k_base: [64, 261], cl100k_base: [64, 264] },
  {
    text: 'Hello, World! How are you today? 🌍',
    o200k_base: [13225, 11, 5922, 0, 3253, 553, 481, 4044, 30, 130321, 235],
    cl100k_base: [9906, 11, 4435, 0, 2650, 527, 499, 3432, 30, 11410, 234, 235],
  },
  {
    text: 'こんにちは、世界！お元気ですか？',
    o200k_base: [95839, 1395, 28428, 3393, 8930, 6753, 25717, 15121, 7128, 4802],
    cl100k_base: [90115, 5486, 3574, 244, 98220, 6447, 33334, 24186, 95221, 38641, 32149, 11571],
  },
  {
    text: 'The quick brown fox jumps over 13 lazy dogs. 😺',
    o200k_base: [976, 4853, 19705, 68347, 65613, 1072, 220, 1311, 29082, 16798, 13, 22861, 118],
    cl100k_base: [791, 4062, 14198, 39935, 35308, 927, 220, 1032, 16053, 12875, 13, 27623, 118],
  },
] as const;

describe('TextCounter', () => {
  it.each(KNOWN)('counts $text as tiktoken does', (sample) => {
    expect(new TextCounter('o200k_base').count(sample.text)).toBe(sample.o200k_base.length);
    expect(new TextCounter('cl100k_base').count(sample.text)).toBe(sample.cl100k_base.length);
  });

  it('counts special-token text as ordinary characters instead of refusing it', () => {
    const counter = new TextCounter('o200k_base');
    expect(counter.count('<|endoftext|>')).toBeGreaterThan(1);
    expect(counter.count('<|im_start|>system')).toBeGreaterThan(2);
  });

  it('counts a long unbroken run in slices: within a token a slice of the whole-run count', () => {
    const run = 'Zm9vYmFyYmF6cXV4'.repeat(512);
    const whole = o200k.countTokens(run);
    const sliced = new TextCounter('o200k_base').count(run);
    expect(sliced).toBeGreaterThanOrEqual(whole);
    expect(sliced - whole).toBeLessThanOrEqual(run.length / MAX_RUN);
  });

  it('keeps a run of letters with no break from taking quadratic time', () => {
    // Pseudo-random lower-case letters: one BPE piece, and no help from the merge cache.
    let seed = 7;
    const letters = Array.from({ length: 200_000 }, () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return String.fromCharCode(97 + (seed % 26));
    }).join('');
    const started = performance.now();
    const tokens = new TextCounter('o200k_base').count(letters);
    // Whole, this run takes minutes; in slices, well under a second.
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(tokens).toBeGreaterThan(letters.length / 8);
  });

  it('does not split a surrogate pair at a slice boundary', () => {
    const emoji = '🌍'.repeat(MAX_RUN);
    expect(new TextCounter('o200k_base').count(emoji)).toBe(new TextCounter('o200k_base').count('🌍') * MAX_RUN);
  });

  it('extrapolates past its budget at the ratio measured so far', () => {
    const sentence = 'The quick brown fox jumps over the lazy dog. ';
    const exact = new TextCounter('cl100k_base').count(sentence.repeat(100));
    const budgeted = new TextCounter('cl100k_base', sentence.length * 10).count(sentence.repeat(100));
    expect(budgeted).toBeGreaterThanOrEqual(exact * 0.97);
    expect(budgeted).toBeLessThanOrEqual(exact * 1.03);
    expect(EXACT_CHAR_BUDGET).toBeGreaterThan(100_000);
  });

  it('falls back to four characters a token when nothing was counted exactly', () => {
    expect(new TextCounter('cl100k_base', 0).count('x'.repeat(400))).toBe(100);
  });
});
