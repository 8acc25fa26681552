import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { InvalidRequestError, NotFoundError } from '@switchyard/contracts';
import { type DeadLetter, InvalidCursorError, listDeadLetters, redeliver, type WebhookQueue } from '@switchyard/webhooks';
import { type AuthenticatedRequest, ApiKeyGuard } from '../auth/api-key.guard';
import { listLimit } from '../list-limit';
import { WEBHOOK_QUEUE_TOKEN } from '../tokens';

/** A page of dead letters; a page may hold fewer than `limit` while `has_more` is true (each read scans a bounded part of the queue). */
interface DeadLetterList {
  object: 'list';
  data: DeadLetter[];
  has_more: boolean;
  /** Pass as `cursor` to read on. */
  next_cursor: string | null;
}

/** Webhook events the dispatcher gave up on, for the caller's tenant only. */
@Controller('v1/webhooks/dead-letters')
@UseGuards(ApiKeyGuard)
export class WebhooksController {
  constructor(@Inject(WEBHOOK_QUEUE_TOKEN) private readonly queue: WebhookQueue) {}

  @Get()
  async list(@Req() request: AuthenticatedRequest, @Query() query: { limit?: unknown; cursor?: unknown }): Promise<DeadLetterList> {
    const limit = listLimit(query.limit, 50, 200);
    if (query.cursor !== undefined && typeof query.cursor !== 'string') throw new InvalidRequestError('cursor must be a string.', { param: 'cursor' });
    try {
      const page = await listDeadLetters(this.queue, { tenant: request.caller.tenant, limit, ...(query.cursor === undefined ? {} : { cursor: query.cursor }) });
      // The shape of every other list: `data`, `has_more`, and where to read on (as `/v1/requests` does).
      return { object: 'list', data: page.items, has_more: page.nextCursor !== undefined, next_cursor: page.nextCursor ?? null };
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
