import { Controller, Get, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { TaskList } from '@switchyard/contracts';
import type { FastifyReply } from 'fastify';
import { ApiKeyGuard, type AuthenticatedRequest } from '../auth/api-key.guard';
import { callerRequestId, newJobId } from '../request/request-id';
import { TasksService } from './tasks.service';

/** Ready-made tasks: a repo prompt, an input schema, an output schema and the steps around the model. */
@Controller('v1/tasks')
@UseGuards(ApiKeyGuard)
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get()
  list(): TaskList {
    return this.tasks.list();
  }

  @Post(':name')
  @HttpCode(200)
  async run(@Req() request: AuthenticatedRequest, @Param('name') name: string, @Res() reply: FastifyReply): Promise<void> {
    const jobId = newJobId();
    const requestId = callerRequestId(request.headers['x-request-id'], jobId);
    // A refused run's usage row is found by this id.
    reply.header('x-request-id', requestId).header('x-switchyard-job-id', jobId);
    const outcome = await this.tasks.run(name, request, { jobId, requestId });
    if (outcome.async) {
      const { view, replayed } = outcome;
      reply
        .code(202)
        .header('x-request-id', requestId === jobId ? view.id : requestId)
        .header('x-switchyard-job-id', view.id)
        .header('location', `/v1/jobs/${view.id}`)
        .header('idempotent-replayed', String(replayed))
        .send(Object.assign(view, { status_url: `/v1/jobs/${view.id}` }));
      return;
    }
    if (outcome.structured !== undefined) {
      reply.header('x-switchyard-structured', outcome.structured.mode).header('x-switchyard-repairs', String(outcome.structured.repairs));
    }
    reply
      .header('x-request-id', requestId)
      .header('x-switchyard-job-id', outcome.result.id)
      .header('x-switchyard-provider', outcome.result.provider)
      .header('x-switchyard-model', outcome.result.model)
      .send(outcome.result);
  }
}
