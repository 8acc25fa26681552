import { LOCAL_KINDS } from '@switchyard/contracts';
import type { Logger } from '@switchyard/observability';
import type { RunningWorker } from '@switchyard/queue';
import { startLlmWorker } from '@switchyard/worker';

export function startWorkerLocal(source: NodeJS.ProcessEnv = process.env, logger?: Logger): Promise<RunningWorker> {
  return startLlmWorker({ service: 'worker-local', kinds: LOCAL_KINDS, publishInventory: true, source, ...(logger ? { logger } : {}) });
}

export type { RunningWorker };
