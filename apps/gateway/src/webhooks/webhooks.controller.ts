import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { InvalidRequestError, NotFoundError } from '@switchyard/contracts';
import { type DeadLetterPage, InvalidCursorError, listDeadLetters, redeliver, type WebhookQueue } from '@switchyard/webhooks';
import { type AuthenticatedRequest, ApiKeyGuard } from '../auth/api-key.guard';
import { listLimit } from '../list-limit';
import { WEBHOOK_QUEUE_TOKEN } from '../tokens';

/** Webhook events the dispatcher gave up on, for the caller's tenant only. */
@Controller('v1/webhooks/dead-letters')
@UseGuards(ApiKeyGuard)
export class WebhooksController {
  constructor(@Inject(WEBHOOK_QUEUE_TOKEN) private readonly queue: WebhookQueue) {}

  @Get()
  async list(@Req() request: AuthenticatedRequest, @Query() query: { limit?: unknown; cursor?: unknown }): Promise<DeadLetterPage & { object: 'list' }> {
    const limit = listLimit(query.limit, 50, 200);
    if (query.cursor !== undefined && typeof query.cursor !== 'string') throw new InvalidRequestError('cursor must be a string.', { param: 'cursor' });
    try {
      const page = await listDeadLetters(this.queue, { tenant: request.caller.tenant, limit, ...(query.cursor === undefined ? {} : { cursor: query.cursor }) });
      return { object: 'list', ...page };
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new InvalidRequestError('cursor is not one this API handed out.', { param: 'cursor' });
      throw error;
    }
  }

  /** Sends the event once more, under the same webhook-id, signed afresh. */
  @Post(':eventId/redeliver')
  @HttpCode(202)
  async redeliver(@Req() request: AuthenticatedRequest, @Param('eventId') eventId: string): Promise<{ event_id: string; status: 'requeued' }> {
    const result = await redeliver(this.queue, eventId, request.caller.tenant);
    if (result.status === 'not_found') throw new NotFoundError(`No dead letter with id '${eventId}'.`);
    if (result.status === 'not_dead') throw new InvalidRequestError(`Event '${eventId}' is not a dead letter (it is ${result.state}).`, { param: 'eventId' });
    return { event_id: eventId, status: 'requeued' };
  }
}
