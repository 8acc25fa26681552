import { randomUUID } from 'node:crypto';
import type { WebhookDelivery } from '@switchyard/contracts';
import { createLogger } from '@switchyard/observability';
import { type ReceivedWebhook, Scrape, startWebhookReceiver, type WebhookReceiver } from '@switchyard/testing';
import { generateWebhookSecret, listDeadLetters, redeliver, verifyWebhook, WebhookProducer } from '@switchyard/webhooks';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningWebhookDispatcher, startWebhookDispatcher } from '../src';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `sytest-wh-${randomUUID().slice(0, 8)}`;
const platformSecret = generateWebhookSecret();
const RETRIES = 4;

describe('webhook dispatcher', () => {
  const logLines: string[] = [];
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const producer = new WebhookProducer(redis, prefix);
  let receiver: WebhookReceiver;
  let dispatcher: RunningWebhookDispatcher;

  function event(path: string, overrides: Partial<WebhookDelivery> = {}): WebhookDelivery {
    const jobId = `job_${randomUUID().slice(0, 8)}`;
    return {
      v: 1,
      eventId: `evt_${jobId}_succeeded`,
      type: 'job.succeeded',
      url: `${receiver.base}${path}`,
      tenant: 'tenant-a',
      jobId,
      body: JSON.stringify({ type: 'job.succeeded', data: { id: jobId, secretive: randomUUID() } }),
      createdAt: Date.now(),
      ...overrides,
    };
  }

  async function settled(eventId: string, state: 'completed' | 'failed'): Promise<void> {
    await expect.poll(async () => (await producer.queue.getJob(eventId))?.getState(), { timeout: 10_000, interval: 25 }).toBe(state);
  }

  beforeAll(async () => {
    receiver = await startWebhookReceiver(
      {
        '/flaky': [500, 500, 500, 200],
        '/ok': [204],
        '/down': [500],
        '/gone': [410],
        '/limited': [{ status: 429, headers: { 'retry-after': '1' } }, 200],
      },
      404,
    );
    const logger = createLogger({ service: 'webhook-dispatcher-test', level: 'debug', destination: { write: (line: string) => logLines.push(line) } });
    dispatcher = await startWebhookDispatcher(
      {
        REDIS_URL: redisUrl,
        SWITCHYARD_KEY_PREFIX: prefix,
        WEBHOOK_SECRET: platformSecret,
        WEBHOOK_ALLOWLIST: '127.0.0.1',
        WEBHOOK_RETRY_DELAYS_MS: Array(RETRIES).fill('40').join(','),
        WEBHOOK_TIMEOUT_MS: '2000',
        WEBHOOK_CONNECT_TIMEOUT_MS: '1000',
        METRICS_PORT: '0',
      },
      logger,
    );
  });

  afterAll(async () => {
    await dispatcher?.close();
    await producer.close();
    receiver?.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('retries a failing receiver until it answers 2xx: one delivery, every request the same signed event', async () => {
    const secret = generateWebhookSecret();
    const delivery = event('/flaky', { secret });
    await producer.deliver(delivery);
    await settled(delivery.eventId, 'completed');

    const requests = receiver.requestsTo('/flaky');
    expect(requests).toHaveLength(4);
    for (const request of requests) {
      expect(request.headers).toMatchObject({ 'webhook-id': delivery.eventId, 'content-type': 'application/json', 'user-agent': 'Switchyard-Webhooks/1' });
      expect(request.body).toBe(delivery.body);
      expect(verifyWebhook(request.headers, request.body, secret)).toEqual(JSON.parse(delivery.body));
      expect(() => verifyWebhook(request.headers, request.body, platformSecret)).toThrow();
    }
    expect((await producer.queue.getJob(delivery.eventId))?.returnvalue).toMatchObject({ status: 200, attempts: 4 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.requestsTo('/flaky')).toHaveLength(4);
  });

  it('signs with WEBHOOK_SECRET when the event carries no secret', async () => {
    const delivery = event('/ok');
    await producer.deliver(delivery);
    await settled(delivery.eventId, 'completed');
    const [request] = receiver.requestsTo('/ok');
    expect(request).toBeDefined();
    expect(verifyWebhook((request as ReceivedWebhook).headers, (request as ReceivedWebhook).body, platformSecret)).toEqual(JSON.parse(delivery.body));
  });

  it('waits as long as a 429’s Retry-After asks', async () => {
    const delivery = event('/limited');
    await producer.deliver(delivery);
    await settled(delivery.eventId, 'completed');
    const [first, second] = receiver.requestsTo('/limited');
    expect((second as ReceivedWebhook).at - (first as ReceivedWebhook).at).toBeGreaterThanOrEqual(950);
  });

  describe('dead letters', () => {
    let down: WebhookDelivery;

    it('dead-letters an event whose receiver keeps failing, each attempt explained', async () => {
      down = event('/down', { secret: generateWebhookSecret() });
      await producer.deliver(down);
      await settled(down.eventId, 'failed');
      expect(receiver.requestsTo('/down')).toHaveLength(RETRIES + 1);

      const page = await listDeadLetters(producer.queue, { tenant: 'tenant-a' });
      const letter = page.items.find((item) => item.eventId === down.eventId);
      expect(letter).toMatchObject({
        eventId: down.eventId,
        jobId: down.jobId,
        type: 'job.succeeded',
        url: down.url,
        attempts: RETRIES + 1,
        lastError: `gave up after ${RETRIES + 1} attempts: the receiver answered HTTP 500`,
      });
      expect(letter?.failedAt).toBeGreaterThan(down.createdAt);
      expect(letter?.history.map(({ attempt, status, next }) => ({ attempt, status, next }))).toEqual([
        ...Array.from({ length: RETRIES }, (_, index) => ({ attempt: index + 1, status: 500, next: 'retry' })),
        { attempt: RETRIES + 1, status: 500, next: 'dead' },
      ]);
      const listed = JSON.stringify(page);
      expect(listed).not.toContain(down.secret);
      expect(listed).not.toContain(down.body);
    });

    it('does not retry a destination the guard refuses, nor a 410', async () => {
      const metadata = event('', { url: 'http://169.254.169.254/latest/meta-data/' });
      const gone = event('/gone');
      await producer.deliver(metadata);
      await producer.deliver(gone);
      await settled(metadata.eventId, 'failed');
      await settled(gone.eventId, 'failed');
      expect(receiver.requestsTo('/gone')).toHaveLength(1);

      const { items } = await listDeadLetters(producer.queue, { tenant: 'tenant-a' });
      expect(items.find((item) => item.eventId === metadata.eventId)).toMatchObject({
        attempts: 1,
        lastError: 'refused: the destination does not resolve to a public address and is not in WEBHOOK_ALLOWLIST',
      });
      expect(items.find((item) => item.eventId === gone.eventId)).toMatchObject({ attempts: 1, lastError: 'the receiver answered 410 Gone' });
    });

    it('pages through a tenant’s dead letters, newest first, and shows none to another tenant', async () => {
      const first = await listDeadLetters(producer.queue, { tenant: 'tenant-a', limit: 2 });
      expect(first.items).toHaveLength(2);
      expect(first.nextCursor).toBeDefined();
      const second = await listDeadLetters(producer.queue, { tenant: 'tenant-a', limit: 2, cursor: first.nextCursor });
      const ids = [...first.items, ...second.items].map((item) => item.eventId);
      expect(new Set(ids).size).toBe(3);
      expect(ids.at(-1)).toBe(down.eventId);
      expect(second.nextCursor).toBeUndefined();
      expect((await listDeadLetters(producer.queue, { tenant: 'tenant-b' })).items).toEqual([]);
    });

    it('redelivers a dead letter for its own tenant only, as the same event', async () => {
      expect(await redeliver(producer.queue, down.eventId, 'tenant-b')).toEqual({ status: 'not_found' });
      expect(await redeliver(producer.queue, 'evt_missing', 'tenant-a')).toEqual({ status: 'not_found' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(receiver.requestsTo('/down')).toHaveLength(RETRIES + 1);

      expect(await redeliver(producer.queue, down.eventId, 'tenant-a')).toEqual({ status: 'requeued', eventId: down.eventId });
      await expect.poll(() => receiver.requestsTo('/down').length, { timeout: 5_000 }).toBe(RETRIES + 2);
      await settled(down.eventId, 'failed');
      const last = receiver.requestsTo('/down').at(-1) as ReceivedWebhook;
      expect(last.headers['webhook-id']).toBe(down.eventId);
      expect(verifyWebhook(last.headers, last.body, down.secret as string)).toEqual(JSON.parse(down.body));

      // Its retry schedule was spent, so the redelivery was one attempt; it is a dead letter again, with that attempt on record.
      const letter = (await listDeadLetters(producer.queue, { tenant: 'tenant-a' })).items.find((item) => item.eventId === down.eventId);
      expect(letter).toMatchObject({ attempts: RETRIES + 2, lastError: `gave up after ${RETRIES + 2} attempts: the receiver answered HTTP 500` });
      expect(letter?.history).toHaveLength(RETRIES + 2);
      expect(await redeliver(producer.queue, down.eventId, 'tenant-a')).toMatchObject({ status: 'requeued' });
      await expect.poll(() => receiver.requestsTo('/down').length, { timeout: 5_000 }).toBe(RETRIES + 3);
      await settled(down.eventId, 'failed');
    });
  });

  it('serves its metrics: delivery attempts by outcome', async () => {
    const url = dispatcher.metricsUrl ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const before = await Scrape.of(url);
    const ok = event('/ok');
    const gone = event('/gone');
    await producer.deliver(ok);
    await producer.deliver(gone);
    await settled(ok.eventId, 'completed');
    await settled(gone.eventId, 'failed');
    const count = (scrape: Scrape) => ({
      delivered: scrape.value('switchyard_webhook_attempts_total', { outcome: 'delivered' }),
      dead: scrape.value('switchyard_webhook_attempts_total', { outcome: 'dead' }),
      retried: scrape.value('switchyard_webhook_attempts_total', { outcome: 'retried' }),
      timed: scrape.count('switchyard_webhook_attempt_duration_seconds'),
    });
    const start = count(before);
    await expect
      .poll(async () => {
        const now = count(await Scrape.of(url));
        return {
          delivered: now.delivered - start.delivered,
          dead: now.dead - start.dead,
          retried: now.retried - start.retried,
          timed: now.timed - start.timed,
        };
      })
      .toStrictEqual({ delivered: 1, dead: 1, retried: 0, timed: 2 });
  });

  it('logs event ids and hosts, never a secret or a body', () => {
    const logs = logLines.join('');
    expect(logs).toContain('webhook delivered');
    expect(logs).toContain('webhook dead-lettered');
    expect(logs).not.toContain(platformSecret);
    expect(logs).not.toContain('whsec_');
    expect(logs).not.toContain('secretive');
    expect(logs).not.toContain('/flaky');
  });
});
