import { Controller, Get, Inject, Param, Query, Req, UseGuards } from '@nestjs/common';
import type { UsageQueries } from '@switchyard/database';
import { type AuthenticatedRequest, ApiKeyGuard } from '../auth/api-key.guard';
import { USAGE_QUERIES } from '../tokens';
import { type RequestsQuery, type UsageQuery, UsageReads } from './usage-reads';

/** The usage API: totals for dashboards, and each request's row. Scoped to the caller's tenant. */
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class UsageController {
  private readonly reads: UsageReads;

  constructor(@Inject(USAGE_QUERIES) queries: UsageQueries) {
    this.reads = new UsageReads(queries);
  }

  @Get('usage')
  usage(@Req() request: AuthenticatedRequest, @Query() query: UsageQuery) {
    return this.reads.totals(request.caller.tenant, query);
  }

  @Get('requests')
  requests(@Req() request: AuthenticatedRequest, @Query() query: RequestsQuery) {
    return this.reads.requests(request.caller.tenant, query);
  }

  @Get('requests/:id')
  request(@Req() request: AuthenticatedRequest, @Param('id') id: string) {
    return this.reads.request(request.caller.tenant, id);
  }
}
