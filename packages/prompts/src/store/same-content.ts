import type { NewPromptVersion, PromptVersion } from './prompt-records';

/**
 * Whether a stored version holds what `input` would store. jsonb keeps no key
 * order, so both sides are compared in one canonical form; an absent field
 * counts as the default the store writes for it.
 */
export function sameContent(stored: PromptVersion, input: NewPromptVersion): boolean {
  return canonical(contentOf(stored)) === canonical(contentOf(input));
}

function contentOf(version: NewPromptVersion): Record<string, unknown> {
  return {
    messages: version.messages,
    model: version.model ?? null,
    parameters: version.parameters ?? {},
    variables: version.variables ?? {},
    responseFormat: version.responseFormat ?? null,
    variants: version.variants ?? [],
    author: version.author ?? null,
    note: version.note ?? null,
  };
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}
