import { ErrorCode } from './error-codes';
import { SwitchyardError } from './switchyard-error';

/** What went wrong upstream, independent of which provider said it. */
export const ProviderErrorKind = {
  RateLimited: 'rate_limited',
  Auth: 'auth',
  BadRequest: 'bad_request',
  NotFound: 'not_found',
  ContentFiltered: 'content_filtered',
  ContextTooLong: 'context_too_long',
  Timeout: 'timeout',
  Overloaded: 'overloaded',
  Server: 'server',
  Malformed: 'malformed_response',
} as const;
export type ProviderErrorKind = (typeof ProviderErrorKind)[keyof typeof ProviderErrorKind];

const KIND_RULES: Readonly<Record<ProviderErrorKind, { code: ErrorCode; retryable: boolean }>> = {
  rate_limited: { code: ErrorCode.UpstreamRateLimited, retryable: true },
  auth: { code: ErrorCode.UpstreamAuth, retryable: false },
  bad_request: { code: ErrorCode.UpstreamBadRequest, retryable: false },
  not_found: { code: ErrorCode.UpstreamNotFound, retryable: false },
  content_filtered: { code: ErrorCode.UpstreamContentFiltered, retryable: false },
  context_too_long: { code: ErrorCode.UpstreamContextTooLong, retryable: false },
  timeout: { code: ErrorCode.UpstreamTimeout, retryable: true },
  overloaded: { code: ErrorCode.UpstreamOverloaded, retryable: true },
  server: { code: ErrorCode.UpstreamError, retryable: true },
  malformed_response: { code: ErrorCode.UpstreamMalformed, retryable: true },
};

export interface ProviderErrorInit {
  kind: ProviderErrorKind;
  provider: string;
  message: string;
  upstreamStatus?: number;
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * Every upstream failure, whatever the SDK threw, becomes one of these. The
 * kind decides the code and whether the same provider may be tried again.
 */
export class ProviderError extends SwitchyardError {
  readonly kind: ProviderErrorKind;
  readonly provider: string;
  readonly upstreamStatus: number | undefined;

  constructor(init: ProviderErrorInit) {
    const rule = KIND_RULES[init.kind];
    super(rule.code, `${init.provider}: ${init.message}`, {
      retryable: rule.retryable,
      retryAfterMs: init.retryAfterMs,
      cause: init.cause,
      details: { provider: init.provider, kind: init.kind, upstream_status: init.upstreamStatus ?? null },
    });
    this.kind = init.kind;
    this.provider = init.provider;
    this.upstreamStatus = init.upstreamStatus;
  }

  /** Maps an upstream HTTP status onto a kind when the body says nothing more precise. */
  static kindFromStatus(status: number): ProviderErrorKind {
    if (status === 429) return ProviderErrorKind.RateLimited;
    if (status === 401 || status === 403) return ProviderErrorKind.Auth;
    if (status === 404) return ProviderErrorKind.NotFound;
    if (status === 408 || status === 504) return ProviderErrorKind.Timeout;
    if (status === 413) return ProviderErrorKind.ContextTooLong;
    if (status === 503 || status === 529) return ProviderErrorKind.Overloaded;
    if (status >= 500) return ProviderErrorKind.Server;
    return ProviderErrorKind.BadRequest;
  }
}

/** Every route of a fallback chain failed; the message and details name each attempt. */
export class AllProvidersFailedError extends SwitchyardError {
  constructor(attempts: readonly { provider: string; model: string; code: string; attempts: number; upstreamStatus?: number }[], last: SwitchyardError) {
    const listed = attempts.map((attempt) => `${attempt.provider}/${attempt.model} (${attempt.code})`).join(', ');
    super(ErrorCode.AllProvidersFailed, `Every provider for this model failed: ${listed}.`, {
      retryable: last.retryable,
      retryAfterMs: last.retryAfterMs,
      details: { providers_tried: attempts },
    });
  }
}

/** The route's circuit is open after repeated failures: it is skipped until its cool-down ends. */
export class CircuitOpenError extends SwitchyardError {
  constructor(provider: string, model: string) {
    super(ErrorCode.CircuitOpen, `${provider}/${model} is failing and is being skipped for a while.`, {
      details: { provider, model },
    });
  }
}
