import type { Redis } from 'ioredis';

type ScriptRunner = (...args: (string | number)[]) => Promise<unknown>;

/**
 * Runs a Lua script by its SHA (EVALSHA), loading it once per connection,
 * instead of sending its text with every call on the job path.
 */
export function runScript(redis: Redis, name: string, lua: string, numberOfKeys: number, args: (string | number)[]): Promise<unknown> {
  const commands = redis as unknown as Record<string, ScriptRunner | undefined>;
  if (commands[name] === undefined) redis.defineCommand(name, { numberOfKeys, lua });
  return (commands[name] as ScriptRunner).call(redis, ...args);
}
