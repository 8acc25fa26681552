import { type Logger, reportErrors } from '@switchyard/observability';
import { Redis, type RedisOptions } from 'ioredis';

export interface RedisConnectionOptions {
  /** Shown in CLIENT LIST, so operators can tell gateway, worker and subscriber connections apart. */
  name: string;
  /** Where the connection's errors go: a connection with no `error` listener prints stack traces instead. */
  logger: Logger;
  /** BullMQ workers block on Redis and must wait through outages instead of failing commands. */
  blocking?: boolean;
  /**
   * For connections a caller waits on (the gateway's, a client's): once
   * connected, a command Redis cannot take now fails at once, so the caller
   * gets its 503 in milliseconds rather than after the reconnect attempts a
   * queued command would wait through (seconds). Before the first connect,
   * commands wait as usual, so starting before Redis is up still works.
   */
  failFast?: boolean;
  /**
   * Commands issued in one event-loop turn go out in one write. Only for a
   * connection no BullMQ queue uses (see below): on this class of machine a
   * socket write costs tens of microseconds, more than the command.
   */
  autoPipelining?: boolean;
}

export function createRedis(url: string, options: RedisConnectionOptions): Redis {
  const settings: RedisOptions = {
    connectionName: options.name,
    maxRetriesPerRequest: options.blocking ? null : 3,
    // Off on purpose: with BullMQ's ~50 Lua commands defined, every auto-pipeline copies them all (measured: +0.5 ms CPU per job).
    enableAutoPipelining: options.autoPipelining === true,
    lazyConnect: false,
  };
  const redis = new Redis(url, settings);
  reportErrors(redis, options.logger.child({ connection: options.name }), 'redis connection error');
  if (options.failFast === true) {
    redis.once('ready', () => {
      // Read by ioredis on every command: no offline queue, and a command in flight when the socket drops fails then.
      redis.options.enableOfflineQueue = false;
      redis.options.maxRetriesPerRequest = 0;
    });
  }
  return redis;
}

const corked = new WeakSet<Redis>();

/**
 * Holds this connection's writes until the event loop's current turn ends,
 * then sends them in one: the commands of every request handled in that
 * turn share a syscall. On this class of machine a socket write costs more
 * CPU than the command it carries (measured: ~65 µs for a BullMQ add), and
 * an ioredis pipeline is no cheaper here, since it copies every script
 * BullMQ defined on the connection. Nothing waits longer than the turn.
 */
export function coalesceWrites(redis: Redis): void {
  if (corked.has(redis) || redis.status !== 'ready') return;
  const socket = redis.stream;
  socket.cork();
  corked.add(redis);
  setImmediate(() => {
    corked.delete(redis);
    socket.uncork();
  });
}

export type { Redis };
