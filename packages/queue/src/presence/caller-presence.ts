import type { Logger } from '@switchyard/observability';
import type { Redis } from 'ioredis';
import { PeriodicRound } from '../timing/periodic-round';

const CHECK_MS = 1000;
/**
 * How long a reply channel must have no subscriber before its gateway counts
 * as gone. A gateway whose subscription is reconnecting is back well within
 * it; one that died stays silent.
 */
const GONE_AFTER_MS = 2000;
/** A gone gateway's queued jobs are dropped on one silent reading, for this long. */
const REMEMBER_GONE_MS = 10 * 60_000;
/** A job that waited in its queue longer than this asks whether its gateway is still there before calling upstream. */
export const QUEUED_LONG_MS = 2000;

/**
 * Whether the gateway waiting for a job is still there. A gateway subscribes
 * to its reply channel for as long as it lives, so `PUBSUB NUMSUB` on the
 * channels of this worker's running jobs (one command a second, only while
 * jobs run) tells a gateway killed mid-request from a live one; the gateway
 * itself does nothing. Jobs of a gone gateway are aborted, their upstream
 * calls with them, and its queued jobs are not run.
 */
export class CallerPresence {
  private readonly watched = new Map<string, Set<AbortController>>();
  private readonly silentSince = new Map<string, number>();
  private readonly heardAt = new Map<string, number>();
  private readonly goneAt = new Map<string, number>();
  private readonly round: PeriodicRound;

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly timing: { checkMs: number; goneAfterMs: number } = { checkMs: CHECK_MS, goneAfterMs: GONE_AFTER_MS },
  ) {
    this.round = new PeriodicRound(() => this.check(), timing.checkMs);
  }

  start(): void {
    void this.round.start();
  }

  async stop(): Promise<void> {
    await this.round.stop();
  }

  /**
   * Aborts `controller` when the gateway on `channel` is found gone. Only
   * readings taken while the job runs count, so a gateway once thought gone
   * that answers again loses nothing more. Call the result when the job ends.
   */
  watch(channel: string, controller: AbortController): () => void {
    let jobs = this.watched.get(channel);
    if (jobs === undefined) {
      jobs = new Set();
      this.watched.set(channel, jobs);
    }
    jobs.add(controller);
    return () => {
      jobs.delete(controller);
      if (jobs.size === 0 && this.watched.get(channel) === jobs) this.watched.delete(channel);
    };
  }

  isGone(channel: string): boolean {
    return this.goneAt.has(channel);
  }

  /**
   * For a job about to start after a long wait in its queue: asks Redis now
   * unless the channel was heard within the last check. A channel found
   * silent is asked again once `goneAfterMs` has passed, so only a gateway
   * that stays away loses its job.
   */
  async confirmGone(channel: string): Promise<boolean> {
    const heard = this.heardAt.get(channel);
    if (heard !== undefined && Date.now() - heard < this.timing.checkMs) return false;
    if (await this.listening(channel)) return false;
    // Found gone before (a dead gateway's backlog): one silent reading is enough.
    if (this.goneAt.has(channel)) return true;
    await new Promise((resolve) => setTimeout(resolve, this.timing.goneAfterMs));
    if (await this.listening(channel)) return false;
    this.markGone(channel);
    return true;
  }

  private async listening(channel: string): Promise<boolean> {
    try {
      const [, count] = (await this.redis.pubsub('NUMSUB', channel)) as [string, number];
      if (Number(count) === 0) return false;
      this.heard(channel, Date.now());
      return true;
    } catch {
      // Redis unreachable says nothing about the gateway: the job goes on.
      return true;
    }
  }

  private async check(): Promise<void> {
    const now = Date.now();
    for (const [channel, at] of this.goneAt) if (now - at > REMEMBER_GONE_MS) this.goneAt.delete(channel);
    for (const channel of this.heardAt.keys()) if (!this.watched.has(channel)) this.heardAt.delete(channel);
    for (const channel of this.silentSince.keys()) if (!this.watched.has(channel)) this.silentSince.delete(channel);
    const channels = [...this.watched.keys()];
    if (channels.length === 0) return;
    let counts: unknown[];
    try {
      counts = (await this.redis.pubsub('NUMSUB', ...channels)) as unknown[];
    } catch {
      return;
    }
    for (let i = 0; i < channels.length; i++) {
      const channel = channels[i] as string;
      if (Number(counts[2 * i + 1]) > 0) {
        this.heard(channel, now);
        continue;
      }
      const since = this.silentSince.get(channel) ?? now;
      this.silentSince.set(channel, since);
      if (now - since >= this.timing.goneAfterMs) this.markGone(channel);
    }
  }

  private heard(channel: string, at: number): void {
    this.heardAt.set(channel, at);
    this.silentSince.delete(channel);
    this.goneAt.delete(channel);
  }

  private markGone(channel: string): void {
    this.goneAt.set(channel, Date.now());
    this.silentSince.delete(channel);
    const jobs = this.watched.get(channel);
    this.watched.delete(channel);
    this.logger.warn({ channel, running: jobs?.size ?? 0 }, 'a gateway stopped listening for its replies; its jobs are cancelled');
    for (const controller of jobs ?? []) controller.abort();
  }
}
