import { ApiError } from '@google/genai';
import { ProviderError, ProviderErrorKind } from '@switchyard/contracts';

/** `@google/genai` throws `ApiError` (HTTP status + Google's message) or fetch and abort errors. */
export function mapGeminiError(provider: string, error: unknown, timedOut: boolean): ProviderError {
  if (error instanceof ProviderError) return error;
  if (timedOut) return new ProviderError({ kind: ProviderErrorKind.Timeout, provider, message: 'request timed out', cause: error });
  if ((error as Error)?.name === 'AbortError') {
    return new ProviderError({ kind: ProviderErrorKind.Timeout, provider, message: 'request aborted', cause: error });
  }
  if (error instanceof ApiError) {
    const kind = ProviderError.kindFromStatus(error.status);
    const fixable = kind === ProviderErrorKind.BadRequest || kind === ProviderErrorKind.NotFound;
    return new ProviderError({
      kind,
      provider,
      message: fixable ? error.message.slice(0, 500) : `HTTP ${error.status}`,
      upstreamStatus: error.status,
      cause: error,
    });
  }
  if (error instanceof SyntaxError) {
    return new ProviderError({ kind: ProviderErrorKind.Malformed, provider, message: 'response body is not valid JSON', cause: error });
  }
  return new ProviderError({ kind: ProviderErrorKind.Server, provider, message: 'connection failed', cause: error });
}
