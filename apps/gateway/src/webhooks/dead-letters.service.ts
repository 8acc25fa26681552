import { Inject, Injectable } from '@nestjs/common';
import { type CallerIdentity, type DeadLetterListQuery, InvalidRequestError, NotFoundError, type Redelivery } from '@switchyard/contracts';
import { type DeadLetter, InvalidCursorError, listDeadLetters, redeliver, type WebhookQueue } from '@switchyard/webhooks';
import { WEBHOOK_QUEUE_TOKEN } from '../tokens';

/** A page of dead letters; a page may hold fewer than `limit` while `has_more` is true (each read scans a bounded part of the queue). */
export interface DeadLetterList {
  object: 'list';
  data: DeadLetter[];
  has_more: boolean;
  /** Pass as `cursor` to read on. */
  next_cursor: string | null;
}

/** Webhook events the dispatcher gave up on, for their tenant only. */
@Injectable()
export class DeadLettersService {
  constructor(@Inject(WEBHOOK_QUEUE_TOKEN) private readonly queue: WebhookQueue) {}

  async list(caller: CallerIdentity, query: DeadLetterListQuery): Promise<DeadLetterList> {
    try {
      const page = await listDeadLetters(this.queue, {
        tenant: caller.tenant,
        limit: query.limit,
        ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      });
      // The shape of every other list: `data`, `has_more`, and where to read on (as `/v1/requests` does).
      return { object: 'list', data: page.items, has_more: page.nextCursor !== undefined, next_cursor: page.nextCursor ?? null };
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new InvalidRequestError('cursor is not one this API handed out.', { param: 'cursor' });
      throw error;
    }
  }

  /** Sends the event once more, under the same webhook-id, signed afresh. */
  async redeliver(eventId: string, caller: CallerIdentity): Promise<Redelivery> {
    const result = await redeliver(this.queue, eventId, caller.tenant);
    if (result.status === 'not_found') throw new NotFoundError(`No dead letter with id '${eventId}'.`);
    if (result.status === 'not_dead') throw new InvalidRequestError(`Event '${eventId}' is not a dead letter (it is ${result.state}).`, { param: 'eventId' });
    return { event_id: eventId, status: 'requeued' };
  }
}
