import { createDataSource, type DataSource } from '@switchyard/database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnWorker, type WorkerProcess } from './app-process';
import { type Platform, postChat, startPlatform } from './platform-harness';

const REQUESTS = 600;
const CONCURRENCY = 12;

describe('usage rows of a worker killed under load', () => {
  let platform: Platform;
  let database: DataSource;
  const spawned: WorkerProcess[] = [];

  beforeAll(async () => {
    // A long flush interval: a worker that kept rows in memory until its next flush would lose a second's worth.
    // A 1 s lock: tokenizers load at start, so a first prompt count cannot pause a worker into a lost lock.
    platform = await startPlatform({
      worker: false,
      env: { WORKER_LOCK_MS: '1000', WORKER_STALLED_CHECK_MS: '500', WORKER_WARM_TOKENIZERS: 'true', USAGE_FLUSH_MS: '1000' },
    });
    database = createDataSource(platform.env.DATABASE_URL ?? '', { poolSize: 1 });
    await database.initialize();
  });

  afterAll(async () => {
    for (const worker of spawned) worker.child.kill('SIGKILL');
    await database.destroy();
    await platform.close();
  });

  it('are all written: every answered request has its row after a SIGKILL', async () => {
    const victim = await spawnWorker(platform.env);
    spawned.push(victim, await spawnWorker(platform.env));
    const answered: string[] = [];
    let sent = 0;
    let failed = 0;
    const sender = async () => {
      while (sent < REQUESTS) {
        sent++;
        const response = await postChat(platform, JSON.stringify({ model: 'mock-echo', messages: [{ role: 'user', content: `row ${sent}` }] }));
        await response.arrayBuffer();
        if (response.status === 200) answered.push(response.headers.get('x-switchyard-job-id') ?? '');
        else failed++;
      }
    };
    const senders = Promise.all(Array.from({ length: CONCURRENCY }, sender));
    await expect.poll(() => answered.length, { timeout: 30_000, interval: 10 }).toBeGreaterThan(REQUESTS / 3);
    victim.child.kill('SIGKILL');
    expect(await victim.exited).toBeNull();
    await senders;

    const rows = async () =>
      Number(((await database.query('SELECT count(*)::int AS n FROM llm_requests WHERE job_id = ANY($1)', [answered])) as { n: number }[])[0]?.n);
    // The killed worker's unwritten rows are in Redis; a live flusher takes them over once they sit idle.
    await expect
      .poll(rows, { timeout: 30_000, interval: 250 })
      .toBe(answered.length)
      .catch(() => undefined);
    console.log(`worker killed under load: ${JSON.stringify({ sent, answered: answered.length, failed, rows: await rows() })}`);
    expect(answered.length + failed).toBe(REQUESTS);
    expect(await rows()).toBe(answered.length);
  }, 90_000);
});
