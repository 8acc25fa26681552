import { ErrorCode } from './error-codes';
import { SwitchyardError } from './switchyard-error';

/** At most this many validation errors are quoted, so one broken answer cannot make a huge error body. */
const QUOTED_ERRORS = 10;

/**
 * A provider's answer to a request with a JSON response_format did not match
 * the schema, even after its syntax was repaired and the model was re-asked.
 * Not retryable on the same route (the re-asks were its retries), but worth a
 * fallback: another model may well comply. The caller gets it once the last
 * route has failed too.
 */
export class StructuredOutputInvalidError extends SwitchyardError {
  constructor(errors: readonly string[], options: { reasks: number; provider?: string; model?: string } = { reasks: 0 }) {
    const quoted = errors.slice(0, QUOTED_ERRORS);
    const asked = options.reasks === 1 ? '1 re-ask' : `${options.reasks} re-asks`;
    super(
      ErrorCode.StructuredOutputInvalid,
      `The model's answer did not match the requested response_format after ${asked}: ${quoted.join('; ') || 'no JSON found'}.`,
      {
        param: 'response_format',
        details: {
          errors: quoted,
          reasks: options.reasks,
          ...(options.provider === undefined ? {} : { provider: options.provider }),
          ...(options.model === undefined ? {} : { model: options.model }),
        },
      },
    );
  }
}
