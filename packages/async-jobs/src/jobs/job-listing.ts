import { type AsyncJobStatus, type AsyncJobView, NotFoundError } from '@switchyard/contracts';
import type { Redis } from 'ioredis';
import type { JobLookup } from './job-lookup';
import type { TenantJobIndex } from './tenant-job-index';

/** Filtering by status reads job states, so one request reads at most this many of them. */
const MAX_SCAN = 1_000;

export interface AsyncJobPage {
  object: 'list';
  data: AsyncJobView[];
  has_more: boolean;
  /** Pass as `after` for the next page. */
  last_id: string | null;
}

/** Pages through a tenant's jobs, newest first. */
export class JobListing {
  constructor(
    private readonly redis: Redis,
    private readonly index: TenantJobIndex,
    private readonly lookup: Pick<JobLookup, 'get'>,
  ) {}

  /** `status` filters, `after` (a previous page's `last_id`) continues. */
  async list(tenant: string, options: { limit: number; after?: string; status?: AsyncJobStatus }): Promise<AsyncJobPage> {
    const index = this.index.key(tenant);
    let position = 0;
    if (options.after !== undefined) {
      const rank = await this.redis.zrevrank(index, options.after);
      if (rank === null) throw new NotFoundError(`No job with id '${options.after}' to continue after.`);
      position = rank + 1;
    }
    const data: AsyncJobView[] = [];
    let lastId: string | null = null;
    const end = position + MAX_SCAN;
    while (data.length < options.limit && position < end) {
      const ids = await this.redis.zrevrange(index, position, position + options.limit - 1);
      if (ids.length === 0) break;
      const views = await Promise.all(ids.map((id) => this.lookup.get(id, tenant).catch(() => undefined)));
      for (const [i, view] of views.entries()) {
        position++;
        lastId = ids[i] ?? lastId;
        if (view !== undefined && (options.status === undefined || view.status === options.status)) data.push(view);
        if (data.length === options.limit) break;
      }
    }
    const total = await this.redis.zcard(index);
    return { object: 'list', data, has_more: position < total, last_id: lastId };
  }
}
