import { Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiKeyGuard, type AuthenticatedRequest } from '../auth/api-key.guard';
import { callerRequestId, newJobId } from '../request/request-id';
import { type Admission, ChatCompletionsService } from './chat-completions.service';
import type { SseRelay } from './sse-relay';

/** The caller and its admission by the key's limits, still in flight when the handler starts. */
function admissionOf(request: AuthenticatedRequest): Admission {
  return { caller: request.caller, admitted: request.admission ?? Promise.resolve(request.caller) };
}

function wantsStream(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { stream?: unknown }).stream === true;
}

@Controller('v1/chat')
@UseGuards(ApiKeyGuard)
export class ChatCompletionsController {
  constructor(private readonly chat: ChatCompletionsService) {}

  @Post('completions')
  @HttpCode(200)
  async create(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply): Promise<void> {
    const jobId = newJobId();
    const requestId = callerRequestId(request.headers['x-request-id'], jobId);
    reply.header('x-request-id', requestId).header('x-switchyard-job-id', jobId);
    if (wantsStream(request.body)) return this.stream(request, reply, { jobId, requestId });
    // The response closing before it was written means the caller went away.
    const onClose = () => {
      if (!reply.raw.writableFinished) this.chat.abandon(jobId);
    };
    reply.raw.once('close', onClose);
    try {
      const done = await this.chat.complete(request, admissionOf(request), { jobId, requestId });
      if (done.structured !== undefined) {
        reply.header('x-switchyard-structured', done.structured.mode).header('x-switchyard-repairs', String(done.structured.repairs));
      }
      // The worker's JSON goes out as it came: no parse, no re-serialise.
      reply
        .header('x-switchyard-provider', done.reply.provider)
        .header('x-switchyard-model', done.reply.model)
        .header('x-switchyard-cache', done.cache)
        .header('content-type', 'application/json')
        .send(done.reply.body);
    } finally {
      reply.raw.off('close', onClose);
    }
  }

  /**
   * Server-sent events in OpenAI's chunk format. Headers go out with the
   * first part (or a heartbeat), so a request that fails before its first
   * token still gets its HTTP status.
   */
  private async stream(request: AuthenticatedRequest, reply: FastifyReply, ids: { jobId: string; requestId: string }): Promise<void> {
    // Attached before enqueueing, so a caller gone while the job is being queued cancels it too.
    let relay: SseRelay | undefined;
    let gone = false;
    reply.raw.once('close', () => {
      gone = true;
      relay?.clientGone();
    });
    const started = await this.chat.stream(request, admissionOf(request), ids);
    relay = started.relay;
    if (gone) relay.clientGone();
    const route = await relay.opened;
    // The mode is the first route's, known before the answer; the repairs are not (the headers go out first).
    if (started.structuredMode !== undefined) reply.header('x-switchyard-structured', started.structuredMode);
    reply
      .header('x-switchyard-provider', route.provider)
      .header('x-switchyard-model', route.model)
      .header('x-switchyard-cache', 'bypass')
      .header('content-type', 'text/event-stream; charset=utf-8')
      .header('cache-control', 'no-cache')
      // Tells nginx-style proxies not to hold the events back.
      .header('x-accel-buffering', 'no')
      .send(relay.body);
  }
}
