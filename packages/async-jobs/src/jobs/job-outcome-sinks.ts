import type { LlmJobPayload, WebhookDelivery } from '@switchyard/contracts';
import type { JobFacts } from './async-job-view';

/** Where an async job's outcome goes besides its status URL. */
export interface WebhookSink {
  deliver(delivery: WebhookDelivery): Promise<void>;
}

/**
 * Where the end of a batch's line is counted. A line dropped from its queue
 * before it ran is counted here too, or its batch would never end.
 */
export interface BatchLineSink {
  lineEnded(payload: LlmJobPayload, jobId: string, facts: Pick<JobFacts, 'status' | 'result' | 'error' | 'attempts'>): Promise<void>;
}
