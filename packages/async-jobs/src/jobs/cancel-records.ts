import { type AsyncJobView, cancelRecordKey } from '@switchyard/contracts';
import type { Redis } from 'ioredis';
import type { AsyncJobsOptions } from './async-jobs-options';

/** What a cancel leaves behind; a job never cancelled has no record at all. */
export interface CancelRecord {
  tenant?: string;
  cancelled: boolean;
  /** Set when the job was taken off its queue before it ran. */
  final?: AsyncJobView;
}

/** The cancel record of each cancelled job: kept for the job's retention, read on every lookup. */
export class CancelRecords {
  constructor(
    private readonly redis: Redis,
    private readonly options: Pick<AsyncJobsOptions, 'prefix' | 'retentionMs'>,
  ) {}

  private cancelKey(jobId: string): string {
    return cancelRecordKey(this.options.prefix, jobId);
  }

  async read(jobId: string): Promise<CancelRecord> {
    const fields = await this.redis.hgetall(this.cancelKey(jobId));
    return {
      cancelled: fields.cancelled === '1',
      ...(fields.tenant === undefined ? {} : { tenant: fields.tenant }),
      ...(fields.final === undefined ? {} : { final: JSON.parse(fields.final) as AsyncJobView }),
    };
  }

  /** The tenant's job is cancelled: a worker that reaches it ends it without a call, and lookups say so. */
  async markCancelled(jobId: string, tenant: string): Promise<void> {
    await this.redis.multi().hset(this.cancelKey(jobId), 'cancelled', '1', 'tenant', tenant).pexpire(this.cancelKey(jobId), this.options.retentionMs).exec();
  }

  /** The queue no longer has the job: the record keeps its final state for lookups. */
  async keepFinal(jobId: string, view: AsyncJobView): Promise<void> {
    await this.redis.hset(this.cancelKey(jobId), 'final', JSON.stringify(view));
  }
}
