import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AppProcess, spawnGateway } from './app-process';
import { inOneClockMinute } from './clock-minute';
import { type Platform, startPlatform } from './platform-harness';
import { createTenant, keyWithLimits } from './tenant-keys';

const ADMIN_KEY = 'sk-admin-switchyard-processes-000001';
const LIMIT = 30;
const SENT = 50;

/** The URL a spawned gateway logs once it listens. */
async function urlOf(gateway: AppProcess): Promise<string> {
  return vi.waitFor(
    () => {
      const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(gateway.output())?.[1];
      if (url === undefined) throw new Error(`gateway not listening yet:\n${gateway.output()}`);
      return url;
    },
    { timeout: 20_000, interval: 50 },
  );
}

describe('per-key limits across separate gateway processes', () => {
  let platform: Platform;
  const gateways: AppProcess[] = [];
  const urls: string[] = [];
  const tenant = `kp${Date.now().toString(36)}`;

  beforeAll(async () => {
    platform = await startPlatform({ env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY } });
    // Two gateways as two operating-system processes, each with its own Redis connections and key cache.
    gateways.push(spawnGateway(platform.env), spawnGateway(platform.env));
    urls.push(...(await Promise.all(gateways.map(urlOf))));
    await createTenant({ platform, adminKey: ADMIN_KEY }, { id: tenant, name: 'Two processes' });
  }, 60_000);

  afterAll(async () => {
    for (const gateway of gateways) gateway.child.kill('SIGTERM');
    await Promise.all(gateways.map((gateway) => gateway.exited));
    await platform.close();
  });

  it(`lets exactly ${LIMIT} of ${SENT} requests through at ${LIMIT} a minute, whichever process each reaches; the rest get 429`, async () => {
    await inOneClockMinute(async () => {
      const { key } = await keyWithLimits({ platform, adminKey: ADMIN_KEY }, tenant, { requestsPerMinute: LIMIT });
      const responses = await Promise.all(
        Array.from({ length: SENT }, async (_, i) => {
          const response = await fetch(`${urls[i % 2]}/v1/chat/completions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'mock-echo', messages: [{ role: 'user', content: `request ${i}` }] }),
          });
          await response.text();
          return { status: response.status, via: i % 2, remaining: response.headers.get('x-ratelimit-remaining-requests') };
        }),
      );
      const passed = responses.filter((response) => response.status === 200);
      const limited = responses.filter((response) => response.status === 429);
      expect(passed).toHaveLength(LIMIT);
      expect(limited).toHaveLength(SENT - LIMIT);
      // Both processes let some through: neither counted alone.
      expect(new Set(passed.map((response) => response.via))).toStrictEqual(new Set([0, 1]));
      // Every remaining count from 0 to LIMIT - 1 was handed out once: one counter, not one per process.
      expect(passed.map((response) => Number(response.remaining)).sort((a, b) => a - b)).toStrictEqual(Array.from({ length: LIMIT }, (_, i) => i));
    });
  }, 90_000);
});
