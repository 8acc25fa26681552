import { Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { type AuthenticatedRequest, ApiKeyGuard } from '../auth/api-key.guard';
import { ChatCompletionsService } from './chat-completions.service';
import { callerRequestId, newJobId } from './request-id';

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
    // The response closing before it was written means the caller went away.
    const onClose = () => {
      if (!reply.raw.writableFinished) this.chat.abandon(jobId);
    };
    reply.raw.once('close', onClose);
    try {
      const done = await this.chat.complete(request.body, request.caller, { jobId, requestId }, request.headers);
      // The worker's JSON goes out as it came: no parse, no re-serialise.
      reply
        .header('x-switchyard-provider', done.reply.provider)
        .header('x-switchyard-model', done.reply.model)
        .header('content-type', 'application/json')
        .send(done.reply.body);
    } finally {
      reply.raw.off('close', onClose);
    }
  }
}
