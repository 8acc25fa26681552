import { z } from 'zod';

/** `POST /admin/queues/session`: the admin key, traded for the queues board's session cookie. */
export const queuesBoardSessionSchema = z.object({ key: z.string().min(1).max(1024) }).strict();

export type QueuesBoardSessionRequest = z.infer<typeof queuesBoardSessionSchema>;
