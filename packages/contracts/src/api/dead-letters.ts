import { z } from 'zod';
import { listLimitSchema } from './query-parameters';

/** `GET /v1/webhooks/dead-letters`. */
export const deadLetterListQuerySchema = z.object({
  limit: listLimitSchema(50, 200),
  cursor: z.string({ error: 'cursor must be a string.' }).optional().describe("A previous page's `next_cursor`."),
});

export type DeadLetterListQuery = z.infer<typeof deadLetterListQuerySchema>;

/** `POST /v1/webhooks/dead-letters/{event}/redeliver`: queued to be sent again. */
export const redeliverySchema = z.object({ event_id: z.string(), status: z.literal('requeued') });

export type Redelivery = z.infer<typeof redeliverySchema>;
