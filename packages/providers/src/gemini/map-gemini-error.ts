import { ProviderError, ProviderErrorKind } from '@switchyard/contracts';
import { mapTransportError } from '../map-transport-error';
import { genai } from './genai-sdk';

const AUTH_REASONS = new Set(['API_KEY_INVALID', 'API_KEY_EXPIRED', 'ACCESS_TOKEN_EXPIRED']);

interface GoogleErrorFacts {
  reasons: string[];
  /** From a `google.rpc.RetryInfo` detail: Gemini's Retry-After. */
  retryDelayMs?: number;
}

/** The SDK's message is Google's JSON error body; its details carry the reason and the retry delay. */
function googleErrorBody(message: string): GoogleErrorFacts {
  const facts: GoogleErrorFacts = { reasons: [] };
  const start = message.indexOf('{');
  if (start < 0) return facts;
  try {
    const parsed = JSON.parse(message.slice(start)) as { error?: { details?: { '@type'?: string; reason?: string; retryDelay?: string }[] } };
    for (const detail of parsed.error?.details ?? []) {
      if (typeof detail.reason === 'string') facts.reasons.push(detail.reason);
      const delay = /^(\d+(?:\.\d+)?)s$/.exec(detail.retryDelay ?? '');
      if (delay?.[1] !== undefined) facts.retryDelayMs = Math.ceil(Number(delay[1]) * 1000);
    }
  } catch {
    // Not JSON: the status alone decides.
  }
  return facts;
}

/** `@google/genai` throws `ApiError` (HTTP status + Google's message) or fetch and abort errors. */
export function mapGeminiError(provider: string, error: unknown, timedOut: boolean): ProviderError {
  if (!timedOut && error instanceof genai().ApiError) {
    const body = googleErrorBody(error.message);
    // Google answers a bad or revoked key with 400 API_KEY_INVALID: ours to fix, not the caller's.
    const kind = body.reasons.some((reason) => AUTH_REASONS.has(reason)) ? ProviderErrorKind.Auth : ProviderError.kindFromStatus(error.status);
    const fixable = kind === ProviderErrorKind.BadRequest || kind === ProviderErrorKind.NotFound;
    return new ProviderError({
      kind,
      provider,
      message: fixable ? error.message.slice(0, 500) : `HTTP ${error.status}`,
      upstreamStatus: error.status,
      ...(body.retryDelayMs === undefined ? {} : { retryAfterMs: body.retryDelayMs }),
      cause: error,
    });
  }
  return mapTransportError(provider, error, timedOut);
}
