import { z } from 'zod';
import { ALL_ERROR_CODES, ErrorCode } from './error-codes';
import { HTTP_ERROR_MAP } from './http-error-map';
import { InternalError } from './platform-errors';
import { SwitchyardError } from './switchyard-error';

/**
 * The error body every OpenAI client already knows how to read. Extra fields
 * (`job_id`, `attempts`, …) carry safe facts about the failure.
 */
export const openAIErrorBodySchema = z.object({
  error: z
    .object({
      message: z.string(),
      type: z.string(),
      param: z.string().nullable(),
      code: z.string(),
    })
    .catchall(z.unknown()),
});
export type OpenAIErrorBody = z.infer<typeof openAIErrorBodySchema>;

export interface HttpError {
  status: number;
  body: OpenAIErrorBody;
  retryAfterSeconds?: number;
}

/** The single mapping from any thrown value to an HTTP status and OpenAI body. */
export function toHttpError(error: unknown): HttpError {
  const known = SwitchyardError.isInstance(error) ? error : new InternalError();
  const mapping = HTTP_ERROR_MAP[known.code];
  const body: OpenAIErrorBody = {
    error: { message: known.message, type: mapping.type, param: known.param, code: known.code, ...known.details },
  };
  return known.retryAfterMs === undefined
    ? { status: mapping.status, body }
    : { status: mapping.status, body, retryAfterSeconds: Math.max(1, Math.ceil(known.retryAfterMs / 1000)) };
}

/** How an error travels inside a job result or reply: plain data, no stack, no cause. */
export interface SerializedError {
  code: ErrorCode;
  message: string;
  param: string | null;
  retryable: boolean;
  retryAfterMs?: number;
  details?: Record<string, unknown>;
}

export function serializeError(error: unknown): SerializedError {
  const known = SwitchyardError.isInstance(error) ? error : new InternalError();
  return {
    code: known.code,
    message: known.message,
    param: known.param,
    retryable: known.retryable,
    ...(known.retryAfterMs === undefined ? {} : { retryAfterMs: known.retryAfterMs }),
    ...(known.details === undefined ? {} : { details: known.details }),
  };
}

export function deserializeError(data: SerializedError): SwitchyardError {
  const code = ALL_ERROR_CODES.includes(data.code) ? data.code : ErrorCode.Internal;
  return new SwitchyardError(code, data.message, {
    param: data.param,
    retryable: data.retryable,
    retryAfterMs: data.retryAfterMs,
    details: data.details,
  });
}
