import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import {
  type AdminRequestQuery,
  type AdminRequestsQuery,
  type AdminUsageQuery,
  type AdminUsageSeriesQuery,
  adminRequestQuerySchema,
  adminRequestsQuerySchema,
  adminUsageQuerySchema,
  adminUsageSeriesQuerySchema,
} from '@switchyard/contracts';
import { tenantOrAll, UsageService } from '../usage/usage.service';
import { QueryPipe } from '../validation/query.pipe';
import { AdminKeyGuard } from './admin-key.guard';

/** The usage API for the operator: the same reads as `/v1`, across tenants (`group_by=tenant` compares them) or for one (`tenant`). */
@Controller('admin')
@UseGuards(AdminKeyGuard)
export class AdminUsageController {
  constructor(private readonly usage: UsageService) {}

  @Get('usage')
  totals(@Query(new QueryPipe(adminUsageQuerySchema)) query: AdminUsageQuery) {
    return this.usage.totals(tenantOrAll(query.tenant), query);
  }

  @Get('usage/series')
  series(@Query(new QueryPipe(adminUsageSeriesQuerySchema)) query: AdminUsageSeriesQuery) {
    const { tenant, ...series } = query;
    return this.usage.series(tenantOrAll(tenant), series);
  }

  @Get('requests')
  requests(@Query(new QueryPipe(adminRequestsQuerySchema)) query: AdminRequestsQuery) {
    return this.usage.requests(tenantOrAll(query.tenant), query);
  }

  @Get('requests/:id')
  request(@Param('id') id: string, @Query(new QueryPipe(adminRequestQuerySchema)) query: AdminRequestQuery) {
    return this.usage.request(tenantOrAll(query.tenant), id);
  }
}
