/** Every kind of provider a routing file may name; each has an adapter in `@switchyard/providers`. */
export const PROVIDER_KINDS = ['openai', 'openai-compatible', 'groq', 'gemini', 'ollama', 'llamacpp', 'vllm', 'tgi', 'embedded'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/**
 * The worker that consumes a provider's queues: worker-cloud calls hosted
 * APIs; worker-local runs next to model servers the operator runs, and with
 * `directModels` any model such a server has may be named directly; it also
 * runs `embedded` models itself, in its own process.
 */
export type WorkerFamily = 'cloud' | 'local';

/** Which worker family serves each kind; a new kind does not compile until it is given one. */
export const WORKER_FAMILY_OF_KIND: Readonly<Record<ProviderKind, WorkerFamily>> = {
  openai: 'cloud',
  'openai-compatible': 'cloud',
  groq: 'cloud',
  gemini: 'cloud',
  ollama: 'local',
  llamacpp: 'local',
  vllm: 'local',
  tgi: 'local',
  embedded: 'local',
};

/** The provider kinds `family` serves. */
function kindsServedBy(family: WorkerFamily): ReadonlySet<string> {
  return new Set(PROVIDER_KINDS.filter((kind) => WORKER_FAMILY_OF_KIND[kind] === family));
}

/** Model servers the operator runs, and models run in-process, served by worker-local. */
export const LOCAL_KINDS = kindsServedBy('local');

/** Hosted APIs, served by worker-cloud. */
export const CLOUD_KINDS = kindsServedBy('cloud');
