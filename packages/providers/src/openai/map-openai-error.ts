import { ProviderError, ProviderErrorKind } from '@switchyard/contracts';
import OpenAI from 'openai';
import { parseRetryAfter } from '../parse-retry-after';

function kindFromBody(error: InstanceType<typeof OpenAI.APIError>): ProviderErrorKind | undefined {
  const code = typeof error.code === 'string' ? error.code : '';
  if (code === 'context_length_exceeded' || code === 'string_above_max_length') return ProviderErrorKind.ContextTooLong;
  if (code === 'content_filter' || code === 'content_policy_violation') return ProviderErrorKind.ContentFiltered;
  if (code === 'model_not_found') return ProviderErrorKind.NotFound;
  return undefined;
}

/**
 * Kinds whose upstream message helps the caller fix their own request. Other
 * messages stay out of the answer: an auth failure's text can quote part of
 * our provider key, and a 5xx's text is the provider's internals.
 */
const CALLER_FIXABLE = new Set<ProviderErrorKind>([
  ProviderErrorKind.BadRequest,
  ProviderErrorKind.ContextTooLong,
  ProviderErrorKind.ContentFiltered,
  ProviderErrorKind.NotFound,
]);

function upstreamMessage(error: InstanceType<typeof OpenAI.APIError>): string {
  const body = error.error as { message?: unknown } | undefined;
  const text = typeof body?.message === 'string' ? body.message : `HTTP ${error.status}`;
  return text.replace(/\b(sk|gsk|key)[-_][A-Za-z0-9*_-]{4,}/g, '[redacted]').slice(0, 500);
}

/** Every way the OpenAI SDK can fail, as one typed `ProviderError`. */
export function mapOpenAIError(provider: string, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new ProviderError({ kind: ProviderErrorKind.Timeout, provider, message: 'request timed out', cause: error });
  }
  if (error instanceof OpenAI.APIUserAbortError) {
    return new ProviderError({ kind: ProviderErrorKind.Timeout, provider, message: 'request aborted', cause: error });
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new ProviderError({ kind: ProviderErrorKind.Server, provider, message: 'connection failed', cause: error });
  }
  if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
    const kind = kindFromBody(error) ?? ProviderError.kindFromStatus(error.status);
    const detail = CALLER_FIXABLE.has(kind) ? upstreamMessage(error) : `HTTP ${error.status}`;
    return new ProviderError({
      kind,
      provider,
      message: detail,
      upstreamStatus: error.status,
      retryAfterMs: parseRetryAfter(error.headers),
      cause: error,
    });
  }
  if (error instanceof SyntaxError) {
    return new ProviderError({ kind: ProviderErrorKind.Malformed, provider, message: 'response body is not valid JSON', cause: error });
  }
  return new ProviderError({ kind: ProviderErrorKind.Server, provider, message: (error as Error)?.message ?? 'unknown failure', cause: error });
}
