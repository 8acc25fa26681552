import type { PromptVariant, PromptVersion } from '../store/prompt-records';

/** The version's variant for the model or alias the request is routed to, if it has one. */
export function selectVariant(version: Pick<PromptVersion, 'variants'>, model: string | null): PromptVariant | undefined {
  if (model === null) return undefined;
  return version.variants.find((variant) => variant.model === model);
}
