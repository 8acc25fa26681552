import { randomUUID } from 'node:crypto';
import type { WebhookDelivery } from '@switchyard/contracts';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_WEBHOOK_ATTEMPTS, WEBHOOK_BACKOFF, WEBHOOK_JOB_NAME, WebhookProducer } from './webhook-queue';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `sytest-${randomUUID().slice(0, 8)}`;

function delivery(eventId: string): WebhookDelivery {
  return {
    v: 1,
    eventId,
    type: 'job.succeeded',
    url: 'https://hooks.example.com/switchyard',
    tenant: 'tenant-a',
    jobId: 'job_1',
    body: '{"type":"job.succeeded"}',
    createdAt: Date.now(),
  };
}

describe(WebhookProducer.name, () => {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  const producer = new WebhookProducer(redis, prefix);

  afterAll(async () => {
    await producer.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('queues an event under its id on <prefix>:wh:webhooks, with the dispatcher’s backoff', async () => {
    await producer.deliver(delivery('evt_a'));
    expect(await redis.exists(`${prefix}:wh:webhooks:evt_a`)).toBe(1);
    const job = await producer.queue.getJob('evt_a');
    expect(job?.name).toBe(WEBHOOK_JOB_NAME);
    expect(job?.opts).toMatchObject({ attempts: MAX_WEBHOOK_ATTEMPTS, backoff: { type: WEBHOOK_BACKOFF }, removeOnFail: { age: 7 * 24 * 3600 } });
  });

  it('queues an event once, however often it is handed over', async () => {
    await producer.deliver(delivery('evt_b'));
    await producer.deliver({ ...delivery('evt_b'), body: '{"changed":true}' });
    expect(await producer.queue.getWaitingCount()).toBe(2);
    expect((await producer.queue.getJob('evt_b'))?.data.body).toBe('{"type":"job.succeeded"}');
  });

  it('refuses an event that breaks the contract, at the producer', async () => {
    await expect(producer.deliver({ ...delivery('evt_c'), url: 'not a url' })).rejects.toThrow();
    expect(await producer.queue.getJob('evt_c')).toBeUndefined();
  });
});
