import { availableParallelism, homedir } from 'node:os';
import { join } from 'node:path';

/** Which of node-llama-cpp's binaries to run on; a GPU one must be installed (see docs/local-models.md). */
export type EmbeddedGpu = false | 'auto' | 'cuda' | 'vulkan' | 'metal';

/** The few log calls the embedded provider makes; a pino logger fits. */
export interface EmbeddedLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface EmbeddedAdapterSettings {
  provider: string;
  /** Where `hf:` models are downloaded to. Default: `SWITCHYARD_MODELS_DIR`, else `~/.cache/switchyard/models`. */
  modelsDir?: string;
  /** CPU threads per model. Default: min(2, available cores - 1), at least 1. */
  threads?: number;
  /** Tokens of context per request (prompt and answer). Default: 4096, or the model's training context if smaller. */
  contextSize?: number;
  /** Requests each model decodes at once. Default 1. */
  concurrency?: number;
  /** The longest wait for the first token and between two. */
  timeoutMs?: number;
  gpu?: EmbeddedGpu;
  /** Where `hf:` references are fetched from. Default: `SWITCHYARD_HF_ENDPOINT`, else `https://huggingface.co`. */
  hfEndpoint?: string;
  /** Sent as a bearer token to the hub, for gated models. Default: `HF_TOKEN`. */
  hfToken?: string;
  log?: EmbeddedLog;
}

export const EMBEDDED_DEFAULT_CONTEXT_SIZE = 4096;
export const HF_DEFAULT_ENDPOINT = 'https://huggingface.co';

/**
 * Two threads at most, and one core left to the event loop, Redis and the
 * rest: llama.cpp's threads spin while they wait for each other, so more
 * threads than free cores is far slower, not faster. Measured on a 2-core
 * machine (docs/benchmarks.md): 1 thread ~1,700 tokens/s on the test model,
 * 2 threads 12-44, llama.cpp's own default 64 tokens in 51 s.
 */
export function defaultThreads(cores: number = availableParallelism()): number {
  return Math.max(1, Math.min(2, cores - 1));
}

export function defaultModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SWITCHYARD_MODELS_DIR || join(homedir(), '.cache', 'switchyard', 'models');
}

/** Log lines to stderr when no logger is given (a CLI, a test). */
export const STDERR_LOG: EmbeddedLog = {
  info: (fields, message) => process.stderr.write(`${message} ${JSON.stringify(fields)}\n`),
  warn: (fields, message) => process.stderr.write(`${message} ${JSON.stringify(fields)}\n`),
};
