import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import {
  type CreateSessionRequest,
  createSessionRequestSchema,
  isSessionId,
  type SessionList,
  type SessionListQuery,
  type SessionMessageRequest,
  type SessionObject,
  type SessionWithHistory,
  sessionHistoryQuerySchema,
  sessionListQuerySchema,
  sessionMessageRequestSchema,
} from '@switchyard/contracts';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { ApiKeyGuard, type AuthenticatedRequest } from '../auth/api-key.guard';
import type { SseRelay } from '../chat/sse-relay';
import { callerRequestId, newJobId } from '../request/request-id';
import { BodyPipe } from '../validation/body.pipe';
import { QueryPipe } from '../validation/query.pipe';
import { SessionsService } from './sessions.service';

/** Conversations whose history Switchyard keeps; each message is one turn, run like a chat completion. */
@Controller('v1/sessions')
@UseGuards(ApiKeyGuard)
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Post()
  @HttpCode(200)
  create(
    @Req() request: AuthenticatedRequest,
    @Body(new BodyPipe(createSessionRequestSchema, { jsonObject: true })) body: CreateSessionRequest,
  ): Promise<SessionObject> {
    return this.sessions.create(request.caller, body);
  }

  @Get()
  list(@Req() request: AuthenticatedRequest, @Query(new QueryPipe(sessionListQuerySchema)) query: SessionListQuery): Promise<SessionList> {
    return this.sessions.list(request.caller, query);
  }

  @Get(':id')
  get(
    @Req() request: AuthenticatedRequest,
    @Param('id') id: string,
    @Query(new QueryPipe(sessionHistoryQuerySchema)) query: z.infer<typeof sessionHistoryQuerySchema>,
  ): Promise<SessionWithHistory> {
    return this.sessions.get(request.caller, id, query);
  }

  @Post(':id/end')
  @HttpCode(200)
  end(@Req() request: AuthenticatedRequest, @Param('id') id: string): Promise<SessionObject> {
    return this.sessions.end(request.caller, id);
  }

  @Delete(':id')
  @HttpCode(200)
  remove(@Req() request: AuthenticatedRequest, @Param('id') id: string): Promise<SessionObject> {
    return this.sessions.end(request.caller, id);
  }

  @Post(':id/messages')
  @HttpCode(200)
  async message(
    @Req() request: AuthenticatedRequest,
    @Res() reply: FastifyReply,
    @Param('id') id: string,
    @Body(new BodyPipe(sessionMessageRequestSchema, { jsonObject: true })) body: SessionMessageRequest,
  ): Promise<void> {
    const jobId = newJobId();
    const requestId = callerRequestId(request.headers['x-request-id'], jobId);
    // The job id answers a refusal too: its usage row is found under it.
    reply.header('x-request-id', requestId).header('x-switchyard-job-id', jobId);
    // Only a well-formed id is echoed: another may hold characters a header cannot (the turn is refused 404).
    if (isSessionId(id)) reply.header('x-switchyard-session-id', id);
    let relay: SseRelay | undefined;
    let gone = false;
    const onClose = () => {
      if (reply.raw.writableFinished) return;
      gone = true;
      if (relay !== undefined) relay.clientGone();
      else if (body.stream !== true) this.sessions.abandon(jobId);
    };
    reply.raw.once('close', onClose);
    try {
      const outcome = await this.sessions.turn(request.caller, id, body, { jobId, requestId });
      if (outcome.kind === 'job') {
        reply
          .code(202)
          .header('x-switchyard-job-id', outcome.view.id)
          .header('location', `/v1/jobs/${outcome.view.id}`)
          .send(Object.assign(outcome.view, { status_url: `/v1/jobs/${outcome.view.id}` }));
        return;
      }
      if (outcome.kind === 'answer') {
        reply
          .header('x-switchyard-provider', outcome.reply.provider)
          .header('x-switchyard-model', outcome.reply.model)
          .header('content-type', 'application/json')
          .send(outcome.reply.body);
        return;
      }
      relay = outcome.relay;
      if (gone) relay.clientGone();
      const route = await relay.opened;
      reply
        .header('x-switchyard-provider', route.provider)
        .header('x-switchyard-model', route.model)
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-cache')
        .header('x-accel-buffering', 'no')
        .send(relay.body);
    } finally {
      if (body.stream !== true) reply.raw.off('close', onClose);
    }
  }
}
