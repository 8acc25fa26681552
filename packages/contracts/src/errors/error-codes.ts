/**
 * Every failure Switchyard reports has one of these codes. The HTTP status and
 * OpenAI error `type` for each live in one table (`http-error-map.ts`), so a
 * code means the same thing on every surface: HTTP, job results, usage rows.
 */
export const ErrorCode = {
  InvalidRequest: 'invalid_request',
  InvalidJson: 'invalid_json',
  UnsupportedMediaType: 'unsupported_media_type',
  PayloadTooLarge: 'payload_too_large',
  InvalidApiKey: 'invalid_api_key',
  PermissionDenied: 'permission_denied',
  /** The admin key acting for a tenant may read, and cancel or redeliver; nothing else. */
  AdminReadOnly: 'admin_read_only',
  ModelNotFound: 'model_not_found',
  NotFound: 'not_found',
  IdempotencyConflict: 'idempotency_key_reused',
  AlreadyExists: 'already_exists',
  SessionBusy: 'session_busy',
  SessionEnded: 'session_ended',
  RateLimited: 'rate_limit_exceeded',
  BudgetExceeded: 'budget_exceeded',
  UpstreamRateLimited: 'upstream_rate_limited',
  UpstreamAuth: 'upstream_auth_failed',
  UpstreamBadRequest: 'upstream_bad_request',
  UpstreamNotFound: 'upstream_not_found',
  UpstreamContentFiltered: 'content_filtered',
  UpstreamContextTooLong: 'context_length_exceeded',
  UpstreamTimeout: 'upstream_timeout',
  UpstreamOverloaded: 'upstream_overloaded',
  UpstreamError: 'upstream_error',
  UpstreamMalformed: 'upstream_malformed_response',
  AllProvidersFailed: 'all_providers_failed',
  StreamInterrupted: 'stream_interrupted',
  StructuredOutputInvalid: 'structured_output_invalid',
  TaskIncomplete: 'task_incomplete',
  TaskOutputInvalid: 'task_output_invalid',
  CircuitOpen: 'circuit_open',
  GatewayTimeout: 'gateway_timeout',
  MemoryBudgetExceeded: 'memory_budget_exceeded',
  JobExpired: 'job_expired',
  JobStalled: 'job_stalled',
  InvalidJob: 'invalid_job',
  ServiceUnavailable: 'service_unavailable',
  Internal: 'internal_error',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ALL_ERROR_CODES: readonly ErrorCode[] = Object.values(ErrorCode);
