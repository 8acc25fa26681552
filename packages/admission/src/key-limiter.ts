import { type CallerIdentity, type KeyCharge, type KeyLimitCounter, keyLimitKey } from '@switchyard/contracts';
import type { KeyLimits } from '@switchyard/database';
import { defineScript, runScript } from '@switchyard/queue';
import type { Redis } from 'ioredis';

/** A window's state after the request, for OpenAI-style `x-ratelimit-*` headers. */
export interface WindowState {
  limit: number;
  remaining: number;
  /** Milliseconds until the window starts over. */
  resetMs: number;
}

/** `tokens_per_request`: the request alone may use more tokens than the key's per-minute limit; no wait makes it fit. */
export type RefusedLimit = 'requests_per_minute' | 'requests_per_day' | 'tokens_per_minute' | 'tokens_per_request' | 'budget_per_day' | 'budget_per_month';

export interface LimitDecision {
  allowed: boolean;
  /** Which limit refused the request. */
  refused?: RefusedLimit;
  /** The binding request window (the one with fewer requests left). */
  requests?: WindowState;
  tokens?: WindowState;
  /** The budget window the refusal came from, in US dollars. */
  budget?: WindowState;
  /** What to settle when the request ends; set only when tokens or spend were counted. */
  charge?: KeyCharge;
}

/** What a key has used in its windows running now; null where it has no such limit (nothing is counted then). */
export interface KeyUsageNow {
  requestsThisMinute: number | null;
  tokensThisMinute: number | null;
  spendUsdToday: number | null;
  spendUsdThisMonth: number | null;
}

/** What a request is expected to use: counted up front, settled with the real figures after. */
export interface ChargeEstimate {
  tokens: number;
  nanoUsd: number;
}

const NANO = 1e9;
/** Bounds for one request's estimate: past them a request is absurd, and Redis integers stay exact. */
const MAX_TOKENS = 1e12;
const MAX_NANO_USD = 1e15;
const REFUND_DELAY_MS = 5;
const TAKE_COMMAND = 'switchyardKeyLimits';
const SETTLE_COMMAND = 'switchyardKeySettle';
const MINUTE = 60_000;
const DAY = 24 * 3600 * 1000;
const LIMIT_NAMES: readonly RefusedLimit[] = ['requests_per_minute', 'requests_per_day', 'tokens_per_minute', 'budget_per_day', 'budget_per_month'];

// Five windows in one round trip, all or nothing: a request refused by one limit is counted by none.
// Requests count one each; tokens are refused when the estimate would pass the limit; a budget refuses
// once it is spent (the estimate of a request is a guess, the spend so far is not).
const TAKE = `
local charged = ARGV[16] == '1'
local counts = redis.call('MGET', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
local counted = {}
for i = 1, 5 do
  local limit = tonumber(ARGV[i])
  if limit > 0 and (i <= 2 or charged) then
    local count = tonumber(counts[i] or '0')
    local amount = tonumber(ARGV[5 + i])
    local over
    if i <= 2 then over = count + 1 > limit
    elseif i == 3 then over = amount > 0 and count + amount > limit
    else over = count >= limit end
    if over then return { 0, i, count } end
    counted[i] = count
  end
end
local after = { 1, 0, -1, -1, -1, -1, -1 }
for i = 1, 5 do
  if counted[i] ~= nil then
    after[2 + i] = redis.call('INCRBY', KEYS[i], ARGV[5 + i])
    if counted[i] == 0 then redis.call('PEXPIRE', KEYS[i], ARGV[10 + i]) end
  end
end
return after
`;

// The difference between the estimate and what the request used. Given back to the windows it was
// counted in (an ended one is left alone, nothing goes below zero); used beyond the estimate, to the
// windows running now (a batch line finishing after midnight spends today's budget).
const SETTLE = `
for i = 1, 3 do
  local delta = tonumber(ARGV[i])
  if delta < 0 then
    if redis.call('EXISTS', KEYS[i]) == 1 and redis.call('INCRBY', KEYS[i], delta) < 0 then redis.call('SET', KEYS[i], 0, 'KEEPTTL') end
  elseif delta > 0 then
    if redis.call('INCRBY', KEYS[i], delta) == delta then redis.call('PEXPIRE', KEYS[i], ARGV[3 + i]) end
  end
end
return 1
`;

function monthOf(at: number): { id: string; endsAt: number } {
  const date = new Date(at);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  return { id: `${year}${String(month + 1).padStart(2, '0')}`, endsAt: Date.UTC(year, month + 1, 1) };
}

/** A dollar figure in billionths, the unit the budget counters use. */
export function toNanoUsd(usd: number | null | undefined): number {
  return typeof usd === 'number' && Number.isFinite(usd) && usd > 0 ? Math.min(MAX_NANO_USD, Math.round(usd * NANO)) : 0;
}

