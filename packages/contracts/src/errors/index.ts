export { ALL_ERROR_CODES, ErrorCode } from './error-codes';
export { HTTP_ERROR_MAP, type OpenAIErrorType } from './http-error-map';
export { LocalCommandTimeoutError, MemoryBudgetExceededError } from './local-model-errors';
export {
  deserializeError,
  type HttpError,
  type OpenAIErrorBody,
  openAIErrorBodySchema,
  type SerializedError,
  serializeError,
  toHttpError,
} from './openai-error-body';
export { GatewayTimeoutError, InternalError, JobExpiredError, JobStalledError, ServiceUnavailableError, StreamInterruptedError } from './platform-errors';
export { PromptVariableError, type PromptVariableProblem } from './prompt-variable-error';
export { AllProvidersFailedError, CircuitOpenError, ProviderError, type ProviderErrorInit, ProviderErrorKind } from './provider-error';
export {
  AuthenticationError,
  BudgetExceededError,
  IdempotencyConflictError,
  InvalidRequestError,
  ModelNotFoundError,
  NotFoundError,
  RateLimitError,
  SessionBusyError,
  SessionEndedError,
} from './request-errors';
export { StructuredOutputInvalidError } from './structured-output-error';
export { SwitchyardError, type SwitchyardErrorOptions } from './switchyard-error';
export { TaskIncompleteError, TaskOutputInvalidError } from './task-errors';
