export { ErrorCode, ALL_ERROR_CODES } from './error-codes';
export { HTTP_ERROR_MAP, type OpenAIErrorType } from './http-error-map';
export { SwitchyardError, type SwitchyardErrorOptions } from './switchyard-error';
export { InvalidRequestError, AuthenticationError, ModelNotFoundError, NotFoundError, RateLimitError, BudgetExceededError, IdempotencyConflictError } from './request-errors';
export { GatewayTimeoutError, JobExpiredError, JobStalledError, ServiceUnavailableError, InternalError, StreamInterruptedError } from './platform-errors';
export { AllProvidersFailedError, CircuitOpenError, ProviderError, ProviderErrorKind, type ProviderErrorInit } from './provider-error';
export {
  toHttpError,
  serializeError,
  deserializeError,
  type HttpError,
  type OpenAIErrorBody,
  openAIErrorBodySchema,
  type SerializedError,
} from './openai-error-body';
