export interface AsyncJobsOptions {
  prefix: string;
  /** BullMQ attempts per route. */
  attempts: number;
  /** How long a job, its result and its idempotency key stay readable. */
  retentionMs: number;
  /** Providers whose queues exist: an id naming any other is refused before a queue object is made for it. */
  isKnownProvider: (provider: string) => boolean;
}
