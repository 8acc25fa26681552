import { ServiceUnavailableError, SwitchyardError } from '@switchyard/contracts';

/** What a bug throws (a value too deep to serialise, a wrong type); never a sign that the queue is down. */
const PROGRAM_ERRORS = [TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError];

/**
 * What a failed enqueue should answer: the queue's own failures (Redis unreachable or refusing
 * writes) become a 503 worth retrying; a bug stays itself, so it is logged and answered as an
 * internal error instead of sending clients into retries and operators looking at a healthy Redis.
 */
export function queueFailure(cause: unknown, message: string): unknown {
  if (SwitchyardError.isInstance(cause) || PROGRAM_ERRORS.some((type) => cause instanceof type)) return cause;
  return new ServiceUnavailableError(message, { cause });
}
