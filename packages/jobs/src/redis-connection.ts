import { Redis, type RedisOptions } from 'ioredis';

export interface RedisConnectionOptions {
  /** Shown in CLIENT LIST, so operators can tell gateway, worker and subscriber connections apart. */
  name: string;
  /** BullMQ workers block on Redis and must wait through outages instead of failing commands. */
  blocking?: boolean;
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
  return new Redis(url, settings);
}

export type { Redis };
