import { type RunningWorker, startLlmWorker } from '@switchyard/jobs';
import type { Logger } from '@switchyard/observability';

/** Hosted providers; local backends (Ollama, llama.cpp, vLLM, TGI) run in worker-local on GPU nodes. */
export const CLOUD_KINDS: ReadonlySet<string> = new Set(['openai', 'openai-compatible', 'groq', 'gemini']);

export function startWorkerCloud(source: NodeJS.ProcessEnv = process.env, logger?: Logger): Promise<RunningWorker> {
  return startLlmWorker({ service: 'worker-cloud', kinds: CLOUD_KINDS, source, ...(logger ? { logger } : {}) });
}

export type { RunningWorker };
