import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { AsyncJobPage } from '@switchyard/async-jobs';
import { type AsyncJobView, type JobListQuery, jobListQuerySchema } from '@switchyard/contracts';
import type { FastifyReply } from 'fastify';
import { ApiKeyGuard, type AuthenticatedRequest } from '../auth/api-key.guard';
import { callerRequestId, newJobId } from '../request/request-id';
import { QueryPipe } from '../validation/query.pipe';
import { JobsService } from './jobs.service';

/** The async way in: accepted at once, answered through the status URL or a webhook. */
@Controller('v1/jobs')
@UseGuards(ApiKeyGuard)
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Post()
  async create(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply): Promise<void> {
    const refusalId = newJobId('req');
    const requestId = callerRequestId(request.headers['x-request-id'], refusalId);
    const { view, replayed } = await this.jobs.create(request, request.caller, { jobId: refusalId, requestId });
    reply
      .code(202)
      .header('x-request-id', requestId === refusalId ? view.id : requestId)
      .header('x-switchyard-job-id', view.id)
      .header('location', `/v1/jobs/${view.id}`)
      .header('idempotent-replayed', String(replayed))
      // The view is this request's own: adding to it avoids copying it through V8's slow spread path.
      .send(Object.assign(view, { status_url: `/v1/jobs/${view.id}` }));
  }

  @Get()
  list(@Req() request: AuthenticatedRequest, @Query(new QueryPipe(jobListQuerySchema)) query: JobListQuery): Promise<AsyncJobPage> {
    return this.jobs.list(request.caller, query);
  }

  @Get(':id')
  get(@Req() request: AuthenticatedRequest, @Param('id') id: string): Promise<AsyncJobView> {
    return this.jobs.get(id, request.caller);
  }

  @Delete(':id')
  @HttpCode(200)
  cancel(@Req() request: AuthenticatedRequest, @Param('id') id: string): Promise<AsyncJobView> {
    return this.jobs.cancel(id, request.caller);
  }
}
