import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { QueueStats } from './queue-stats';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `sytest-${randomUUID().slice(0, 8)}`;

describe(QueueStats.name, () => {
  const connection = new Redis(url);
  let monitor: Redis | undefined;

  afterAll(async () => {
    monitor?.disconnect();
    await connection.quit();
  });

  /** The script calls this connection makes while `work` runs, as Redis's MONITOR sees them. */
  async function scriptCalls(work: () => Promise<unknown>): Promise<number> {
    await connection.ping();
    const ownAddress = `${connection.stream.localAddress}:${connection.stream.localPort}`;
    let calls = 0;
    monitor ??= await connection.duplicate().monitor();
    const count = (_time: string, args: string[], source: string) => {
      if (source === ownAddress && /^eval/i.test(args[0] ?? '')) calls++;
    };
    monitor.on('monitor', count);
    // The monitor sees this connection's ping after everything it sent before.
    const fence = `fence-${randomUUID()}`;
    const seen = new Promise<void>((resolve) => monitor?.on('monitor', (_t: string, args: string[]) => args[1] === fence && resolve()));
    await work();
    await connection.echo(fence);
    await seen;
    monitor.off('monitor', count);
    return calls;
  }

  it('reads every queue with one script call, and a burst of scrapes shares it', async () => {
    // The script is loaded once, so each later read is a single EVALSHA.
    const first = await new QueueStats(connection, prefix, ['mock', 'backup']).read();
    expect(first.map((queue) => queue.provider)).toStrictEqual(['mock', 'backup']);

    const stats = new QueueStats(connection, prefix, ['mock', 'backup'], 60_000);
    expect(await scriptCalls(() => Promise.all(Array.from({ length: 20 }, () => stats.read())))).toBe(1);
    // Once its time is over, a read asks Redis again.
    const unkept = new QueueStats(connection, prefix, ['mock', 'backup'], -1);
    expect(
      await scriptCalls(async () => {
        for (let i = 0; i < 3; i++) await unkept.read();
      }),
    ).toBe(3);
  });
});
