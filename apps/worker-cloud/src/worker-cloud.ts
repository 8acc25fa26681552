import { CLOUD_KINDS } from '@switchyard/contracts';
import type { Logger } from '@switchyard/observability';
import type { RunningWorker } from '@switchyard/queue';
import { startLlmWorker } from '@switchyard/worker';

export function startWorkerCloud(source: NodeJS.ProcessEnv = process.env, logger?: Logger): Promise<RunningWorker> {
  return startLlmWorker({ service: 'worker-cloud', kinds: CLOUD_KINDS, source, ...(logger ? { logger } : {}) });
}

export type { RunningWorker };
