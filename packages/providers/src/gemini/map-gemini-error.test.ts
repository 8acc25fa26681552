import { describe, expect, it } from 'vitest';
import { genai } from './genai-sdk';
import { mapGeminiError } from './map-gemini-error';

// The SDK build the adapter loads (genai-sdk.ts), so its errors are the ones thrown in production.
const { ApiError } = genai();

const apiError = (status: number, error: unknown) => new ApiError({ message: JSON.stringify({ error }), status });

describe('mapGeminiError', () => {
  it.each([
    [
      'a revoked key (400 API_KEY_INVALID)',
      apiError(400, { code: 400, status: 'INVALID_ARGUMENT', details: [{ reason: 'API_KEY_INVALID' }] }),
      'auth',
      undefined,
    ],
    [
      'a quota error with RetryInfo',
      apiError(429, { code: 429, status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7.5s' }] }),
      'rate_limited',
      7500,
    ],
    ['a plain bad request', apiError(400, { code: 400, status: 'INVALID_ARGUMENT', message: 'bad' }), 'bad_request', undefined],
  ])('maps %s', (_label, error, kind, retryAfterMs) => {
    expect(mapGeminiError('gemini', error, false)).toMatchObject({ kind, retryAfterMs });
  });
});
