import { basename } from 'node:path';
import fastifyStatic from '@fastify/static';
import { NotFoundError } from '@switchyard/contracts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { sendHttpError } from '../errors/send-http-error';

export const CONSOLE_PATH = '/console/';

/**
 * The console's own rules: only its files (no inline script, nothing from
 * elsewhere), API calls to this origin, and no framing. Held in one header so
 * a script slipped into the page could neither run nor send the key away.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const IMMUTABLE = 'public, max-age=31536000, immutable';

function securityHeaders(reply: FastifyReply): void {
  reply.header('content-security-policy', CONSOLE_CSP);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('x-frame-options', 'DENY');
}

function sendIndex(reply: FastifyReply): FastifyReply {
  // The page names the current hashed assets: it must be asked for again each time.
  reply.header('cache-control', 'no-cache');
  return reply.type('text/html; charset=utf-8').sendFile('index.html');
}

/**
 * Serves the built console at `/console/`, without a key (the page holds no
 * data; every API call it makes carries the key). Only the files present at
 * start are routes (`wildcard: false`): any other path under `/console/` is
 * the page itself, for the browser's router, and never a file read from the
 * path it asked for, so `..` and encoded tricks have nothing to reach.
 */
export async function serveConsole(fastify: FastifyInstance, assetsDir: string): Promise<void> {
  await fastify.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply) => securityHeaders(reply));
    await scope.register(fastifyStatic, {
      root: assetsDir,
      prefix: CONSOLE_PATH,
      wildcard: false,
      index: false,
      cacheControl: false,
      setHeaders: (response, path) => {
        // Vite names each asset after its content: a new build is a new name, so an old one never changes.
        response.setHeader('cache-control', basename(path) === 'index.html' ? 'no-cache' : IMMUTABLE);
      },
    });
    scope.get('/console', (_request, reply) => reply.redirect(CONSOLE_PATH, 301));
    scope.get(CONSOLE_PATH, (_request, reply) => sendIndex(reply));
    scope.get(`${CONSOLE_PATH}*`, (request, reply) => {
      // A missing asset is a 404 (a stale page asking for an old build's file), not the page in its place.
      if (request.url.startsWith(`${CONSOLE_PATH}assets/`)) return sendHttpError(reply, new NotFoundError('No such console asset.'));
      return sendIndex(reply);
    });
  });
}