function wholeTokens(tokens: number | undefined): number {
  return tokens !== undefined && Number.isFinite(tokens) && tokens > 0 ? Math.min(MAX_TOKENS, Math.round(tokens)) : 0;
}

function hasSpendLimits(limits: KeyLimits): boolean {
  return (limits.tokensPerMinute ?? 0) > 0 || (limits.budgetUsdPerDay ?? 0) > 0 || (limits.budgetUsdPerMonth ?? 0) > 0;
}

/**
 * Per-key limits, counted in Redis so every gateway replica shares them:
 * requests per minute and per day, tokens per minute, and a spending budget
 * per day and per month. Windows are aligned to the clock (the minute, the
 * UTC day, the calendar month), so they start over for everyone at once.
 *
 * Tokens and spend are counted at the request's estimate when it is let in
 * and corrected by `settle` when it ends, so concurrent requests see each
 * other before any of them has finished.
 */
export class KeyLimiter {
  private refunds: { keyId: string; charge: KeyCharge }[] = [];
  private refundTimer: NodeJS.Timeout | undefined;

  /** `onRefundsFailed`: refunds Redis did not take (those keys stay counted high until their windows end). */
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly onRefundsFailed: (error: unknown, refunds: number) => void = () => undefined,
  ) {
    defineScript(redis, TAKE_COMMAND, TAKE, 5);
    defineScript(redis, SETTLE_COMMAND, SETTLE, 3);
  }

  /** Whether requests of a key with these limits need an estimate (only then is one worth computing). */
  static needsEstimate(limits: KeyLimits): boolean {
    return hasSpendLimits(limits);
  }

  /**
   * Counts one request; with an estimate (a request that runs a model), its
   * tokens and cost too. Without one, token and budget limits are not looked at.
   */
  async take(keyId: string, limits: KeyLimits, estimate?: ChargeEstimate): Promise<LimitDecision> {
    const charged = estimate !== undefined && hasSpendLimits(limits);
    const perMinute = limits.requestsPerMinute ?? 0;
    const perDay = limits.requestsPerDay ?? 0;
    if (!charged && perMinute <= 0 && perDay <= 0) return { allowed: true };
    const values = [perMinute, perDay, limits.tokensPerMinute ?? 0, toNanoUsd(limits.budgetUsdPerDay), toNanoUsd(limits.budgetUsdPerMonth)];
    const tokens = wholeTokens(estimate?.tokens);
    const nanoUsd = Math.min(MAX_NANO_USD, Math.max(0, Math.round(estimate?.nanoUsd ?? 0)));
    const perMinuteTokens = limits.tokensPerMinute ?? 0;
    if (charged && perMinuteTokens > 0 && tokens > perMinuteTokens) {
      return { allowed: false, refused: 'tokens_per_request', tokens: { limit: perMinuteTokens, remaining: perMinuteTokens, resetMs: 0 } };
    }
    const now = Date.now();
    const windows = this.windows(keyId, now);
    const reply = (await runScript(this.redis, TAKE_COMMAND, TAKE, 5, [
      ...windows.keys,
      ...values,
      ...[1, 1, tokens, nanoUsd, nanoUsd],
      // A second past the window's end, so a late settle still finds the counter.
      ...windows.endsAt.map((end) => end - now + 1000),
      charged ? '1' : '0',
    ])) as number[];
    const of = (list: readonly number[], i: number) => list[i] ?? 0;
    const state = (i: number, used: number): WindowState => ({
      limit: of(values, i),
      remaining: Math.max(0, of(values, i) - used),
      resetMs: Math.max(0, of(windows.endsAt, i) - now),
    });
    if (of(reply, 0) === 0) {
      const i = of(reply, 1) - 1;
      const refused = LIMIT_NAMES[i];
      const at = state(i, of(reply, 2));
      if (i <= 1) return { allowed: false, refused, requests: at };
      if (i === 2) return { allowed: false, refused, tokens: at };
      return { allowed: false, refused, budget: { ...at, limit: at.limit / NANO, remaining: at.remaining / NANO } };
    }
    const decision: LimitDecision = { allowed: true };
    for (const i of [0, 1]) {
      const count = of(reply, 2 + i);
      if (count < 0) continue;
      const window = state(i, count);
      if (decision.requests === undefined || window.remaining < decision.requests.remaining) decision.requests = window;
    }
    if (of(reply, 4) >= 0) decision.tokens = state(2, of(reply, 4));
    if (charged) decision.charge = { at: now, tokens, nanoUsd };
    return decision;
  }

  /** Replaces a request's estimate with what it really used (zero for one that never ran). */
  async settle(keyId: string, charge: KeyCharge, used: { tokens: number; nanoUsd: number }): Promise<void> {
    const deltas = [wholeTokens(used.tokens) - charge.tokens, Math.min(MAX_NANO_USD, used.nanoUsd) - charge.nanoUsd];
    if (deltas[0] === 0 && deltas[1] === 0) return;
    const now = Date.now();
    const charged = this.windows(keyId, charge.at);
    const current = this.windows(keyId, now);
    // Counters 3 to 5 (tokens, dollars a day, dollars a month): refunds where charged, the rest where it is now.
    const spend = [2, 3, 4].map((i, n) => {
      const delta = deltas[n === 0 ? 0 : 1] ?? 0;
      const windows = delta < 0 ? charged : current;
      return { key: windows.keys[i] ?? '', delta, ttl: (current.endsAt[i] ?? now) - now + 1000 };
    });
    await runScript(this.redis, SETTLE_COMMAND, SETTLE, 3, [...spend.map((w) => w.key), ...spend.map((w) => w.delta), ...spend.map((w) => w.ttl)]);
  }

  /**
   * Gives back all a request was charged: it ran nothing (answered from the
   * cache, refused, a repeat, cancelled while queued). Refunds wait a few
   * milliseconds and go out together: on a busy gateway, one write for many.
   * Until then the key is counted a little high, never low.
   */
  refund(caller: CallerIdentity): void {
    if (caller.charge === undefined) return;
    this.refunds.push({ keyId: caller.keyId, charge: caller.charge });
    if (this.refundTimer === undefined) this.refundTimer = setTimeout(() => void this.flushRefunds(), REFUND_DELAY_MS);
  }

  /** Sends the refunds still waiting (the gateway calls it as it stops). */
  async flushRefunds(): Promise<void> {
    clearTimeout(this.refundTimer);
    this.refundTimer = undefined;
    const refunds = this.refunds;
    this.refunds = [];
    const failures: unknown[] = [];
    await Promise.all(
      refunds.map(({ keyId, charge }) => this.settle(keyId, charge, { tokens: 0, nanoUsd: 0 }).catch((error: unknown) => failures.push(error))),
    );
    if (failures.length > 0) this.onRefundsFailed(failures[0], failures.length);
  }

  /**
   * What each key has used in the windows running now, read in one pipelined
   * round trip for all of them. Only the counters of limits a key has are
   * kept, so only those are read.
   */
  async usageNow(keys: readonly { keyId: string; limits: KeyLimits }[], now = Date.now()): Promise<Map<string, KeyUsageNow>> {
    // Counters by index in `windows`: requests a minute, tokens a minute, dollars a day and a month.
    const read = [
      { index: 0, limit: (limits: KeyLimits) => limits.requestsPerMinute, scale: 1 },
      { index: 2, limit: (limits: KeyLimits) => limits.tokensPerMinute, scale: 1 },
      { index: 3, limit: (limits: KeyLimits) => limits.budgetUsdPerDay, scale: NANO },
      { index: 4, limit: (limits: KeyLimits) => limits.budgetUsdPerMonth, scale: NANO },
    ];
    const pipeline = this.redis.pipeline();
    const asked: { keyId: string; slot: number; scale: number }[] = [];
    for (const { keyId, limits } of keys) {
      const { keys: counters } = this.windows(keyId, now);
      read.forEach(({ index, limit, scale }, slot) => {
        if ((limit(limits) ?? 0) <= 0) return;
        pipeline.get(counters[index] ?? '');
        asked.push({ keyId, slot, scale });
      });
    }
    const replies = asked.length === 0 ? [] : ((await pipeline.exec()) ?? []);
    const usage = new Map<string, KeyUsageNow>(
      keys.map(({ keyId }) => [keyId, { requestsThisMinute: null, tokensThisMinute: null, spendUsdToday: null, spendUsdThisMonth: null }]),
    );
    const fields = ['requestsThisMinute', 'tokensThisMinute', 'spendUsdToday', 'spendUsdThisMonth'] as const;
    asked.forEach(({ keyId, slot, scale }, i) => {
      const [error, value] = replies[i] ?? [];
      if (error) throw error;
      const entry = usage.get(keyId) as KeyUsageNow;
      entry[fields[slot] as keyof KeyUsageNow] = Math.max(0, Number(value ?? 0)) / scale;
    });
    return usage;
  }

  /** The five counters' keys and when each window ends. All five live in one cluster slot (`keyLimitKey`). */
  private windows(keyId: string, at: number): { keys: string[]; endsAt: number[] } {
    const minute = Math.floor(at / MINUTE);
    const day = Math.floor(at / DAY);
    const month = monthOf(at);
    const key = (counter: KeyLimitCounter, window: number | string) => keyLimitKey(this.prefix, keyId, counter, window);
    return {
      keys: [key('rpm', minute), key('rpd', day), key('tpm', minute), key('usd-day', day), key('usd-month', month.id)],
      endsAt: [(minute + 1) * MINUTE, (day + 1) * DAY, (minute + 1) * MINUTE, (day + 1) * DAY, month.endsAt],
    };
  }
}
