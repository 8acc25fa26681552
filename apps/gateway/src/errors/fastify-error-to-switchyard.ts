import { HttpException } from '@nestjs/common';
import { ErrorCode, InvalidRequestError, NotFoundError, ServiceUnavailableError, SwitchyardError } from '@switchyard/contracts';
import { isDatabaseUnavailable } from '@switchyard/database';

interface FrameworkError {
  code?: string;
  statusCode?: number;
  status?: number;
  message?: string;
}

/**
 * Errors raised by Fastify or Nest before our handlers run (body parsing,
 * size limits, unknown routes) become the same typed errors as our own, and
 * so does a database that does not answer: a 503, not an internal error.
 */
export function frameworkErrorToSwitchyard(thrown: unknown): unknown {
  if (SwitchyardError.isInstance(thrown)) return thrown;
  if (isDatabaseUnavailable(thrown)) return new ServiceUnavailableError('The database is unavailable right now; try again shortly.', { cause: thrown });
  // Nest wraps Fastify's own errors (body parsing, limits) in an HttpException; the cause says what happened.
  const error = thrown instanceof HttpException && thrown.cause !== undefined ? thrown.cause : thrown;
  const framework = (error ?? {}) as FrameworkError;
  const status = error instanceof HttpException ? error.getStatus() : (framework.statusCode ?? framework.status);
  switch (framework.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new InvalidRequestError('The request body is too large.', { code: ErrorCode.PayloadTooLarge });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new InvalidRequestError('Send the request body as application/json.', { code: ErrorCode.UnsupportedMediaType });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new InvalidRequestError('The Content-Length header does not match the body.');
    // The router's own refusals: a path part longer than any id or name can be names nothing that exists.
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new NotFoundError('No such resource: a part of the path is longer than any id or name.');
    case 'FST_ERR_BAD_URL':
      return new InvalidRequestError('The URL is not valid: a part of its path has broken percent-encoding.');
  }
  if (error instanceof SyntaxError || framework.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new InvalidRequestError('We could not parse the JSON body of your request.', { code: ErrorCode.InvalidJson });
  }
  if (status === 404) return new NotFoundError('Unknown route. See /docs for the API.');
  if (status === 413) return new InvalidRequestError('The request body is too large.', { code: ErrorCode.PayloadTooLarge });
  if (status === 415) return new InvalidRequestError('Send the request body as application/json.', { code: ErrorCode.UnsupportedMediaType });
  if (status !== undefined && status >= 400 && status < 500) {
    return new InvalidRequestError(framework.message ?? 'Bad request.');
  }
  return thrown;
}
