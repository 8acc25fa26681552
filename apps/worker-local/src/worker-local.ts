import { type RunningWorker, startLlmWorker } from '@switchyard/jobs';
import type { Logger } from '@switchyard/observability';

/** Model servers on the operator's own (GPU) machines. */
export const LOCAL_KINDS: ReadonlySet<string> = new Set(['ollama', 'llamacpp', 'vllm', 'tgi']);

export function startWorkerLocal(source: NodeJS.ProcessEnv = process.env, logger?: Logger): Promise<RunningWorker> {
  return startLlmWorker({ service: 'worker-local', kinds: LOCAL_KINDS, source, ...(logger ? { logger } : {}) });
}

export type { RunningWorker };
