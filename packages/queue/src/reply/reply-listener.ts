import { randomUUID } from 'node:crypto';
import { GatewayTimeoutError, replyChannel, ServiceUnavailableError } from '@switchyard/contracts';
import type { Redis } from 'ioredis';
import { decodeReply, type ReplyMessage } from './reply-message';

const RECOVERY_ROUNDS = 4;
const RECOVERY_DELAY_MS = 250;

/** Looks the job up in its queue: the answer, if it finished while the subscription was down. */
export type ReplyRecovery = () => Promise<ReplyMessage | undefined>;

/** Receives a stream's messages in arrival order; `error` ends it. */
export interface StreamSink {
  message(reply: ReplyMessage): void;
  error(error: Error): void;
}

interface Waiter {
  /** Returns true when the message ends the wait. */
  deliver(reply: ReplyMessage): boolean;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  recover?: ReplyRecovery;
  /** Stream parts lost in a reconnect cannot be asked for again. */
  streaming?: true;
}

/**
 * Lets a gateway instance wait for its jobs without polling: one SUBSCRIBE
 * per process, and each job names this instance's channel in `replyTo`.
 * Waiting costs a Map entry and a timer, no Redis command.
 */
export class ReplyListener {
  readonly instanceId = randomUUID();
  readonly channel: string;
  private readonly waiters = new Map<string, Waiter>();
  private observer: ((reply: ReplyMessage) => void) | undefined;

  private constructor(
    private readonly subscriber: Redis,
    prefix: string,
  ) {
    this.channel = replyChannel(prefix, this.instanceId);
  }

  static async start(subscriber: Redis, prefix: string): Promise<ReplyListener> {
    const listener = new ReplyListener(subscriber, prefix);
    subscriber.on('message', (_channel: string, message: string) => listener.deliver(message));
    await subscriber.subscribe(listener.channel);
    // Pub/sub keeps nothing for a disconnected subscriber: after ioredis reconnects and
    // re-subscribes, ask the queue about every job still waited on.
    subscriber.on('ready', () => {
      listener.interruptStreams();
      void listener.recoverAll();
    });
    return listener;
  }

  /** Register before enqueueing, so a reply that arrives first is not missed. */
  wait(jobId: string, timeoutMs: number, recover?: ReplyRecovery): Promise<ReplyMessage> {
    return new Promise<ReplyMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(jobId);
        reject(new GatewayTimeoutError(jobId, timeoutMs));
      }, timeoutMs);
      const deliver = (reply: ReplyMessage) => {
        resolve(reply);
        return true;
      };
      this.waiters.set(jobId, recover === undefined ? { deliver, reject, timer } : { deliver, reject, timer, recover });
    });
  }

  /**
   * Hands every message of a streamed job to `sink` until its last part (or
   * a whole reply: a failure before the stream began). `idleMs` bounds the
   * wait for each message, not the whole stream.
   */
  listen(jobId: string, idleMs: number, sink: StreamSink): void {
    const timer = setTimeout(() => {
      this.waiters.delete(jobId);
      sink.error(new GatewayTimeoutError(jobId, idleMs));
    }, idleMs);
    const deliver = (reply: ReplyMessage) => {
      sink.message(reply);
      const done = reply.part === undefined || reply.part.last;
      if (!done) timer.refresh();
      return done;
    };
    this.waiters.set(jobId, { deliver, reject: (error) => sink.error(error), timer, streaming: true });
  }

  /** After a reconnect, parts published meanwhile are gone: those streams end with an error. */
  private interruptStreams(): void {
    for (const [jobId, waiter] of this.waiters) {
      if (waiter.streaming !== true) continue;
      this.cancel(jobId, new ServiceUnavailableError(`The stream of job ${jobId} was interrupted; retry the request.`, { details: { job_id: jobId } }));
    }
  }

  /**
   * A job still running at reconnect may have published into the gap anyway
   * (workers answer before BullMQ marks the job finished), so the jobs that
   * were waited on during the outage are asked about again a few times.
   */
  private async recoverAll(jobIds = [...this.waiters.keys()], round = 0): Promise<void> {
    const unanswered: string[] = [];
    await Promise.all(
      jobIds.map(async (jobId) => {
        const reply = await this.waiters
          .get(jobId)
          ?.recover?.()
          .catch(() => undefined);
        if (reply !== undefined) this.settle(reply);
        else if (this.waiters.has(jobId)) unanswered.push(jobId);
      }),
    );
    if (unanswered.length > 0 && round < RECOVERY_ROUNDS) {
      setTimeout(() => void this.recoverAll(unanswered, round + 1), RECOVERY_DELAY_MS * 2 ** round).unref();
    }
  }

  /** Stops waiting (the caller went away, or enqueueing failed). */
  cancel(jobId: string, reason?: Error): void {
    const waiter = this.waiters.get(jobId);
    if (waiter === undefined) return;
    clearTimeout(waiter.timer);
    this.waiters.delete(jobId);
    if (reason !== undefined) waiter.reject(reason);
  }

  get pending(): number {
    return this.waiters.size;
  }

  /** Sees every reply on this channel, waited for or not (a client's job events). */
  observe(observer: (reply: ReplyMessage) => void): void {
    this.observer = observer;
  }

  private deliver(message: string): void {
    const reply = decodeReply(message);
    if (reply === undefined) return;
    this.observer?.(reply);
    this.settle(reply);
  }

  private settle(reply: ReplyMessage): void {
    const waiter = this.waiters.get(reply.jobId);
    // A reply for a request that already timed out, or a stalled job's second run.
    if (waiter === undefined) return;
    if (!waiter.deliver(reply)) return;
    clearTimeout(waiter.timer);
    this.waiters.delete(reply.jobId);
  }

  async close(): Promise<void> {
    for (const [jobId, waiter] of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(
        new ServiceUnavailableError(`The gateway is shutting down; job ${jobId} was accepted and may still finish.`, { details: { job_id: jobId } }),
      );
    }
    this.waiters.clear();
    await this.subscriber.quit().catch(() => undefined);
  }
}
