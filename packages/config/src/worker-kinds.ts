import type { ProviderKind } from './routing-config-schema';

/** Model servers the operator runs, served by worker-local next to them; with `directModels`, any model they have may be named directly. */
export const LOCAL_KINDS: ReadonlySet<string> = new Set<ProviderKind>(['ollama', 'llamacpp', 'vllm', 'tgi']);

/** Hosted APIs, served by worker-cloud. Every provider kind is in exactly one of the two sets. */
export const CLOUD_KINDS: ReadonlySet<string> = new Set<ProviderKind>(['openai', 'openai-compatible', 'groq', 'gemini']);
