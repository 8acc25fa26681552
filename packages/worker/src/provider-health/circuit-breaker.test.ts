import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker';

// A cool-down long enough that no busy machine lets it pass between two calls meant to see the circuit open.
const settings = { failureThreshold: 2, windowMs: 30_000, coolDownMs: 1_000, refreshMs: 1 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(CircuitBreaker.name, () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = `sytest-${randomUUID().slice(0, 8)}`;
  // Two breakers on one Redis stand for two worker processes.
  const workerA = new CircuitBreaker(redis, prefix, () => settings);
  const workerB = new CircuitBreaker(redis, prefix, () => settings);

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('opens for every worker once failures from any of them reach the threshold', async () => {
    expect(await workerA.recordFailure('p', 'm')).toBe(false);
    expect(await workerB.recordFailure('p', 'm')).toBe(true);
    expect(await workerA.state('p', 'm')).toBe('open');
    expect(await workerA.state('p', 'other-model')).toBe('closed');
  });

  it('after the cool-down lets a single probe through; its failure reopens the circuit, its success closes it', async () => {
    // Open (no side effect) until the cool-down ends; the call that sees it half-open takes the probe.
    await expect.poll(() => workerA.state('p', 'm'), { timeout: 5_000, interval: 20 }).toBe('half-open');
    // The probe is taken: every other call, this worker's too, still sees the circuit open.
    expect(await workerB.state('p', 'm')).toBe('open');
    expect(await workerA.state('p', 'm')).toBe('open');
    expect(await workerA.recordFailure('p', 'm')).toBe(true);
    expect(await workerB.state('p', 'm')).toBe('open');
    await expect.poll(() => workerB.state('p', 'm'), { timeout: 5_000, interval: 20 }).toBe('half-open');
    expect(await workerA.state('p', 'm')).toBe('open');
    await workerB.recordSuccess('p', 'm');
    await sleep(5); // past workerA's refreshMs, so it reads the closed circuit instead of its cached view
    expect(await workerA.state('p', 'm')).toBe('closed');
    expect(await workerA.recordFailure('p', 'm')).toBe(false);
  });
});
