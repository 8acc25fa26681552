import { InvalidRequestError } from '@switchyard/contracts';
import { checkTemplate } from '../rendering/strict-mustache';
import { checkVariablesSchema } from '../rendering/variables-validator';
import type { NewPromptVersion } from './prompt-records';

/** Names travel in URLs (`/v1/prompts/{name}/labels/{label}`), so they stay URL-safe. */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Throws a 400 naming `param` unless `value` is a usable prompt or label name. */
export function checkPromptName(value: string, param: string): void {
  if (!NAME_PATTERN.test(value)) {
    throw new InvalidRequestError(`${param} must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit.`, { param });
  }
}

/** Rejects at save what could never render, so a broken version is never stored. */
export function checkPromptVersion(input: NewPromptVersion): void {
  if (input.messages.length === 0) throw new InvalidRequestError('A prompt version needs at least one message.', { param: 'messages' });
  for (const [index, message] of input.messages.entries()) checkTemplate(message.content, `messages[${index}].content`);
  checkVariablesSchema(input.variables ?? {});
  for (const [v, variant] of (input.variants ?? []).entries()) {
    for (const [index, message] of (variant.messages ?? []).entries()) checkTemplate(message.content, `variants[${v}].messages[${index}].content`);
  }
}
