import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGateway } from './app-process';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';

describe('GATEWAY_PROCESSES: gateway replicas on one port', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform();
  });

  afterAll(async () => {
    await platform.close();
  });

  it('runs that many gateway processes behind one port, answers through all of them, and stops them all on SIGTERM', async () => {
    const gateway = spawnGateway({ ...platform.env, GATEWAY_PROCESSES: '2' });
    try {
      await expect.poll(() => gateway.output().match(/gateway listening/g)?.length ?? 0, { timeout: 20_000, interval: 50 }).toBe(2);
      const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(gateway.output())?.[1];
      expect(url).toBeDefined();
      const statuses = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const response = await fetch(`${url}/v1/chat/completions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json', connection: 'close' },
            body: JSON.stringify({ model: 'mock-echo', messages: [{ role: 'user', content: 'which process?' }] }),
          });
          await response.text();
          return response.status;
        }),
      );
      expect(statuses.every((status) => status === 200)).toBe(true);
      // Each process logs the requests it served (lines are flushed in batches): both served some.
      const served = () =>
        gateway
          .output()
          .split('\n')
          .filter((line) => line.includes('"request completed"'));
      await expect.poll(() => served().length, { timeout: 5000 }).toBe(20);
      const pids = new Set(served().map((line) => /"pid":(\d+)/.exec(line)?.[1]));
      expect(pids.size).toBe(2);
      // A scrape reaches one process and answers for both.
      const metrics = await (await fetch(`${url}/metrics`, { headers: { connection: 'close' } })).text();
      expect(metrics).toMatch(/switchyard_http_requests_total\{method="POST",route="\/v1\/chat\/completions",status="200"\} 20\n/);
      gateway.child.kill('SIGTERM');
      expect(await gateway.exited).toBe(0);
      expect(gateway.output().match(/gateway stopped/g)?.length).toBe(2);
    } finally {
      gateway.child.kill('SIGKILL');
    }
  }, 60_000);

  it('stops with status 1 when no process can start (here: no database), instead of restarting them for ever', async () => {
    const gateway = spawnGateway({ ...platform.env, GATEWAY_PROCESSES: '2', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/switchyard' });
    expect(await gateway.exited).toBe(1);
    expect(gateway.output()).toContain('failed before it could listen');
  }, 30_000);

  it('refuses a process count that is not a whole number from 1 to 64, saying which setting is wrong', async () => {
    const gateway = spawnGateway({ ...platform.env, GATEWAY_PROCESSES: '0' });
    expect(await gateway.exited).toBe(1);
    expect(gateway.output()).toContain('GATEWAY_PROCESSES');
  }, 20_000);
});
