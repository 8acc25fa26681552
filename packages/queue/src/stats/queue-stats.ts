import { llmQueueKey } from '@switchyard/contracts';
import type { Redis } from 'ioredis';
import { withTimeout } from '../timing/with-timeout';

/** What one provider queue holds, in BullMQ's terms. */
export interface QueueCounts {
  provider: string;
  waiting: number;
  prioritized: number;
  active: number;
  delayed: number;
  failed: number;
  /** Seconds the longest-waiting job that is due has waited (0 when none waits). */
  oldestWaitingAgeSeconds: number;
}

// For each queue: five counts, then when the job due longest became due. The oldest of the
// `wait` list is its tail (BullMQ adds on the left and takes from the right); the prioritized
// set's first member runs next and, among equal priorities, came first. A job is due at its
// `timestamp` plus its `delay` (a delayed job waits only once its delay is over).
const READ_COUNTS = `
local out = {}
for i = 1, #KEYS do
  local base = KEYS[i]
  local oldest = -1
  local heads = { redis.call('LINDEX', base .. ':wait', -1), redis.call('ZRANGE', base .. ':prioritized', 0, 0)[1] }
  for _, id in pairs(heads) do
    if id then
      local fields = redis.call('HMGET', base .. ':' .. id, 'timestamp', 'delay')
      local due = (tonumber(fields[1]) or -1) + (tonumber(fields[2]) or 0)
      if fields[1] and (oldest < 0 or due < oldest) then oldest = due end
    end
  end
  table.insert(out, redis.call('LLEN', base .. ':wait'))
  table.insert(out, redis.call('ZCARD', base .. ':prioritized'))
  table.insert(out, redis.call('LLEN', base .. ':active'))
  table.insert(out, redis.call('ZCARD', base .. ':delayed'))
  table.insert(out, redis.call('ZCARD', base .. ':failed'))
  table.insert(out, tostring(oldest))
end
return out
`;

const SCRIPT = 'switchyardQueueCounts';
const FIELDS = 6;
/** Scrapes within this of each other share one read. */
const FRESH_MS = 1000;
const READ_TIMEOUT_MS = 2000;

/**
 * The provider queues' counts for `/metrics`, read on demand: one script
 * (one round trip, O(1) per queue) for every queue, kept for a second so a
 * burst of scrapes, and the several gauges of one scrape, share one read.
 */
export class QueueStats {
  private latest: { at: number; counts: Promise<QueueCounts[]> } | undefined;
  private readonly bases: string[];

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly providers: readonly string[],
    private readonly freshMs = FRESH_MS,
  ) {
    this.bases = providers.map((provider) => llmQueueKey(prefix, provider));
    // The key count varies with the provider list, so it is passed with each call.
    if ((redis as unknown as Record<string, unknown>)[SCRIPT] === undefined) redis.defineCommand(SCRIPT, { lua: READ_COUNTS });
  }

  read(): Promise<QueueCounts[]> {
    if (this.latest !== undefined && Date.now() - this.latest.at <= this.freshMs) return this.latest.counts;
    const counts = withTimeout(this.fetch(), READ_TIMEOUT_MS);
    const latest = { at: Date.now(), counts };
    this.latest = latest;
    // A failed read is not kept for the next scrapes.
    counts.catch(() => {
      if (this.latest === latest) this.latest = undefined;
    });
    return counts;
  }

  private async fetch(): Promise<QueueCounts[]> {
    if (this.bases.length === 0) return [];
    const run = (this.redis as unknown as Record<string, (...args: (string | number)[]) => Promise<(number | string)[]>>)[SCRIPT];
    const raw = (await run?.call(this.redis, this.bases.length, ...this.bases)) ?? [];
    const now = Date.now();
    return this.providers.map((provider, i) => {
      const at = (field: number) => Number(raw[i * FIELDS + field] ?? 0);
      const oldest = at(5);
      return {
        provider,
        waiting: at(0),
        prioritized: at(1),
        active: at(2),
        delayed: at(3),
        failed: at(4),
        oldestWaitingAgeSeconds: oldest < 0 ? 0 : Math.max(0, now - oldest) / 1000,
      };
    });
  }
}
