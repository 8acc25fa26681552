import type { AsyncJobView, LlmJobPayload } from '@switchyard/contracts';
import type { LlmJobProducer } from '@switchyard/queue';
import { jobEndedEvent } from './async-job-view';
import type { CancelRecords } from './cancel-records';
import { type JobLookup, QUEUED_STATES } from './job-lookup';
import type { BatchLineSink, WebhookSink } from './job-outcome-sinks';

/** Cancels jobs: a queued one is taken off its queue, a running one is aborted by its worker. */
export class JobCancellation {
  constructor(
    private readonly producer: LlmJobProducer,
    private readonly lookup: JobLookup,
    private readonly cancels: CancelRecords,
    private readonly webhooks?: WebhookSink,
    /** A dropped batch line still counts towards its batch, or the batch would never end. */
    private readonly batches?: BatchLineSink,
  ) {}

  /**
   * Cancels a queued job (taken off its queue, recorded and reported here)
   * or aborts a running one (its worker stops the upstream call, records and
   * reports it). A job that already ended is answered as it is.
   *
   * Without `onDropped` (a caller with no usage table, like the direct
   * client) a queued job is left for a worker instead: the written cancel
   * makes the worker that reaches it end it cancelled without a call, and
   * record and report it. A delayed one is made due now, so that is soon.
   */
  async cancel(jobId: string, tenant: string, onDropped?: (payload: LlmJobPayload) => void): Promise<AsyncJobView> {
    const found = await this.lookup.locate(jobId, tenant);
    if (found.view.status !== 'queued' && found.view.status !== 'running') return found.view;
    await this.cancels.markCancelled(jobId, tenant);
    // Every worker hears it: the one running the job aborts it, the others drop it if it reaches them.
    await this.producer.cancel(jobId);
    if (onDropped === undefined) {
      // Brought forward so a worker reaches it soon: a delayed job made due, a low-priority one put first
      // among the prioritized (a job waiting without a priority is already ahead of those).
      const state = await found.job?.getState();
      if (state === 'delayed') await found.job?.promote().catch(() => undefined);
      if (state === 'prioritized') await found.job?.changePriority({ priority: 1 }).catch(() => undefined);
      return (await this.lookup.locate(jobId, tenant)).view;
    }
    if (found.view.status === 'queued' && found.job !== undefined) {
      // A job a worker took meanwhile is locked and stays (the cancel above reaches that worker); one that
      // finished meanwhile keeps its outcome: the state is read again right before removing.
      const job = found.job;
      const stillQueued = QUEUED_STATES.has(await job.getState());
      const removed =
        stillQueued &&
        (await job.remove().then(
          () => true,
          () => false,
        ));
      if (removed) {
        const view = { ...found.view, status: 'cancelled' as const, finished_at: Math.floor(Date.now() / 1000) };
        onDropped(found.job.data);
        await this.cancels.keepFinal(jobId, view);
        const event = jobEndedEvent(view, found.job.data);
        if (event !== undefined) await this.webhooks?.deliver(event);
        if (found.job.data.batch !== undefined) await this.batches?.lineEnded(found.job.data, jobId, { status: 'cancelled', attempts: 0 });
        return view;
      }
    }
    return (await this.lookup.locate(jobId, tenant)).view;
  }
}
