import { describe, expect, it } from 'vitest';
import { upstreamIdentity } from './upstream-identity';

describe('upstreamIdentity', () => {
  it.each([
    [
      { name: 'oa', kind: 'openai' as const },
      { provider: 'oa', genAiProvider: 'openai', serverAddress: 'api.openai.com', serverPort: 443 },
    ],
    [
      { name: 'fast', kind: 'groq' as const },
      { provider: 'fast', genAiProvider: 'groq', serverAddress: 'api.groq.com', serverPort: 443 },
    ],
    [
      { name: 'g', kind: 'gemini' as const },
      { provider: 'g', genAiProvider: 'gcp.gemini', serverAddress: 'generativelanguage.googleapis.com', serverPort: 443 },
    ],
    [
      { name: 'gpu', kind: 'ollama' as const },
      { provider: 'gpu', genAiProvider: 'ollama', serverAddress: '127.0.0.1', serverPort: 11434 },
    ],
    [
      { name: 'mine', kind: 'openai-compatible' as const, baseUrl: 'http://[::1]:9000/v1' },
      { provider: 'mine', genAiProvider: 'openai-compatible', serverAddress: '::1', serverPort: 9000 },
    ],
    [
      { name: 'tgi', kind: 'tgi' as const, baseUrl: 'http://models.internal' },
      { provider: 'tgi', genAiProvider: 'tgi', serverAddress: 'models.internal', serverPort: 80 },
    ],
  ])('names %o by its kind, host and port', (settings, expected) => {
    expect(upstreamIdentity(settings)).toStrictEqual(expected);
  });
});
