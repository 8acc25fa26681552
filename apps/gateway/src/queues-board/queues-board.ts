import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';
import type { AdminKey } from '../admin/admin-key';
import { BOARD_PATH, requireAdminKey } from './board-access';
import { registerBoardSession } from './board-session';

type Queue = ConstructorParameters<typeof BullMQAdapter>[0];

export interface BoardQueues {
  /** Every provider's queue, by provider: sync requests, async jobs and batch lines (at the lowest priority). */
  providers: ReadonlyMap<string, Queue>;
  /** The webhook dispatcher's queue: events to deliver, and dead letters. */
  webhooks: Queue;
}

/**
 * Bull Board at `/admin/queues`, behind the admin key. Read-only: a job
 * removed or retried by hand would leave its gateway waiting on a reply or
 * charge a caller twice, so the board shows and never changes.
 */
export async function mountQueuesBoard(fastify: FastifyInstance, queues: BoardQueues, adminKey: AdminKey): Promise<void> {
  const server = new FastifyAdapter();
  server.setBasePath(BOARD_PATH);
  const adapters = [
    ...[...queues.providers.values()].map((queue) => new BullMQAdapter(queue, { readOnlyMode: true, prefix: 'llm:', description: 'Provider queue' })),
    new BullMQAdapter(queues.webhooks, { readOnlyMode: true, prefix: 'wh:', description: 'Webhook deliveries' }),
  ];
  createBullBoard({ queues: adapters, serverAdapter: server, options: { uiConfig: { boardTitle: 'Switchyard queues' } } });

  registerBoardSession(fastify, adminKey);
  // Its own context, so the hook guards the board's pages, assets and API and nothing else.
  await fastify.register(async (board) => {
    board.addHook('onRequest', requireAdminKey(adminKey));
    await board.register(server.registerPlugin() as never, { prefix: BOARD_PATH });
  });
}
