import { verifyWebhook } from '@switchyard/client';
import type { AsyncJobView } from '@switchyard/contracts';
import { startWebhookReceiver, type WebhookReceiver } from '@switchyard/testing';
import { type RunningWebhookDispatcher, startWebhookDispatcher } from '@switchyard/webhook-dispatcher';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_TENANT_KEY, type Platform, startPlatform, TEST_API_KEY } from './platform-harness';

// 24 bytes in base64: valid Standard Webhooks secrets, for the tests only.
const PLATFORM_SECRET = 'whsec_c3dpdGNoeWFyZC13ZWJob29rcy10ZXN0';
const JOB_SECRET = 'whsec_am9iLW93bi1zZWNyZXQtZm9yLXRlc3Rz';

describe('async jobs report through signed webhooks', () => {
  let platform: Platform;
  let dispatcher: RunningWebhookDispatcher;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver({ '/flaky': [500, 500, 500, 200], '/down': [503] });
    platform = await startPlatform();
    dispatcher = await startWebhookDispatcher({
      ...platform.env,
      WEBHOOK_SECRET: PLATFORM_SECRET,
      // The receiver is on loopback, which the dispatcher refuses unless told otherwise.
      WEBHOOK_ALLOWLIST: '127.0.0.1',
      WEBHOOK_RETRY_DELAYS_MS: '50,50,50,50',
    });
  });

  afterAll(async () => {
    await dispatcher.close();
    await platform.close();
    receiver.close();
  });

  async function submit(body: Record<string, unknown>, key = TEST_API_KEY): Promise<AsyncJobView> {
    const response = await fetch(`${platform.gateway.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-echo', messages: [{ role: 'user', content: 'call me back' }], ...body }),
    });
    expect(response.status).toBe(202);
    return (await response.json()) as AsyncJobView;
  }

  const api = (method: string, path: string, key = TEST_API_KEY) =>
    fetch(`${platform.gateway.url}${path}`, { method, headers: { authorization: `Bearer ${key}` } });

  it('delivers job.succeeded, signed so that a Standard Webhooks verifier accepts it', async () => {
    const job = await submit({ webhook: { url: `${receiver.base}/done` } });
    await expect.poll(() => receiver.requestsTo('/done').length, { timeout: 5000 }).toBe(1);
    const [delivery] = receiver.requestsTo('/done');
    const event = verifyWebhook<{ type: string; data: AsyncJobView }>(delivery?.headers ?? {}, delivery?.body ?? '', PLATFORM_SECRET);
    expect(event.type).toBe('job.succeeded');
    expect(event.data).toMatchObject({ id: job.id, status: 'succeeded' });
    expect(event.data.result?.choices[0]?.message.content).toBe('call me back');
    expect(delivery?.headers['webhook-id']).toBe(`evt_${job.id}_succeeded`);
    // A tampered body or another secret is refused.
    expect(() => verifyWebhook(delivery?.headers ?? {}, `${delivery?.body} `, PLATFORM_SECRET)).toThrow();
    expect(() => verifyWebhook(delivery?.headers ?? {}, delivery?.body ?? '', JOB_SECRET)).toThrow();
  });

  it("signs with the job's own secret when it gave one, and reports failures and cancels", async () => {
    const failed = await submit({ model: 'bad-upstream-key', webhook: { url: `${receiver.base}/failed`, secret: JOB_SECRET } });
    await expect.poll(() => receiver.requestsTo('/failed').length, { timeout: 8000 }).toBe(1);
    const [failure] = receiver.requestsTo('/failed');
    const event = verifyWebhook<{ type: string; data: AsyncJobView }>(failure?.headers ?? {}, failure?.body ?? '', JOB_SECRET);
    expect(event).toMatchObject({ type: 'job.failed', data: { id: failed.id, status: 'failed', error: { code: 'upstream_auth_failed' } } });

    const later = await submit({ delay: 60_000, webhook: { url: `${receiver.base}/cancelled` } });
    expect((await api('DELETE', `/v1/jobs/${later.id}`)).status).toBe(200);
    await expect.poll(() => receiver.requestsTo('/cancelled').length, { timeout: 5000 }).toBe(1);
    const [cancel] = receiver.requestsTo('/cancelled');
    expect(verifyWebhook<{ type: string }>(cancel?.headers ?? {}, cancel?.body ?? '', PLATFORM_SECRET).type).toBe('job.cancelled');
  }, 15_000);

  it('retries a failing receiver until it succeeds, then delivers exactly once', async () => {
    await submit({ webhook: { url: `${receiver.base}/flaky` } });
    await expect.poll(() => receiver.requestsTo('/flaky').length, { timeout: 8000 }).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const attempts = receiver.requestsTo('/flaky');
    expect(attempts).toHaveLength(4);
    expect(new Set(attempts.map((attempt) => attempt.headers['webhook-id'])).size).toBe(1);
    for (const attempt of attempts) expect(() => verifyWebhook(attempt.headers, attempt.body, PLATFORM_SECRET)).not.toThrow();
  }, 15_000);

  it('dead-letters an event whose receiver never succeeds; its tenant can list and redeliver it, no other tenant can', async () => {
    const job = await submit({ webhook: { url: `${receiver.base}/down` } });
    const eventId = `evt_${job.id}_succeeded`;
    type DeadLetterList = {
      object: string;
      data: { eventId: string; jobId: string; attempts: number; lastError: string }[];
      has_more: boolean;
      next_cursor: string | null;
    };
    let deadLetters: DeadLetterList = { object: 'list', data: [], has_more: false, next_cursor: null };
    await expect
      .poll(
        async () => {
          deadLetters = (await (await api('GET', '/v1/webhooks/dead-letters')).json()) as DeadLetterList;
          return deadLetters.data?.map((item) => item.eventId);
        },
        { timeout: 8000 },
      )
      .toContain(eventId);
    // The list shape of every other list.
    expect(deadLetters).toMatchObject({ object: 'list', has_more: false, next_cursor: null });
    expect(Object.keys(deadLetters).sort()).toEqual(['data', 'has_more', 'next_cursor', 'object']);
    const letter = deadLetters.data.find((item) => item.eventId === eventId);
    expect(letter).toMatchObject({ jobId: job.id, attempts: 5 });
    expect(letter?.lastError).toContain('503');
    expect(JSON.stringify(deadLetters)).not.toContain(PLATFORM_SECRET);

    const theirs = (await (await api('GET', '/v1/webhooks/dead-letters', OTHER_TENANT_KEY)).json()) as DeadLetterList;
    expect(theirs.data.map((item) => item.eventId)).not.toContain(eventId);
    expect((await api('POST', `/v1/webhooks/dead-letters/${eventId}/redeliver`, OTHER_TENANT_KEY)).status).toBe(404);

    const before = receiver.requestsTo('/down').length;
    expect((await api('POST', `/v1/webhooks/dead-letters/${eventId}/redeliver`)).status).toBe(202);
    await expect.poll(() => receiver.requestsTo('/down').length, { timeout: 5000 }).toBe(before + 1);
  }, 20_000);
});
