import type { ProviderKind } from '@switchyard/contracts';
import { VLLM_DEFAULT_BASE_URL } from './create-provider-adapter';
import { GROQ_DEFAULT_BASE_URL } from './groq/groq-adapter';
import { LLAMACPP_DEFAULT_HOST } from './llamacpp/llamacpp-adapter';
import { OLLAMA_DEFAULT_HOST } from './ollama/ollama-adapter';
import { OPENAI_DEFAULT_BASE_URL } from './openai/openai-config';
import { TGI_DEFAULT_HOST } from './tgi/tgi-adapter';

/** Where `@google/genai` sends requests when no base URL is given. */
export const GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';

/**
 * The address each kind's adapter calls when the routing file gives none (an
 * openai-compatible one falls back to OpenAI's, as its SDK does). An embedded
 * model runs in the worker itself and calls no address.
 */
const DEFAULT_BASE_URL: Readonly<Record<Exclude<ProviderKind, 'embedded'>, string>> = {
  openai: OPENAI_DEFAULT_BASE_URL,
  'openai-compatible': OPENAI_DEFAULT_BASE_URL,
  groq: GROQ_DEFAULT_BASE_URL,
  gemini: GEMINI_DEFAULT_BASE_URL,
  ollama: OLLAMA_DEFAULT_HOST,
  llamacpp: LLAMACPP_DEFAULT_HOST,
  vllm: VLLM_DEFAULT_BASE_URL,
  tgi: TGI_DEFAULT_HOST,
};

/** The base URL a configured provider's adapter calls: its own, or its kind's default; none for an embedded model. */
export function upstreamBaseUrl(settings: { kind: ProviderKind; baseUrl?: string }): string | undefined {
  if (settings.kind === 'embedded') return undefined;
  return settings.baseUrl ?? DEFAULT_BASE_URL[settings.kind];
}
