import { ErrorCode } from './error-codes';

export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'insufficient_quota'
  | 'upstream_error'
  | 'invalid_response_error'
  | 'timeout_error'
  | 'service_unavailable_error'
  | 'server_error';

interface HttpMapping {
  readonly status: number;
  readonly type: OpenAIErrorType;
}

/** The one place an error code becomes an HTTP status and an OpenAI error type. */
export const HTTP_ERROR_MAP: Readonly<Record<ErrorCode, HttpMapping>> = {
  [ErrorCode.InvalidRequest]: { status: 400, type: 'invalid_request_error' },
  [ErrorCode.InvalidJson]: { status: 400, type: 'invalid_request_error' },
  [ErrorCode.UnsupportedMediaType]: { status: 415, type: 'invalid_request_error' },
  [ErrorCode.PayloadTooLarge]: { status: 413, type: 'invalid_request_error' },
  [ErrorCode.InvalidApiKey]: { status: 401, type: 'authentication_error' },
  [ErrorCode.PermissionDenied]: { status: 403, type: 'permission_error' },
  [ErrorCode.AdminReadOnly]: { status: 403, type: 'permission_error' },
  [ErrorCode.ModelNotFound]: { status: 404, type: 'invalid_request_error' },
  [ErrorCode.NotFound]: { status: 404, type: 'not_found_error' },
  [ErrorCode.IdempotencyConflict]: { status: 409, type: 'invalid_request_error' },
  [ErrorCode.AlreadyExists]: { status: 409, type: 'invalid_request_error' },
  [ErrorCode.SessionBusy]: { status: 409, type: 'invalid_request_error' },
  [ErrorCode.SessionEnded]: { status: 409, type: 'invalid_request_error' },
  [ErrorCode.MemoryBudgetExceeded]: { status: 409, type: 'invalid_request_error' },
  [ErrorCode.RateLimited]: { status: 429, type: 'rate_limit_error' },
  // 402, not 429: clients (the OpenAI SDKs among them) retry a 429, and a spent budget does not come back in seconds.
  [ErrorCode.BudgetExceeded]: { status: 402, type: 'insufficient_quota' },
  [ErrorCode.UpstreamRateLimited]: { status: 429, type: 'rate_limit_error' },
  // The caller's credentials were fine; ours towards the provider were not.
  [ErrorCode.UpstreamAuth]: { status: 502, type: 'upstream_error' },
  [ErrorCode.UpstreamBadRequest]: { status: 400, type: 'invalid_request_error' },
  [ErrorCode.UpstreamNotFound]: { status: 502, type: 'upstream_error' },
  [ErrorCode.UpstreamContentFiltered]: { status: 400, type: 'invalid_request_error' },
  [ErrorCode.UpstreamContextTooLong]: { status: 400, type: 'invalid_request_error' },
  [ErrorCode.UpstreamTimeout]: { status: 504, type: 'timeout_error' },
  [ErrorCode.UpstreamOverloaded]: { status: 503, type: 'service_unavailable_error' },
  [ErrorCode.UpstreamError]: { status: 502, type: 'upstream_error' },
  [ErrorCode.UpstreamMalformed]: { status: 502, type: 'upstream_error' },
  [ErrorCode.AllProvidersFailed]: { status: 502, type: 'upstream_error' },
  // Only ever an event inside a stream whose 200 was already sent.
  [ErrorCode.StreamInterrupted]: { status: 502, type: 'upstream_error' },
  // The request was fine and the providers answered, but never in the shape its response_format asked for.
  [ErrorCode.StructuredOutputInvalid]: { status: 422, type: 'invalid_response_error' },
  // A task step that must succeed for its answer to mean anything (pii-detect's model step) did not: no partial answer is given.
  [ErrorCode.TaskIncomplete]: { status: 502, type: 'upstream_error' },
  // A schema-valid answer that breaks a task's own rule (a citation naming a document that was not supplied).
  [ErrorCode.TaskOutputInvalid]: { status: 422, type: 'invalid_response_error' },
  [ErrorCode.CircuitOpen]: { status: 503, type: 'service_unavailable_error' },
  [ErrorCode.GatewayTimeout]: { status: 504, type: 'timeout_error' },
  [ErrorCode.JobExpired]: { status: 504, type: 'timeout_error' },
  // Workers kept dying on this job; trying again later may well work.
  [ErrorCode.JobStalled]: { status: 503, type: 'service_unavailable_error' },
  [ErrorCode.InvalidJob]: { status: 500, type: 'server_error' },
  [ErrorCode.ServiceUnavailable]: { status: 503, type: 'service_unavailable_error' },
  [ErrorCode.Internal]: { status: 500, type: 'server_error' },
};
