import type { BullMQAdapter as BoardQueueAdapter } from '@bull-board/api/bullMQAdapter';
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { AdminKey } from '../admin/admin-key';
import { BOARD_PATH, requireAdminKey } from './board-access';
import { registerBoardSession } from './board-session';

type Queue = ConstructorParameters<typeof BoardQueueAdapter>[0];

export interface BoardQueues {
  /** Every provider's queue, by provider: sync requests, async jobs and batch lines (at the lowest priority). */
  providers: ReadonlyMap<string, Queue>;
  /** The webhook dispatcher's queue: events to deliver, and dead letters. */
  webhooks: Queue;
}

/** The methods Bull Board's pages and API use (HEAD comes with GET). */
const BOARD_METHODS: HTTPMethods[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Headers of one connection, not of the request or answer: each side of the hand-over sets its own. */
const HOP_HEADERS = ['content-length', 'transfer-encoding', 'connection', 'keep-alive'];
/** The board's answer headers the gateway's reply sets for itself. */
const OWN_HEADERS = new Set([...HOP_HEADERS, 'date']);

/** The board on a Fastify instance of its own, not listening: requests reach it through `inject`. */
async function buildBoard(queues: BoardQueues): Promise<FastifyInstance> {
  const [{ createBullBoard }, { BullMQAdapter }, { FastifyAdapter }, { default: fastify }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/fastify'),
    import('fastify'),
  ]);
  const board = fastify();
  const server = new FastifyAdapter();
  server.setBasePath(BOARD_PATH);
  const adapter = (queue: Queue, prefix: string, description: string) => new BullMQAdapter(queue, { readOnlyMode: true, prefix, description });
  createBullBoard({
    queues: [...[...queues.providers.values()].map((queue) => adapter(queue, 'llm:', 'Provider queue')), adapter(queues.webhooks, 'wh:', 'Webhook deliveries')],
    serverAdapter: server,
    options: { uiConfig: { boardTitle: 'Switchyard queues' } },
  });
  await board.register(server.registerPlugin() as never, { prefix: BOARD_PATH });
  await board.ready();
  return board;
}

/**
 * Bull Board at `/admin/queues`, behind the admin key. Read-only: a job
 * removed or retried by hand would leave its gateway waiting on a reply or
 * charge a caller twice, so the board shows and never changes.
 *
 * Built on its first request, not at start: Bull Board and its UI server are
 * ~6 MB of an idle gateway that most deployments open rarely. It runs on a
 * Fastify instance of its own that never listens; the gateway's routes under
 * the board's path check the admin key and hand each request to it.
 */
export async function mountQueuesBoard(fastify: FastifyInstance, queues: BoardQueues, adminKey: AdminKey): Promise<void> {
  let board: Promise<FastifyInstance> | undefined;
  const forward = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    board ??= buildBoard(queues).catch((error: unknown) => {
      board = undefined;
      throw error;
    });
    const headers = { ...request.headers };
    for (const name of HOP_HEADERS) delete headers[name];
    // The gateway has parsed the body already; without one, no type is claimed for it.
    if (request.body === undefined) delete headers['content-type'];
    const answer = await (await board).inject({
      // Fastify answers HEAD from the GET's body (its length, no bytes): the board is asked for that body.
      method: (request.method === 'HEAD' ? 'GET' : request.method) as HTTPMethods,
      url: request.url,
      headers,
      ...(request.body === undefined ? {} : { payload: request.body as string | object }),
    });
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !OWN_HEADERS.has(name)) reply.header(name, value);
    }
    return reply.status(answer.statusCode).send(answer.rawPayload);
  };

  fastify.addHook('onClose', async () => {
    await (await board?.catch(() => undefined))?.close();
  });
  registerBoardSession(fastify, adminKey);
  // Its own context, so the hook guards the board's pages, assets and API and nothing else.
  await fastify.register(async (scope) => {
    scope.addHook('onRequest', requireAdminKey(adminKey));
    for (const url of [BOARD_PATH, `${BOARD_PATH}/*`]) scope.route({ method: BOARD_METHODS, url, handler: forward });
  });
}
