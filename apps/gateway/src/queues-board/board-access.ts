import { extractApiKey } from '@switchyard/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdminKey } from '../admin/admin-key';
import { sendHttpError } from '../errors/send-http-error';

/** Where the board is served; its pages, assets and API all live under it. */
export const BOARD_PATH = '/admin/queues';
/** The session cookie: a browser cannot send a bearer header with a page, so it sends this instead. */
export const BOARD_COOKIE = 'switchyard_board';

/** One cookie's value from a `Cookie` header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}

/**
 * The `onRequest` hook of the board's routes: the admin key as a bearer
 * header (scripts, curl), or a session cookie it made (browsers). Anything
 * else gets the admin API's own 401 (403 while the admin API is off).
 */
export function requireAdminKey(adminKey: AdminKey) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const bearer = extractApiKey(request.headers);
    try {
      if (bearer === undefined && adminKey.isSession(readCookie(request.headers.cookie, BOARD_COOKIE))) return undefined;
      adminKey.check(bearer);
      return undefined;
    } catch (error) {
      sendHttpError(reply, error);
      return reply;
    }
  };
}
