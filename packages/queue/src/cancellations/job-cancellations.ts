import { batchStoppedKey, cancelChannel, cancelRecordKey } from '@switchyard/contracts';
import type { Redis } from 'ioredis';

/** How long a cancel is remembered for a job that had not started when it came. */
const REMEMBER_MS = 120_000;
const MAX_REMEMBERED = 50_000;

/** Only async jobs (`job_…`) have their cancel written down; others are waited on by a live caller. */
const ASYNC_JOB = /^job_/;

/**
 * Cancels reach every worker through one pub/sub channel: the worker running
 * the job aborts it (and with it the upstream request); the others remember
 * the id for a while, in case the job is still waiting in a queue or is
 * handed to one of them as a fallback.
 */
export class JobCancellations {
  private readonly running = new Map<string, AbortController>();
  private readonly cancelled = new Map<string, number>();

  private constructor(
    private readonly subscriber: Redis,
    private readonly prefix: string,
    private readonly records: Redis | undefined,
  ) {}

  /** `records`: a connection to read async jobs' written cancels (`wasCancelled`). */
  static async start(subscriber: Redis, prefix: string, records?: Redis): Promise<JobCancellations> {
    const cancellations = new JobCancellations(subscriber, prefix, records);
    subscriber.on('message', (_channel: string, jobId: string) => cancellations.cancel(jobId));
    await subscriber.subscribe(cancelChannel(prefix));
    return cancellations;
  }

  /** Tells every worker that nobody waits for the job any more. */
  static publish(publisher: Redis, prefix: string, jobId: string): Promise<number> {
    return publisher.publish(cancelChannel(prefix), jobId);
  }

  /** An abort signal for the job, already aborted when its cancel came first. Call `done` when it ends. */
  track(jobId: string): AbortController {
    const controller = new AbortController();
    if (this.cancelled.has(jobId)) controller.abort();
    else this.running.set(jobId, controller);
    return controller;
  }

  done(jobId: string): void {
    this.running.delete(jobId);
  }

  isCancelled(jobId: string): boolean {
    return this.cancelled.has(jobId);
  }

  /**
   * Whether a job about to start was cancelled: heard on the channel, or,
   * for an async job, written down. The record covers what the broadcast
   * cannot: a worker that was reconnecting or not yet started when the
   * cancel came, a retry or fallback that waited longer than a cancel is
   * remembered here, and the lines of a batch that was stopped. One EXISTS
   * per async job start.
   */
  async wasCancelled(jobId: string, batchId?: string): Promise<boolean> {
    if (this.cancelled.has(jobId)) return true;
    if (this.records === undefined || !ASYNC_JOB.test(jobId)) return false;
    const keys = [cancelRecordKey(this.prefix, jobId)];
    // A batch being stopped may not have reached this line's job yet (or its gateway stopped half-way).
    if (batchId !== undefined) keys.push(batchStoppedKey(this.prefix, batchId));
    return (await this.records.exists(...keys)) > 0;
  }

  private cancel(jobId: string): void {
    const now = Date.now();
    if (this.cancelled.size >= MAX_REMEMBERED) this.forgetOld(now);
    this.cancelled.set(jobId, now);
    this.running.get(jobId)?.abort();
    this.running.delete(jobId);
  }

  private forgetOld(now: number): void {
    for (const [jobId, at] of this.cancelled) {
      // Insertion order is time order: stop at the first one still fresh.
      if (now - at < REMEMBER_MS) break;
      this.cancelled.delete(jobId);
    }
    if (this.cancelled.size >= MAX_REMEMBERED) this.cancelled.clear();
  }

  async close(): Promise<void> {
    await this.subscriber.quit().catch(() => undefined);
  }
}
