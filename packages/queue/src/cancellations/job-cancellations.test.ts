import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobCancellations } from './job-cancellations';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `sytest-${randomUUID().slice(0, 8)}`;

describe(JobCancellations.name, () => {
  let publisher: Redis;
  let first: JobCancellations;
  let second: JobCancellations;

  beforeAll(async () => {
    publisher = new Redis(url);
    // Two workers: a cancel reaches both, whichever runs the job.
    first = await JobCancellations.start(new Redis(url), prefix);
    second = await JobCancellations.start(new Redis(url), prefix);
  });

  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
    publisher.disconnect();
  });

  it('aborts the running job in whichever worker has it', async () => {
    const running = second.track('job-a');
    expect(running.signal.aborted).toBe(false);
    expect(await JobCancellations.publish(publisher, prefix, 'job-a')).toBe(2);
    await expect.poll(() => running.signal.aborted).toBe(true);
    await expect.poll(() => first.isCancelled('job-a')).toBe(true);
  });

  it('hands a job cancelled before it started an aborted signal', async () => {
    await JobCancellations.publish(publisher, prefix, 'job-b');
    await expect.poll(() => first.isCancelled('job-b')).toBe(true);
    expect(first.track('job-b').signal.aborted).toBe(true);
  });

  it('leaves other jobs running', async () => {
    const other = first.track('job-c');
    await JobCancellations.publish(publisher, prefix, 'job-d');
    await expect.poll(() => first.isCancelled('job-d')).toBe(true);
    expect(other.signal.aborted).toBe(false);
    first.done('job-c');
  });
});
