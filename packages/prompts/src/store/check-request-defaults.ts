import { type ChatCompletionRequest, chatCompletionRequestSchema, InvalidRequestError, toInvalidRequestError } from '@switchyard/contracts';
import { assertUsableSchema, structuredSpecOf } from '@switchyard/structured-output';
import { requestDefaults } from '../rendering/request-defaults';
import type { NewPromptVersion } from './prompt-records';

/** The smallest request a version's defaults go into: what they are checked in. */
const PROBE = { model: 'prompt-check', messages: [{ role: 'user', content: 'check' }] };

/**
 * Throws a 400 naming the field (`parameters.temperature`,
 * `variants[0].parameters.max_tokens`, `response_format...`) unless the
 * version's defaults make a valid chat request: a version whose every request
 * would be refused is not stored.
 */
export function checkRequestDefaults(input: NewPromptVersion): void {
  checkDefaults(requestDefaults(input.parameters ?? {}), 'parameters.');
  for (const [index, variant] of (input.variants ?? []).entries()) checkDefaults(requestDefaults(variant.parameters ?? {}), `variants[${index}].parameters.`);
  if (input.responseFormat == null) return;
  const request = checkDefaults({ response_format: input.responseFormat }, '');
  const spec = structuredSpecOf(request);
  if (spec !== undefined) assertUsableSchema(spec);
}

function checkDefaults(defaults: Record<string, unknown>, prefix: string): ChatCompletionRequest {
  const checked = chatCompletionRequestSchema.safeParse({ ...defaults, ...PROBE });
  if (checked.success) return checked.data;
  const error = toInvalidRequestError(checked.error);
  const param = error.param === null ? prefix.replace(/\.$/, '') || null : `${prefix}${error.param}`;
  throw new InvalidRequestError(`${error.message} (in the prompt version's ${param ?? 'defaults'}: every request rendered from it would be refused)`, {
    param,
    cause: error,
  });
}
