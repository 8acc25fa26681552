import { circuitKeys } from '@switchyard/contracts';
import { runScript } from '@switchyard/queue';
import type { Redis } from 'ioredis';

export interface CircuitSettings {
  /** Failures within `windowMs` that open the circuit. */
  failureThreshold: number;
  windowMs: number;
  /** How long an open circuit refuses calls; then a single probe call: its failure reopens it, its success closes it. */
  coolDownMs: number;
  /** How stale this process's view of a circuit may be; the state itself lives in Redis. */
  refreshMs: number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

const MAX_VIEWS = 10_000;

interface LocalView {
  state: CircuitState;
  fetchedAt: number;
}

// One script so that counting, opening and the half-open rule are atomic across workers.
const RECORD_FAILURE = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 1 end
local halfOpen = redis.call('EXISTS', KEYS[3])
local failures = redis.call('INCR', KEYS[1])
if failures == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if halfOpen == 1 or failures >= tonumber(ARGV[1]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  redis.call('SET', KEYS[3], '1', 'PX', tonumber(ARGV[3]) * 10)
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`;

/**
 * A circuit breaker per provider and model whose state every worker shares
 * through Redis. Checks read a local view refreshed at most every
 * `refreshMs`, so a healthy route costs no Redis command per job; failures
 * are written at once. (In-process breaker libraries keep their state in one
 * process, which is exactly what a fleet of workers must not do.)
 */
export class CircuitBreaker {
  private readonly views = new Map<string, LocalView>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly settingsFor: (provider: string) => CircuitSettings,
  ) {}

  async state(provider: string, model: string): Promise<CircuitState> {
    const id = `${provider}\u0000${model}`;
    const view = this.views.get(id);
    const now = Date.now();
    if (view !== undefined && now - view.fetchedAt < this.settingsFor(provider).refreshMs) {
      return view.state === 'half-open' ? this.probe(provider, model) : view.state;
    }
    const { open, halfOpen } = circuitKeys(this.prefix, provider, model);
    const [isOpen, isHalfOpen] = await this.redis.mget(open, halfOpen);
    const state: CircuitState = isOpen !== null ? 'open' : isHalfOpen !== null ? 'half-open' : 'closed';
    // Bounded: routes named directly by callers must not grow this without end.
    if (this.views.size >= MAX_VIEWS) this.views.clear();
    this.views.set(id, { state, fetchedAt: now });
    return state === 'half-open' ? this.probe(provider, model) : state;
  }

  /** After the cool-down one call at a time, across all workers, tries the route; the rest wait as if open. */
  private async probe(provider: string, model: string): Promise<CircuitState> {
    const { probe } = circuitKeys(this.prefix, provider, model);
    const taken = await this.redis.set(probe, '1', 'PX', this.settingsFor(provider).coolDownMs, 'NX');
    return taken === 'OK' ? 'half-open' : 'open';
  }

  /** Counts a failure that says the route is unhealthy; returns true when the circuit is (now) open. */
  async recordFailure(provider: string, model: string): Promise<boolean> {
    const settings = this.settingsFor(provider);
    const { failures, open, halfOpen } = circuitKeys(this.prefix, provider, model);
    const opened =
      (await runScript(this.redis, 'switchyardCircuitFailure', RECORD_FAILURE, 3, [
        failures,
        open,
        halfOpen,
        settings.failureThreshold,
        settings.windowMs,
        settings.coolDownMs,
      ])) === 1;
    if (opened) this.views.set(`${provider}\u0000${model}`, { state: 'open', fetchedAt: Date.now() });
    return opened;
  }

  /** A success after the cool-down closes the circuit for every worker. */
  async recordSuccess(provider: string, model: string): Promise<void> {
    const id = `${provider}\u0000${model}`;
    if (this.views.get(id)?.state !== 'half-open') return;
    const { failures, halfOpen, probe } = circuitKeys(this.prefix, provider, model);
    await this.redis.del(failures, halfOpen, probe);
    this.views.set(id, { state: 'closed', fetchedAt: Date.now() });
  }
}
