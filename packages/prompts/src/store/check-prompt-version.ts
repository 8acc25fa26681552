import { InvalidRequestError } from '@switchyard/contracts';
import { checkTemplate } from '../rendering/strict-mustache';
import { checkVariablesSchema } from '../rendering/variables-validator';
import { checkRequestDefaults } from './check-request-defaults';
import type { NewPromptVersion } from './prompt-records';

/** Names travel in URLs (`/v1/prompts/{name}/labels/{label}`), so they stay URL-safe. */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The largest version number the store can hold (PostgreSQL `integer`). */
export const MAX_PROMPT_VERSION = 2_147_483_647;

/** Whether `value` is a name a prompt or label can have: any other names nothing stored. */
export const isPromptName = (value: string): boolean => NAME_PATTERN.test(value);

/** Whether a version of this number could be stored: any other is no version of any prompt. */
export const isStorableVersion = (version: number): boolean => Number.isSafeInteger(version) && version >= 1 && version <= MAX_PROMPT_VERSION;

/** Throws a 400 naming `param` unless `value` is a usable prompt or label name. */
export function checkPromptName(value: string, param: string): void {
  if (!isPromptName(value)) {
    throw new InvalidRequestError(`${param} must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit.`, { param });
  }
}

/** Rejects at save what could never render, so a broken version is never stored. */
export function checkPromptVersion(input: NewPromptVersion): void {
  if (input.messages.length === 0) throw new InvalidRequestError('A prompt version needs at least one message.', { param: 'messages' });
  checkNoNul(input);
  for (const [index, message] of input.messages.entries()) checkTemplate(message.content, `messages[${index}].content`);
  const variables = input.variables ?? {};
  // Variables are given as an object: a schema for anything else would refuse every request.
  if (variables.type !== undefined && variables.type !== 'object') {
    throw new InvalidRequestError("variables must be a JSON Schema of type 'object' (the variables are given as an object).", { param: 'variables' });
  }
  checkVariablesSchema(variables);
  for (const [v, variant] of (input.variants ?? []).entries()) {
    for (const [index, message] of (variant.messages ?? []).entries()) checkTemplate(message.content, `variants[${v}].messages[${index}].content`);
  }
  checkRequestDefaults(input);
}

/** PostgreSQL text and jsonb cannot hold NUL: refused naming the field, rather than failing the insert. */
function checkNoNul(input: NewPromptVersion): void {
  const fields = {
    messages: input.messages,
    model: input.model,
    parameters: input.parameters,
    variables: input.variables,
    response_format: input.responseFormat,
    variants: input.variants,
    author: input.author,
    note: input.note,
  };
  const param = nulAt(fields, '');
  if (param !== undefined) throw new InvalidRequestError(`${param} must not contain NUL characters.`, { param });
}

/** The param path of the first string (or key) holding NUL in `value`; a key with NUL names its object. */
function nulAt(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = nulAt(item, `${path}[${index}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return path;
    const found = nulAt(item, path === '' ? key : `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}
