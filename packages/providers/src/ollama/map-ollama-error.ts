import { ProviderError, ProviderErrorKind } from '@switchyard/contracts';
import { mapTransportError } from '../map-transport-error';

interface OllamaResponseError {
  name: 'ResponseError';
  status_code: number;
  error: string;
}

function isResponseError(error: unknown): error is OllamaResponseError {
  return (error as { name?: unknown })?.name === 'ResponseError' && typeof (error as { status_code?: unknown }).status_code === 'number';
}

/** The ollama package throws `ResponseError` (status + text), fetch errors, or JSON errors. */
export function mapOllamaError(provider: string, error: unknown, timedOut: boolean): ProviderError {
  if (!timedOut && isResponseError(error)) {
    const kind = /model .*not found|try pulling it/i.test(error.error) ? ProviderErrorKind.NotFound : ProviderError.kindFromStatus(error.status_code);
    const fixable = kind === ProviderErrorKind.BadRequest || kind === ProviderErrorKind.NotFound;
    return new ProviderError({
      kind,
      provider,
      message: fixable ? error.error.slice(0, 500) : `HTTP ${error.status_code}`,
      upstreamStatus: error.status_code,
      cause: error,
    });
  }
  return mapTransportError(provider, error, timedOut);
}
