import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { usageStreamKey } from '@switchyard/contracts';
import type { UsageRepository } from '@switchyard/database';
import { describeDatabaseError, isDataError, type LlmRequestRecord, UsageRecorder, type UsageSink } from '@switchyard/database/usage-recording';
import type { Logger } from '@switchyard/observability';
import type { Redis } from 'ioredis';

export interface UsageStreamOptions {
  /** How often this process moves rows from Redis to PostgreSQL. */
  flushIntervalMs: number;
  /** Rows kept in Redis while PostgreSQL is unreachable; past it the oldest are trimmed (and that is logged). */
  maxKept?: number;
  maxBatch?: number;
  /** A row whose flusher died unacknowledged is taken over by another after this long. */
  claimIdleMs?: number;
  /** Rows Redis would not take (Redis down): written straight to PostgreSQL from memory instead. */
  fallback: UsageRecorder;
  logger: Logger;
}

const GROUP = 'writers';
const FIELD = 'row';

type StreamEntry = [id: string, fields: string[] | null];

/**
 * Usage rows go through Redis before PostgreSQL, so a process killed between
 * a request's end and the next flush loses none, and a database outage only
 * delays them. `record` is one XADD on an auto-pipelined connection: it
 * leaves in the same write as the other commands of that event-loop turn
 * (the key's settlement, other jobs' rows). Every process that records also
 * flushes, as one consumer of a stream group: it reads a batch, writes it
 * with one INSERT, and acknowledges (and deletes) it only after the commit.
 * Rows a flusher read but never acknowledged (it died, or the database was
 * down) stay pending: it retries its own, and any other flusher takes over
 * those left idle. The INSERT skips job ids already written, so a row
 * written twice this way is kept once.
 */
