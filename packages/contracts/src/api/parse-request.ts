import type { z } from 'zod';
import { formatParamPath, requireJsonObject, toInvalidRequestError } from '../chat/parse-chat-completion-request';
import { InvalidRequestError } from '../errors';

/** Validates a JSON body; a refusal names the field at fault (`limits.requestsPerMinute`). */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw toInvalidRequestError(result.error);
  return result.data;
}

/** As `parseBody`, after saying plainly that an empty body or one that is not an object is not a request. */
export function parseJsonObjectBody<T>(schema: z.ZodType<T>, body: unknown): T {
  requireJsonObject(body);
  return parseBody(schema, body);
}

/**
 * Validates a query string or a form. A refusal names the first parameter at
 * fault, in the order the schema lists them, in the schema's own words:
 * these schemas word their messages for the caller (`limit must be a whole
 * number from 1 to 100.`).
 */
export function parseParameters<T>(schema: z.ZodType<T>, parameters: unknown): T {
  const result = schema.safeParse(parameters);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new InvalidRequestError(issue?.message ?? 'Invalid parameters.', { param: issue === undefined ? null : formatParamPath(issue.path) });
}
