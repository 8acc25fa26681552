import { ProviderError, ProviderErrorKind } from '@switchyard/contracts';
import { mapTransportError } from '../map-transport-error';
import { streamCutError } from '../stream-chunks';

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

// What the package throws when a stream ends without its `done` message; it skips lines that are not JSON, so a garbled stream ends this way too.
const NO_DONE = 'Did not receive done or success response in stream.';

/** A failure of a streamed chat: as `mapOllamaError`, but a stream that ended early is a cut stream, not a failed connection. */
export function mapOllamaStreamError(provider: string, error: unknown): ProviderError {
  if (error instanceof Error && error.message === NO_DONE) return streamCutError(provider, error);
  return mapOllamaError(provider, error, false);
}
