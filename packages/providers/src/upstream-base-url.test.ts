import { describe, expect, it } from 'vitest';
import { upstreamBaseUrl } from './upstream-base-url';

describe('upstreamBaseUrl', () => {
  it.each([
    [{ kind: 'openai' as const }, 'https://api.openai.com/v1'],
    [{ kind: 'groq' as const }, 'https://api.groq.com'],
    [{ kind: 'gemini' as const }, 'https://generativelanguage.googleapis.com'],
    [{ kind: 'ollama' as const }, 'http://127.0.0.1:11434'],
    [{ kind: 'vllm' as const }, 'http://127.0.0.1:8000/v1'],
    [{ kind: 'tgi' as const, baseUrl: 'http://tgi.internal:9000' }, 'http://tgi.internal:9000'],
  ])('gives %o the address its adapter calls', (settings, expected) => {
    expect(upstreamBaseUrl(settings)).toBe(expected);
  });

  it('gives an embedded model, which runs inside the worker, no address', () => {
    expect(upstreamBaseUrl({ kind: 'embedded' })).toBeUndefined();
  });
});
