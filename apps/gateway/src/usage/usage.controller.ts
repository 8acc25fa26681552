import { Controller, Get, Param, Query, Req, UseGuards } from '@nestjs/common';
import {
  type RequestsQuery,
  requestsQuerySchema,
  type UsageQuery,
  type UsageSeriesQuery,
  usageQuerySchema,
  usageSeriesQuerySchema,
} from '@switchyard/contracts';
import { ApiKeyGuard, type AuthenticatedRequest } from '../auth/api-key.guard';
import { QueryPipe } from '../validation/query.pipe';
import { UsageService } from './usage.service';

/** The usage API: totals for dashboards, and each request's row. Scoped to the caller's tenant. */
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class UsageController {
  constructor(private readonly usage: UsageService) {}

  @Get('usage')
  totals(@Req() request: AuthenticatedRequest, @Query(new QueryPipe(usageQuerySchema)) query: UsageQuery) {
    return this.usage.totals(request.caller.tenant, query);
  }

  @Get('usage/series')
  series(@Req() request: AuthenticatedRequest, @Query(new QueryPipe(usageSeriesQuerySchema)) query: UsageSeriesQuery) {
    return this.usage.series(request.caller.tenant, query);
  }

  @Get('requests')
  requests(@Req() request: AuthenticatedRequest, @Query(new QueryPipe(requestsQuerySchema)) query: RequestsQuery) {
    return this.usage.requests(request.caller.tenant, query);
  }

  @Get('requests/:id')
  request(@Req() request: AuthenticatedRequest, @Param('id') id: string) {
    return this.usage.request(request.caller.tenant, id);
  }
}
