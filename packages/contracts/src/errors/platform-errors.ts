import { ErrorCode } from './error-codes';
import { SwitchyardError, type SwitchyardErrorOptions } from './switchyard-error';

/** A synchronous caller stopped waiting; the job itself may still finish. */
export class GatewayTimeoutError extends SwitchyardError {
  constructor(jobId: string, timeoutMs: number) {
    super(
      ErrorCode.GatewayTimeout,
      `The request did not complete within ${timeoutMs} ms (job ${jobId}). It was accepted and may still finish: GET /v1/requests/${jobId} answers with its outcome once it ends.`,
      { details: { job_id: jobId, timeout_ms: timeoutMs } },
    );
  }
}

/** A job reached a worker after its caller's deadline, so it was not sent upstream. */
export class JobExpiredError extends SwitchyardError {
  constructor(jobId: string) {
    super(ErrorCode.JobExpired, `Job ${jobId} passed its deadline before a worker could run it.`, {
      details: { job_id: jobId },
    });
  }
}

/** BullMQ gave up on a job whose workers kept stopping mid-way (its stall limit). */
export class JobStalledError extends SwitchyardError {
  constructor(jobId: string) {
    super(ErrorCode.JobStalled, `Job ${jobId} was interrupted too many times (its workers stopped while running it).`, {
      retryable: true,
      details: { job_id: jobId },
    });
  }
}

export class ServiceUnavailableError extends SwitchyardError {
  constructor(message: string, options: SwitchyardErrorOptions = {}) {
    super(ErrorCode.ServiceUnavailable, message, { retryable: true, ...options });
  }
}

export class InternalError extends SwitchyardError {
  constructor(message = 'The server had an error while processing your request.', options: SwitchyardErrorOptions = {}) {
    super(ErrorCode.Internal, message, options);
  }
}

/**
 * A stream failed after its first token: too late to retry or fall back
 * without sending the caller text twice, so the stream ends with this error.
 */
export class StreamInterruptedError extends SwitchyardError {
  constructor(jobId: string, reason: string, options: SwitchyardErrorOptions = {}) {
    super(ErrorCode.StreamInterrupted, `The stream of job ${jobId} broke off after it began: ${reason}. The text so far is incomplete; retry the request.`, {
      retryable: true,
      ...options,
      details: { job_id: jobId, ...options.details },
    });
  }
}
