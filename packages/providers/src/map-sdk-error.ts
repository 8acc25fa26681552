import { ProviderError, ProviderErrorKind, retryAfterFromHeaders } from '@switchyard/contracts';

/** What the OpenAI and Groq SDKs (both generated the same way) throw, as classes to test against. */
export interface SdkErrorClasses {
  APIError: abstract new (
    ...args: never[]
  ) => { status: number | undefined; error: unknown; code?: unknown; headers: { get(name: string): string | null } | undefined };
  APIConnectionError: abstract new (...args: never[]) => Error;
  APIConnectionTimeoutError: abstract new (...args: never[]) => Error;
  APIUserAbortError: abstract new (...args: never[]) => Error;
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

function kindFromCode(code: unknown): ProviderErrorKind | undefined {
  if (code === 'context_length_exceeded' || code === 'string_above_max_length') return ProviderErrorKind.ContextTooLong;
  if (code === 'content_filter' || code === 'content_policy_violation') return ProviderErrorKind.ContentFiltered;
  if (code === 'model_not_found' || code === 'model_decommissioned') return ProviderErrorKind.NotFound;
  return undefined;
}

function upstreamMessage(status: number, body: unknown): string {
  const message = (body as { message?: unknown } | undefined)?.message;
  const text = typeof message === 'string' ? message : `HTTP ${status}`;
  return text.replace(/\b(sk|gsk|key)[-_][A-Za-z0-9*_-]{4,}/g, '[redacted]').slice(0, 500);
}

/** Every way an OpenAI-style SDK can fail, as one typed `ProviderError`. */
export function mapSdkError(provider: string, error: unknown, sdk: SdkErrorClasses): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof sdk.APIConnectionTimeoutError) {
    return new ProviderError({ kind: ProviderErrorKind.Timeout, provider, message: 'request timed out', cause: error });
  }
  if (error instanceof sdk.APIUserAbortError) {
    return new ProviderError({ kind: ProviderErrorKind.Timeout, provider, message: 'request aborted', cause: error });
  }
  if (error instanceof sdk.APIConnectionError) {
    return new ProviderError({ kind: ProviderErrorKind.Server, provider, message: 'connection failed', cause: error });
  }
  if (error instanceof sdk.APIError && typeof error.status === 'number') {
    const kind = kindFromCode(error.code) ?? ProviderError.kindFromStatus(error.status);
    return new ProviderError({
      kind,
      provider,
      message: CALLER_FIXABLE.has(kind) ? upstreamMessage(error.status, error.error) : `HTTP ${error.status}`,
      upstreamStatus: error.status,
      retryAfterMs: retryAfterFromHeaders(error.headers),
      cause: error,
    });
  }
  if (error instanceof SyntaxError) {
    return new ProviderError({ kind: ProviderErrorKind.Malformed, provider, message: 'response body is not valid JSON', cause: error });
  }
  return new ProviderError({ kind: ProviderErrorKind.Server, provider, message: (error as Error)?.message ?? 'unknown failure', cause: error });
}
