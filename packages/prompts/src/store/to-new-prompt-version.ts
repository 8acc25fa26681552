import type { PromptFile } from '@switchyard/contracts';
import type { NewPromptVersion } from './prompt-records';

/** A version as the API and the prompts folder write it (snake_case), as the store takes it. */
export function toNewPromptVersion(fields: Omit<PromptFile, 'name' | 'labels'>): NewPromptVersion {
  return {
    messages: fields.messages,
    model: fields.model ?? null,
    parameters: fields.parameters ?? {},
    variables: fields.variables ?? {},
    responseFormat: fields.response_format ?? null,
    variants: fields.variants ?? [],
    author: fields.author ?? null,
    note: fields.note ?? null,
  };
}
