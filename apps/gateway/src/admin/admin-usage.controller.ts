import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import type { TenantScope, UsageQueries } from '@switchyard/database';
import { USAGE_QUERIES } from '../tokens';
import { optionalText, type RequestsQuery, type UsageQuery, UsageReads } from '../usage/usage-reads';
import { AdminKeyGuard } from './admin-key.guard';

/** `tenant` narrows an admin read to one tenant; without it, every tenant's rows. */
function scopeOf(query: { tenant?: unknown }): TenantScope {
  return optionalText(query.tenant, 'tenant') ?? { allTenants: true };
}

/** The usage API for the operator: the same reads as `/v1`, across tenants (`group_by=tenant` compares them). */
@Controller('admin')
@UseGuards(AdminKeyGuard)
export class AdminUsageController {
  private readonly reads: UsageReads;

  constructor(@Inject(USAGE_QUERIES) queries: UsageQueries) {
    this.reads = new UsageReads(queries);
  }

  @Get('usage')
  usage(@Query() query: UsageQuery & { tenant?: unknown }) {
    return this.reads.totals(scopeOf(query), query);
  }

  @Get('requests')
  requests(@Query() query: RequestsQuery & { tenant?: unknown }) {
    return this.reads.requests(scopeOf(query), query);
  }

  @Get('requests/:id')
  request(@Param('id') id: string, @Query() query: { tenant?: unknown }) {
    return this.reads.request(scopeOf(query), id);
  }
}
