import { LLM_JOB_NAME, type LlmJobPayload, type LlmJobResult, llmQueueName, llmQueuePrefix, unheardReplyKey } from '@switchyard/contracts';
import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { JobCancellations } from '../cancellations/job-cancellations';
import { coalesceWrites } from '../redis/redis-connection';
import { decodeReply, type ReplyMessage } from '../reply/reply-message';

export interface EnqueueOptions {
  jobId: string;
  attempts?: number;
  priority?: number;
  delayMs?: number;
  /** How long the finished job (and its result) stays readable; async jobs keep theirs for their retention. */
  retainMs?: number;
}

/**
 * A sync job's caller has its answer (and the usage row keeps the record), so
 * the finished job is deleted at once. It must be: BullMQ trims a queue's
 * whole completed set by any job's age or count, so a sync job that kept
 * "the newest N" or "the last hour" would delete async jobs whose results are
 * promised for their own retention.
 */
const KEEP_COMPLETED = true;

export const RETRY_BACKOFF = 'switchyard';
const KEEP_FAILED = { age: 7 * 24 * 3600 };

/** How long a reply nobody was subscribed for is kept, for a gateway whose subscription is reconnecting. */
const UNHEARD_REPLY_TTL_MS = 5 * 60_000;

function jobOptionsOf(options: EnqueueOptions): JobsOptions {
  const jobOptions: JobsOptions = {
    jobId: options.jobId,
    attempts: options.attempts ?? 1,
    // Computed by the worker's backoff strategy: exponential with full jitter, never sooner than Retry-After.
    backoff: { type: RETRY_BACKOFF },
    removeOnComplete: options.retainMs === undefined ? KEEP_COMPLETED : { age: Math.ceil(options.retainMs / 1000) },
    removeOnFail: options.retainMs === undefined ? KEEP_FAILED : { age: Math.ceil(options.retainMs / 1000) },
  };
  if (options.priority !== undefined) jobOptions.priority = options.priority;
  if (options.delayMs !== undefined) jobOptions.delay = options.delayMs;
  return jobOptions;
}

/**
 * Adds LLM jobs to their provider's queue. One BullMQ `add` is one Lua call,
 * so enqueueing costs a single Redis round trip.
 */
export class LlmJobProducer {
  private readonly queues = new Map<string, Queue<LlmJobPayload>>();

  constructor(
    private readonly connection: Redis,
    private readonly keyPrefix: string,
  ) {}

  queueFor(provider: string): Queue<LlmJobPayload> {
    let queue = this.queues.get(provider);
    if (queue === undefined) {
      queue = new Queue<LlmJobPayload>(llmQueueName(provider), {
        connection: this.connection,
        prefix: llmQueuePrefix(this.keyPrefix),
      });
      // The queue repeats its connection's errors, which the connection logs (createRedis); unheard, BullMQ prints them.
      queue.on('error', () => undefined);
      this.queues.set(provider, queue);
    }
    return queue;
  }

  async enqueue(payload: LlmJobPayload, options: EnqueueOptions): Promise<void> {
    coalesceWrites(this.connection);
    await this.queueFor(payload.route.provider).add(LLM_JOB_NAME, payload, jobOptionsOf(options));
  }

  /** Many jobs, one `addBulk` (one round trip) per provider queue they go to. */
  async enqueueBulk(jobs: readonly { payload: LlmJobPayload; options: EnqueueOptions }[]): Promise<void> {
    const byProvider = new Map<string, { name: string; data: LlmJobPayload; opts: JobsOptions }[]>();
    for (const { payload, options } of jobs) {
      const batch = byProvider.get(payload.route.provider) ?? [];
      batch.push({ name: LLM_JOB_NAME, data: payload, opts: jobOptionsOf(options) });
      byProvider.set(payload.route.provider, batch);
    }
    await Promise.all([...byProvider].map(([provider, batch]) => this.queueFor(provider).addBulk(batch)));
  }

  /** Asks every worker to stop the request (by its first job's id), wherever its chain has got to. */
  async cancel(jobId: string): Promise<void> {
    await JobCancellations.publish(this.connection, this.keyPrefix, jobId);
  }

  /**
   * Keeps a reply whose PUBLISH reached no subscriber: the caller's gateway
   * may be reconnecting and will ask for it (`finishedReply`). Costs nothing
   * while replies are heard.
   */
  async keepUnheardReply(jobId: string, message: string): Promise<void> {
    await this.connection.set(unheardReplyKey(this.keyPrefix, jobId), message, 'PX', UNHEARD_REPLY_TTL_MS);
  }

  /**
   * The reply a finished job would have published: one published while
   * nobody listened, or read back from its queue (a failed job, an async
   * job's result); undefined while it runs.
   */
  async finishedReply(provider: string, jobId: string, replyAs: string = jobId): Promise<ReplyMessage | undefined> {
    const unheard = await this.connection.get(unheardReplyKey(this.keyPrefix, replyAs));
    const kept = unheard === null ? undefined : decodeReply(unheard);
    if (kept !== undefined) return kept;
    return this.replyFromQueue(provider, jobId, replyAs);
  }

  private async replyFromQueue(provider: string, jobId: string, replyAs: string): Promise<ReplyMessage | undefined> {
    const job = await this.queueFor(provider).getJob(jobId);
    if (job === undefined || !job.finishedOn) return undefined;
    const result = job.returnvalue as LlmJobResult | null | undefined;
    // A job that handed its request to a fallback answers through the next job of the chain.
    if (result?.forwardedTo !== undefined) return this.replyFromQueue(result.forwardedTo.provider, result.forwardedTo.jobId, replyAs);
    if (result?.response !== undefined) {
      return { jobId: replyAs, ok: true, provider: result.provider, model: result.model, body: JSON.stringify(result.response) };
    }
    // A failed job's reason is the serialized typed error the worker also published.
    return { jobId: replyAs, ok: false, provider, model: job.data.route.model, body: job.failedReason };
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }
}
