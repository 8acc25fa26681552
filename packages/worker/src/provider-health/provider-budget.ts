import { providerBudgetKey } from '@switchyard/contracts';
import { runScript } from '@switchyard/queue';
import type { Redis } from 'ioredis';

export interface BudgetLimits {
  tokensPerMinute?: number;
  requestsPerDay?: number;
}

// Checks both budgets and, when there is room, takes one request from the day's.
// Returns 0, or how long to wait until the exhausted budget renews.
const TAKE = `
local tpm = tonumber(ARGV[1])
local rpd = tonumber(ARGV[2])
if tpm > 0 then
  local used = tonumber(redis.call('GET', KEYS[1]) or '0')
  if used >= tpm then return tonumber(ARGV[3]) end
end
if rpd > 0 then
  local count = redis.call('INCR', KEYS[2])
  if count == 1 then redis.call('PEXPIRE', KEYS[2], 172800000) end
  if count > rpd then
    redis.call('DECR', KEYS[2])
    return tonumber(ARGV[4])
  end
end
return 0
`;

/**
 * Token-per-minute and request-per-day budgets per provider, counted in Redis
 * so they hold across every worker. Requests per minute are BullMQ's limiter;
 * these are what it cannot express. Tokens are counted after each call from
 * the provider's own usage, so a minute can overrun by the one request that
 * crossed the line; the next waits for the following minute.
 */
export class ProviderBudget {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly limitsFor: (provider: string) => BudgetLimits | undefined,
  ) {}

  private keys(provider: string, now: number): [string, string] {
    const minute = Math.floor(now / 60_000);
    const day = new Date(now).toISOString().slice(0, 10);
    return [providerBudgetKey(this.prefix, provider, 'tpm', minute), providerBudgetKey(this.prefix, provider, 'rpd', day)];
  }

  /** 0 when the call may go ahead (and is counted); otherwise milliseconds until a budget renews. */
  async take(provider: string, now = Date.now()): Promise<number> {
    const limits = this.limitsFor(provider);
    if (limits?.tokensPerMinute === undefined && limits?.requestsPerDay === undefined) return 0;
    const untilNextMinute = 60_000 - (now % 60_000);
    const untilNextDay = 86_400_000 - (now % 86_400_000);
    return Number(
      await runScript(this.redis, 'switchyardBudgetTake', TAKE, 2, [
        ...this.keys(provider, now),
        limits.tokensPerMinute ?? 0,
        limits.requestsPerDay ?? 0,
        untilNextMinute,
        untilNextDay,
      ]),
    );
  }

  /** Adds a finished call's tokens to this minute's count. */
  async spend(provider: string, tokens: number, now = Date.now()): Promise<void> {
    if (this.limitsFor(provider)?.tokensPerMinute === undefined || tokens <= 0) return;
    const [minuteKey] = this.keys(provider, now);
    await this.redis.multi().incrby(minuteKey, tokens).pexpire(minuteKey, 120_000).exec();
  }
}
