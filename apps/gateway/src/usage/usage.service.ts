import { Inject, Injectable } from '@nestjs/common';
import {
  encodeRequestCursor,
  MAX_SERIES_GROUPS,
  NotFoundError,
  type RequestsQuery,
  type UsageQuery,
  type UsageSeries,
  type UsageSeriesQuery,
} from '@switchyard/contracts';
import type { RequestRow, TenantScope, UsageQueries, UsageSeriesQueries } from '@switchyard/database';
import { USAGE_QUERIES, USAGE_SERIES } from '../tokens';

/** The admin API's scope: the tenant it names, or every tenant. */
export function tenantOrAll(tenant: string | undefined): TenantScope {
  return tenant ?? { allTenants: true };
}

/** The usage API's reads, for a tenant (`/v1`) or for the operator across tenants (`/admin`). */
@Injectable()
export class UsageService {
  constructor(
    @Inject(USAGE_QUERIES) private readonly queries: UsageQueries,
    @Inject(USAGE_SERIES) private readonly seriesQueries: UsageSeriesQueries,
  ) {}

  /** Totals grouped by day, provider, model, key, user or tenant over [start, end). */
  async totals(scope: TenantScope, query: UsageQuery) {
    const data = await this.queries.totals(scope, { from: query.start, to: query.end }, query.group_by);
    return { object: 'usage' as const, start: query.start.toISOString(), end: query.end.toISOString(), group_by: query.group_by, data };
  }

  /** Usage over time by hour or day, from the hourly rollups; split by a dimension into at most 20 groups and "other". */
  async series(scope: TenantScope, query: UsageSeriesQuery): Promise<UsageSeries> {
    const groupBy = query.group_by ?? null;
    const series = await this.seriesQueries.series(scope, { from: query.from, to: query.to, interval: query.interval, groupBy, maxGroups: MAX_SERIES_GROUPS });
    return { object: 'usage.series', interval: query.interval, from: query.from.toISOString(), to: query.to.toISOString(), group_by: groupBy, series };
  }

  /** Requests newest first, by cursor; filtered by user, model (the public name) and status. */
  async requests(scope: TenantScope, query: RequestsQuery) {
    const page = await this.queries.requests(
      scope,
      {
        ...(query.user === undefined ? {} : { user: query.user }),
        ...(query.model === undefined ? {} : { model: query.model }),
        ...(query.status === undefined ? {} : { status: query.status }),
      },
      { limit: query.limit, ...(query.cursor === undefined ? {} : { cursor: query.cursor }) },
    );
    return {
      object: 'list' as const,
      data: page.rows,
      has_more: page.next !== null,
      next_cursor: page.next === null ? null : encodeRequestCursor(page.next),
    };
  }

  async request(scope: TenantScope, id: string): Promise<RequestRow> {
    const row = await this.queries.request(scope, id);
    if (row === undefined) throw new NotFoundError(`No request with id '${id}'.`);
    return row;
  }
}
