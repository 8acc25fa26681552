import type { KeyLimits } from '@switchyard/usage';
import type { Redis } from 'ioredis';
import { runScript } from './run-script';

export interface RateDecision {
  allowed: boolean;
  /** The limit that binds (the smallest remaining), for OpenAI-style x-ratelimit headers. */
  limit?: number;
  remaining?: number;
  /** Milliseconds until that limit's window starts over. */
  resetMs?: number;
  /** Which limit refused the request. */
  exceeded?: 'minute' | 'day';
}

// Both windows in one round trip, all or nothing: a request refused by one limit is not counted by the other.
const TAKE = `
local limits = { tonumber(ARGV[1]), tonumber(ARGV[2]) }
local ttls = { tonumber(ARGV[3]), tonumber(ARGV[4]) }
local counts = {}
for i = 1, 2 do
  if limits[i] > 0 then
    counts[i] = tonumber(redis.call('GET', KEYS[i]) or '0')
    if counts[i] >= limits[i] then return { 0, i, limits[i], 0, redis.call('PTTL', KEYS[i]) } end
  end
end
local best = { -1, -1, 0 }
for i = 1, 2 do
  if limits[i] > 0 then
    local count = redis.call('INCR', KEYS[i])
    if count == 1 then redis.call('PEXPIRE', KEYS[i], ttls[i]) end
    local remaining = limits[i] - count
    if best[1] < 0 or remaining < best[2] then best = { i, remaining, limits[i] } end
  end
end
if best[1] < 0 then return { 1, 0, 0, 0, 0 } end
return { 1, best[1], best[3], best[2], redis.call('PTTL', KEYS[best[1]]) }
`;

const MINUTE = 60_000;
const DAY = 24 * 3600 * 1000;

/**
 * Per-key requests per minute and per day, counted in Redis so every
 * gateway replica shares them. Windows are aligned to the clock (the minute,
 * the UTC day), so they start over for everyone at once.
 */
export class KeyRateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async take(keyId: string, limits: KeyLimits): Promise<RateDecision> {
    const perMinute = limits.requestsPerMinute ?? 0;
    const perDay = limits.requestsPerDay ?? 0;
    if (perMinute <= 0 && perDay <= 0) return { allowed: true };
    const now = Date.now();
    const minute = Math.floor(now / MINUTE);
    const day = Math.floor(now / DAY);
    const reply = (await runScript(this.redis, 'switchyardKeyRate', TAKE, 2, [
      `${this.prefix}:rl:${keyId}:m:${minute}`,
      `${this.prefix}:rl:${keyId}:d:${day}`,
      perMinute,
      perDay,
      (minute + 1) * MINUTE - now + 1000,
      (day + 1) * DAY - now + 1000,
    ])) as number[];
    const [allowed, which, limit, remaining, pttl] = reply;
    const window = which === 1 ? 'minute' : 'day';
    const resetMs = Math.max(0, (which === 1 ? (minute + 1) * MINUTE : (day + 1) * DAY) - now);
    if (allowed === 0) return { allowed: false, exceeded: window, limit: limit ?? 0, remaining: 0, resetMs: pttl !== undefined && pttl > 0 ? Math.min(pttl, resetMs) : resetMs };
    if (which === 0) return { allowed: true };
    return { allowed: true, limit: limit ?? 0, remaining: remaining ?? 0, resetMs };
  }
}
