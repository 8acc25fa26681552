import type { FastifyInstance } from 'fastify';

/**
 * JSON bodies, parsed by Fastify's own parser (which refuses prototype
 * poisoning), except that an empty body is no body: clients send
 * `Content-Type: application/json` on every call, DELETE and
 * `POST …/cancel` included, and such a call must work as it does without the
 * header. Routes that need a body refuse a missing one themselves.
 */
export function registerJsonBodyParser(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body: string, done) => {
    if (body.length === 0) {
      done(null, undefined);
      return;
    }
    parseJson(request, body as string, done);
  });
}
