import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { type BatchCreateRequest, type BatchList, type BatchListQuery, type BatchView, batchCreateSchema, batchListQuerySchema } from '@switchyard/contracts';
import { ApiKeyGuard, type AuthenticatedRequest } from '../auth/api-key.guard';
import { BodyPipe } from '../validation/body.pipe';
import { QueryPipe } from '../validation/query.pipe';
import { BatchesService } from './batches.service';

@Controller('v1/batches')
@UseGuards(ApiKeyGuard)
export class BatchesController {
  constructor(private readonly batches: BatchesService) {}

  @Post()
  @HttpCode(200)
  create(@Req() request: AuthenticatedRequest, @Body(new BodyPipe(batchCreateSchema, { jsonObject: true })) input: BatchCreateRequest): Promise<BatchView> {
    return this.batches.create(input, request.caller, request.headers);
  }

  @Get()
  list(@Req() request: AuthenticatedRequest, @Query(new QueryPipe(batchListQuerySchema)) query: BatchListQuery): Promise<BatchList> {
    return this.batches.list(request.caller, query);
  }

  @Get(':id')
  get(@Req() request: AuthenticatedRequest, @Param('id') id: string): Promise<BatchView> {
    return this.batches.get(id, request.caller);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Req() request: AuthenticatedRequest, @Param('id') id: string): Promise<BatchView> {
    return this.batches.cancel(id, request.caller);
  }
}
