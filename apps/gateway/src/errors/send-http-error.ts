import { toHttpError } from '@switchyard/contracts';
import type { FastifyReply } from 'fastify';

/** The one way an error leaves the gateway: OpenAI's body, the mapped status, Retry-After when known. */
export function sendHttpError(reply: FastifyReply, error: unknown): void {
  const http = toHttpError(error);
  if (http.retryAfterSeconds !== undefined) reply.header('retry-after', String(http.retryAfterSeconds));
  reply.code(http.status).header('content-type', 'application/json').send(JSON.stringify(http.body));
}
