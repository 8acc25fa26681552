import type { ProviderKind } from '@switchyard/contracts';

/**
 * How a structured answer is asked of a provider:
 * - `native`: `response_format` goes to the adapter, which sends the
 *   provider's own constrained-output field;
 * - `tool`: one forced function tool whose parameters are the schema;
 * - `instructions`: the schema is written into a system message.
 */
export type StructuredMode = 'native' | 'tool' | 'instructions';

/**
 * Kinds whose adapter sends a constrained-output field of the provider's own
 * (OpenAI `response_format`, Gemini `responseSchema`, Ollama `format`,
 * llama.cpp `json_schema`, TGI `grammar`, an embedded model's grammar). Every kind has one today; a kind
 * added without it falls back to instructions, which any model can follow.
 */
const NATIVE_KINDS: ReadonlySet<ProviderKind> = new Set<ProviderKind>([
  'openai',
  'openai-compatible',
  'groq',
  'gemini',
  'ollama',
  'llamacpp',
  'vllm',
  'tgi',
  'embedded',
]);

/** The mode for a provider kind: a model's configured mode wins; `auto` (or none) picks native wherever the kind has it. */
export function structuredModeFor(kind: ProviderKind, configured?: StructuredMode | 'auto'): StructuredMode {
  if (configured !== undefined && configured !== 'auto') return configured;
  return NATIVE_KINDS.has(kind) ? 'native' : 'instructions';
}
