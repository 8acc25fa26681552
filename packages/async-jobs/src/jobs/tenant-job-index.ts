import { asyncJobIndexKey } from '@switchyard/contracts';
import type { Redis } from 'ioredis';
import type { AsyncJobsOptions } from './async-jobs-options';

const TRIM_EVERY = 256;

/**
 * Each tenant's jobs, by creation time, in one sorted set: what the list
 * pages through. Entries past the retention are dropped now and then, not
 * on every submit.
 */
export class TenantJobIndex {
  /** Submits since the last trim, per tenant. */
  private readonly sinceTrim = new Map<string, number>();

  constructor(
    private readonly redis: Redis,
    private readonly options: Pick<AsyncJobsOptions, 'prefix' | 'retentionMs'>,
  ) {}

  key(tenant: string): string {
    return asyncJobIndexKey(this.options.prefix, tenant);
  }

  /**
   * Every TRIM_EVERY submits of a tenant (counted per tenant, so every
   * tenant's index is trimmed, not only the one whose submit happened to be
   * the 256th), entries past the retention go. Sent without waiting.
   */
  trim(index: string, now: number): void {
    const count = (this.sinceTrim.get(index) ?? 0) + 1;
    if (count < TRIM_EVERY) {
      this.sinceTrim.set(index, count);
      return;
    }
    this.sinceTrim.delete(index);
    this.redis.zremrangebyscore(index, '-inf', now - this.options.retentionMs).catch(() => undefined);
  }
}
