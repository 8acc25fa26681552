import type { RouteStructured } from '@switchyard/config';
import { type ChatCompletionRequest, InvalidRequestError, type LlmJobPayload, MAX_STRUCTURED_REASKS } from '@switchyard/contracts';
import { assertUsableSchema, type StructuredMode, structuredModeFor, structuredSpecOf } from '@switchyard/structured-output';

type Headers = Record<string, string | string[] | undefined>;

export const REASKS_HEADER = 'x-switchyard-structured-reasks';

/**
 * The request as validated, with a JSON Schema Ajv cannot compile refused
 * here (a 400 naming the schema) rather than by a worker after queueing.
 */
export function withUsableResponseFormat<T extends ChatCompletionRequest>(request: T): T {
  const spec = structuredSpecOf(request);
  if (spec !== undefined) assertUsableSchema(spec);
  return request;
}

/** The caller's own re-ask bound from `x-switchyard-structured-reasks`, for the job payload. */
export function structuredSettingsOf(headers: Headers): LlmJobPayload['structured'] {
  const header = headers[REASKS_HEADER];
  if (header === undefined) return undefined;
  const reasks = Number(header);
  if (typeof header !== 'string' || header.trim() === '' || !Number.isInteger(reasks) || reasks < 0 || reasks > MAX_STRUCTURED_REASKS) {
    throw new InvalidRequestError(`${REASKS_HEADER} must be a whole number from 0 to ${MAX_STRUCTURED_REASKS}.`, { param: REASKS_HEADER });
  }
  return { reasks };
}

/** How the first route will be asked for the answer, known before it is queued; undefined for a plain-text request. */
export function structuredModeOf(request: ChatCompletionRequest, settings: RouteStructured | undefined): StructuredMode | undefined {
  if (structuredSpecOf(request) === undefined) return undefined;
  return settings === undefined ? 'native' : structuredModeFor(settings.providerKind, settings.mode);
}
