import { ProviderError, ProviderErrorKind } from '@switchyard/contracts';

/**
 * A failure before any upstream status arrived, the same for every adapter
 * that calls over its own fetch: the deadline, the caller's cancellation, an
 * unreadable body, or the connection.
 */
export function mapTransportError(provider: string, error: unknown, timedOut: boolean): ProviderError {
  if (error instanceof ProviderError) return error;
  if (timedOut) return new ProviderError({ kind: ProviderErrorKind.Timeout, provider, message: 'request timed out', cause: error });
  if ((error as Error)?.name === 'AbortError') {
    return new ProviderError({ kind: ProviderErrorKind.Timeout, provider, message: 'request aborted', cause: error });
  }
  if (error instanceof SyntaxError) {
    return new ProviderError({ kind: ProviderErrorKind.Malformed, provider, message: 'response body is not valid JSON', cause: error });
  }
  return new ProviderError({ kind: ProviderErrorKind.Server, provider, message: 'connection failed', cause: error });
}
