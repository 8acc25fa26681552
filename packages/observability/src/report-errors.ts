import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';

/** Repeats of one error within this long are counted, not logged: a dead Redis fails every reconnect attempt. */
const REPEAT_LOG_MS = 30_000;
const MAX_REMEMBERED = 100;

/**
 * Logs what `emitter` (an ioredis connection, a BullMQ worker) reports as an
 * `error` event: each message once, then at most every 30 s with the number
 * of repeats, and a line when a connection is ready again.
 */
export function reportErrors(emitter: EventEmitter, logger: Logger, message: string): void {
  const seen = new Map<string, { loggedAt: number; repeats: number }>();
  emitter.on('error', (error: Error) => {
    const now = Date.now();
    const last = seen.get(error.message);
    if (last !== undefined && now - last.loggedAt < REPEAT_LOG_MS) {
      last.repeats++;
      return;
    }
    logger.error({ err: error, repeats: last?.repeats ?? 0 }, message);
    // Messages that name a job differ every time: the ones not seen for a while are forgotten.
    if (seen.size >= MAX_REMEMBERED) {
      for (const [text, entry] of seen) if (now - entry.loggedAt >= REPEAT_LOG_MS) seen.delete(text);
    }
    seen.set(error.message, { loggedAt: now, repeats: 0 });
  });
  emitter.on('ready', () => {
    if (seen.size === 0) return;
    seen.clear();
    logger.info('connected again');
  });
}
