import type { Redis } from 'ioredis';

type ScriptRunner = (...args: (string | number)[]) => Promise<unknown>;

/**
 * Makes `name` a command of this connection (EVALSHA, with the text sent
 * once). Classes used on an auto-pipelined connection call it when they are
 * built: ioredis copies a connection's commands into each auto-pipeline it
 * starts, and a command defined while one is pending is missing from it
 * (the call then fails inside ioredis, uncaught).
 */
export function defineScript(redis: Redis, name: string, lua: string, numberOfKeys: number): void {
  if ((redis as unknown as Record<string, unknown>)[name] === undefined) redis.defineCommand(name, { numberOfKeys, lua });
}

/**
 * Runs a Lua script by its SHA (EVALSHA), loading it once per connection,
 * instead of sending its text with every call on the job path.
 */
export function runScript(redis: Redis, name: string, lua: string, numberOfKeys: number, args: (string | number)[]): Promise<unknown> {
  defineScript(redis, name, lua, numberOfKeys);
  return ((redis as unknown as Record<string, ScriptRunner>)[name] as ScriptRunner).call(redis, ...args);
}
