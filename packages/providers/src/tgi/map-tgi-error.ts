import { type HeaderLookup, ProviderError, ProviderErrorKind, retryAfterFromHeaders } from '@switchyard/contracts';

const CALLER_FIXABLE = new Set<ProviderErrorKind>([ProviderErrorKind.BadRequest, ProviderErrorKind.ContextTooLong, ProviderErrorKind.NotFound]);

// TGI's validation texts for a prompt, or prompt plus max_new_tokens, beyond the model's limits.
const TOO_LONG = /must be <=|must have less than|max_total_tokens|max_input_tokens|input_length/i;

/**
 * A non-2xx answer from TGI, whose body is `{error, error_type}`. The status
 * decides the kind, except that a generation error (424) is the server
 * failing mid-generation rather than the caller's fault, and a validation
 * error about lengths is a context overflow.
 */
export function mapTgiStatusError(provider: string, status: number, body: unknown, headers: HeaderLookup): ProviderError {
  const fields = (body !== null && typeof body === 'object' ? body : {}) as { error?: unknown; error_type?: unknown };
  const text = typeof fields.error === 'string' ? fields.error : '';
  let kind = ProviderError.kindFromStatus(status);
  if (fields.error_type === 'generation' || status === 424) kind = ProviderErrorKind.Server;
  else if (fields.error_type === 'validation' && TOO_LONG.test(text)) kind = ProviderErrorKind.ContextTooLong;
  return new ProviderError({
    kind,
    provider,
    message: CALLER_FIXABLE.has(kind) && text !== '' ? text.slice(0, 500) : `HTTP ${status}`,
    upstreamStatus: status,
    retryAfterMs: retryAfterFromHeaders(headers),
  });
}