export class UsageStream implements UsageSink {
  private readonly key: string;
  private readonly consumer = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly maxKept: number;
  private readonly maxBatch: number;
  private readonly claimIdleMs: number;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  /** Whether this consumer may hold rows it read and has not acknowledged. */
  private ownPending = true;
  private lastClaimAt = 0;
  /** XADDs sent and not yet answered. */
  private readonly adding = new Set<Promise<void>>();
  /** Set while PostgreSQL refuses writes: the outage is logged once, and its end. */
  private outageSince: number | undefined;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly repository: UsageRepository,
    private readonly options: UsageStreamOptions,
  ) {
    this.key = usageStreamKey(prefix);
    this.maxKept = options.maxKept ?? 100_000;
    this.maxBatch = options.maxBatch ?? 500;
    this.claimIdleMs = options.claimIdleMs ?? 10_000;
  }

  /**
   * The stream a process records through, started, with its in-memory
   * fallback logging what it could not write: the one set-up the gateway and
   * the workers share.
   */
  static open(redis: Redis, prefix: string, repository: UsageRepository, options: { flushIntervalMs: number; logger: Logger }): Promise<UsageStream> {
    const { flushIntervalMs, logger } = options;
    const fallback = new UsageRecorder(repository, {
      flushIntervalMs,
      onError: (error, pending) => logger.error({ ...describeDatabaseError(error), pending }, 'usage rows not written yet; will retry'),
      onDrop: (dropped) => logger.error({ dropped }, 'usage buffer full; oldest rows dropped'),
      onRejected: (error, row) => logger.error({ ...describeDatabaseError(error), jobId: row.jobId }, 'usage row refused by the database; set aside'),
    });
    return new UsageStream(redis, prefix, repository, { flushIntervalMs, logger, fallback }).start();
  }

  /** Creates the group if none exists yet (from the stream's start, so rows recorded before it are read too). */
  async start(): Promise<this> {
    await this.redis.xgroup('CREATE', this.key, GROUP, '0', 'MKSTREAM').catch((error: unknown) => {
      if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
    });
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
    return this;
  }

  record(row: LlmRequestRecord): void {
    row.createdAt ??= new Date();
    const adding: Promise<void> = this.redis
      .xadd(this.key, 'MAXLEN', '~', this.maxKept, '*', FIELD, JSON.stringify(row))
      .then(
        () => undefined,
        (error: unknown) => {
          this.options.logger.warn({ err: error, jobId: row.jobId }, 'usage row not kept in Redis; writing it from memory');
          this.options.fallback.record(row);
        },
      )
      .finally(() => this.adding.delete(adding));
    this.adding.add(adding);
  }

  /** Every row recorded so far is in the stream (or, when Redis refused it, in the fallback's memory). */
  kept(): Promise<void> {
    // The connection pipelines automatically: an XADD leaves on a later tick, so until it is answered it may be lost with the process.
    return this.adding.size === 0 ? Promise.resolve() : Promise.all(this.adding).then(() => undefined);
  }

  /** One round: rows this process holds unwritten, then those a dead flusher left, then new ones. Concurrent calls share it. */
  flush(): Promise<void> {
    this.flushing ??= this.drain()
      .catch((error: unknown) => this.options.logger.warn({ err: error }, 'usage rows not read from Redis; will retry'))
      .finally(() => {
        this.flushing = undefined;
      });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const { entries, own } = await this.nextBatch();
      if (entries.length === 0) return;
      this.ownPending = true;
      if (!(await this.write(entries))) return;
      // Everything read was acknowledged: only a full batch of its own says more may be pending.
      this.ownPending = own && entries.length >= this.maxBatch;
      if (entries.length < this.maxBatch) return;
    }
  }

  private async nextBatch(): Promise<{ entries: StreamEntry[]; own: boolean }> {
    if (this.ownPending) {
      const entries = await this.read('0');
      if (entries.length > 0) return { entries, own: true };
      this.ownPending = false;
    }
    if (Date.now() - this.lastClaimAt >= this.claimIdleMs / 2) {
      this.lastClaimAt = Date.now();
      const [, claimed] = (await this.redis.xautoclaim(this.key, GROUP, this.consumer, this.claimIdleMs, '0-0', 'COUNT', this.maxBatch)) as [
        string,
        StreamEntry[],
      ];
      if (claimed.length > 0) return { entries: claimed, own: true };
    }
    return { entries: await this.read('>'), own: false };
  }

  private async read(from: '0' | '>'): Promise<StreamEntry[]> {
    const reply = (await this.redis.xreadgroup('GROUP', GROUP, this.consumer, 'COUNT', this.maxBatch, 'STREAMS', this.key, from)) as
      | [string, StreamEntry[]][]
      | null;
    return reply?.[0]?.[1] ?? [];
  }

  /** Writes a batch and acknowledges it; false (rows left pending) while PostgreSQL is unreachable. */
  private async write(entries: StreamEntry[]): Promise<boolean> {
    const rows: LlmRequestRecord[] = [];
    let trimmed = 0;
    for (const [, fields] of entries) {
      const json = fields?.[fields.indexOf(FIELD) + 1];
      if (json === undefined) trimmed++;
      else rows.push(JSON.parse(json) as LlmRequestRecord);
    }
    // A row trimmed away while pending (the bound was reached during a long outage) is gone.
    if (trimmed > 0) this.options.logger.error({ dropped: trimmed, bound: this.maxKept }, 'usage rows kept in Redis passed the bound; the oldest were dropped');
    try {
      await this.repository.insertMany(rows);
    } catch (error) {
      if (!isDataError(error) || !(await this.insertOneByOne(rows))) {
        await this.noteOutage(error);
        return false;
      }
    }
    const ids = entries.map(([id]) => id);
    await Promise.all([this.redis.xack(this.key, GROUP, ...ids), this.redis.xdel(this.key, ...ids)]);
    if (this.outageSince !== undefined) {
      this.options.logger.info({ downMs: Date.now() - this.outageSince }, 'usage rows are written to PostgreSQL again');
      this.outageSince = undefined;
    }
    return true;
  }

  /** After a batch the database refused as data: the rows it refuses on their own are set aside, so the rest land. */
  private async insertOneByOne(rows: LlmRequestRecord[]): Promise<boolean> {
    for (const row of rows) {
      try {
        await this.repository.insertMany([row]);
      } catch (error) {
        if (!isDataError(error)) return false;
        this.options.logger.error({ ...describeDatabaseError(error), jobId: row.jobId }, 'usage row refused by the database; set aside');
      }
    }
    return true;
  }

  private async noteOutage(error: unknown): Promise<void> {
    if (this.outageSince !== undefined) return;
    this.outageSince = Date.now();
    const kept = await this.redis.xlen(this.key).catch(() => undefined);
    this.options.logger.error(
      { ...describeDatabaseError(error), kept, bound: this.maxKept },
      'usage rows cannot be written to PostgreSQL; kept in Redis until it is back',
    );
  }

  /** Writes what this process can before it stops; rows it cannot write stay in Redis for the other flushers. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    await this.options.fallback.close();
    if (!this.ownPending) await this.redis.xgroup('DELCONSUMER', this.key, GROUP, this.consumer).catch(() => undefined);
  }
}
