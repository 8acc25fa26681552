import { ErrorCode } from './error-codes';
import { SwitchyardError, type SwitchyardErrorOptions } from './switchyard-error';

type Options = Omit<SwitchyardErrorOptions, 'retryable'>;

export class InvalidRequestError extends SwitchyardError {
  constructor(message: string, options: Options & { code?: ErrorCode } = {}) {
    super(options.code ?? ErrorCode.InvalidRequest, message, options);
  }
}

export class AuthenticationError extends SwitchyardError {
  constructor(message = 'Invalid API key. Send it as "Authorization: Bearer <key>".') {
    super(ErrorCode.InvalidApiKey, message);
  }
}

export class ModelNotFoundError extends SwitchyardError {
  constructor(model: string) {
    super(ErrorCode.ModelNotFound, `The model '${model}' does not exist or you do not have access to it.`, {
      param: 'model',
    });
  }
}

export class NotFoundError extends SwitchyardError {
  constructor(message: string) {
    super(ErrorCode.NotFound, message);
  }
}

/** The same Idempotency-Key came with a different request. */
export class IdempotencyConflictError extends SwitchyardError {
  constructor(jobId: string) {
    super(ErrorCode.IdempotencyConflict, `This Idempotency-Key was already used for job ${jobId} with a different request body.`, {
      param: 'Idempotency-Key',
      details: { job_id: jobId },
    });
  }
}

/** A session turn asked not to wait while another turn of the session was running. */
export class SessionBusyError extends SwitchyardError {
  constructor(sessionId: string) {
    super(ErrorCode.SessionBusy, `Session ${sessionId} is running another turn; send again when it ends, or send without "wait": false to queue behind it.`, {
      param: 'wait',
      details: { session_id: sessionId },
    });
  }
}

/** A message for a session that was ended or expired after its idle TTL. */
export class SessionEndedError extends SwitchyardError {
  constructor(sessionId: string, status: string) {
    super(ErrorCode.SessionEnded, `Session ${sessionId} is ${status}; start a new session.`, { details: { session_id: sessionId, status } });
  }
}

export class RateLimitError extends SwitchyardError {
  constructor(message: string, options: Options = {}) {
    super(ErrorCode.RateLimited, message, { ...options, retryable: true });
  }
}

/** The key's spending budget for the day or month is used up. */
export class BudgetExceededError extends SwitchyardError {
  constructor(message: string, options: Options = {}) {
    super(ErrorCode.BudgetExceeded, message, options);
  }
}
