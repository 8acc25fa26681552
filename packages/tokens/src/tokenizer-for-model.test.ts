import { describe, expect, it } from 'vitest';
import { tokenizerForModel } from './tokenizer-for-model';

describe('tokenizerForModel', () => {
  it.each([
    ['gpt-4o-mini', 'o200k_base'],
    ['gpt-4o-2024-08-06', 'o200k_base'],
    ['chatgpt-4o-latest', 'o200k_base'],
    ['gpt-4.1-nano', 'o200k_base'],
    ['gpt-5', 'o200k_base'],
    ['gpt-5.1-mini', 'o200k_base'],
    ['o1', 'o200k_base'],
    ['o3-mini', 'o200k_base'],
    ['o4-mini-2025-04-16', 'o200k_base'],
    ['openai/gpt-4o', 'o200k_base'],
    ['ft:gpt-4o-mini-2024-07-18:acme::abc123', 'o200k_base'],
    ['GPT-4O', 'o200k_base'],
    ['gpt-oss:20b', 'o200k_base'],
    ['gpt-4', 'cl100k_base'],
    ['gpt-4-turbo', 'cl100k_base'],
    ['gpt-4-0613', 'cl100k_base'],
    ['gpt-3.5-turbo', 'cl100k_base'],
    ['gpt-35-turbo', 'cl100k_base'],
    ['llama-3.1-8b-instant', 'approximate'],
    ['gemini-2.0-flash', 'approximate'],
    ['llama3.2', 'approximate'],
    ['echo', 'approximate'],
    ['o1x', 'approximate'],
    ['gpt-40', 'approximate'],
  ])('%s → %s', (model, expected) => {
    expect(tokenizerForModel(model)).toBe(expected);
  });
});
