import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, postChat, startPlatform } from './platform-harness';

const ask = (model: string) => JSON.stringify({ model, messages: [{ role: 'user', content: 'are you there' }] });

describe('a circuit breaker per provider and model, shared through Redis', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform();
  });

  afterAll(async () => {
    await platform.close();
  });

  it('opens after the configured failures, is skipped while open, and closes after its cool-down', async () => {
    platform.fragile.setDefaultBehaviour({ status: 500 });
    const failures = [await postChat(platform, ask('fragile-echo')), await postChat(platform, ask('fragile-echo'))];
    expect(failures.map((response) => response.status)).toStrictEqual([502, 502]);
    expect(platform.fragile.requests).toHaveLength(2);

    const skipped = await postChat(platform, ask('fragile-echo'));
    expect(skipped.status).toBe(503);
    expect(await skipped.json()).toMatchObject({ error: { code: 'circuit_open', provider: 'fragile' } });
    expect(platform.fragile.requests).toHaveLength(2);

    // While open, a model with a fallback goes straight to it without touching the broken route.
    const rerouted = await postChat(platform, ask('fragile-chain'));
    expect(rerouted.status).toBe(200);
    expect(rerouted.headers.get('x-switchyard-provider')).toBe('backup');
    expect(platform.fragile.requests).toHaveLength(2);

    platform.fragile.reset();
    // Refused without a call (503) until the 3 s cool-down ends; then one probe goes through and succeeds.
    await expect.poll(async () => (await postChat(platform, ask('fragile-echo'))).status, { timeout: 15_000, interval: 100 }).toBe(200);
    expect(platform.fragile.requests).toHaveLength(1);
    const after = await postChat(platform, ask('fragile-echo'));
    expect(after.status).toBe(200);
  });
});
