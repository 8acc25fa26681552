import { HttpClient, type JobEnded } from '@switchyard/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';

describe('the client over HTTP, for services outside the cluster', () => {
  let platform: Platform;
  let client: HttpClient;

  beforeAll(async () => {
    platform = await startPlatform();
    client = new HttpClient({ baseUrl: platform.gateway.url, apiKey: TEST_API_KEY, pollMs: 25 });
  });

  afterAll(async () => {
    await client.close();
    await platform.close();
  });

  const ask = (content: string, model = 'mock-echo') => ({ model, messages: [{ role: 'user' as const, content }] });

  it('enqueues and waits through /v1/jobs', async () => {
    const completion = await client.enqueueAndWait(ask('over the wire'));
    expect(completion.choices[0]?.message.content).toBe('over the wire');
  });

  it("raises a failed job's typed error", async () => {
    await expect(client.enqueueAndWait(ask('x', 'bad-upstream-key'))).rejects.toMatchObject({ code: 'upstream_auth_failed' });
  }, 15_000);

  it("raises the gateway's refusal as a typed error naming the field", async () => {
    await expect(client.enqueue({ model: 'mock-echo', messages: [] })).rejects.toMatchObject({ code: 'invalid_request', param: 'messages' });
  });

  it('enqueues in bulk and reports each job as it ends', async () => {
    const ended: JobEnded[] = [];
    const stop = client.onJobEnded((event) => ended.push(event));
    const views = await client.enqueueBulk(Array.from({ length: 20 }, (_, i) => ask(`http bulk ${i}`)));
    await expect.poll(() => ended.length, { timeout: 5000 }).toBe(20);
    stop();
    expect(new Set(ended.map((event) => event.jobId))).toStrictEqual(new Set(views.map((view) => view.id)));
    expect(ended.every((event) => event.status === 'succeeded')).toBe(true);
  });

  it('cancels and lists', async () => {
    const view = await client.enqueue(ask('not yet'), { delay: 60_000 });
    expect((await client.cancel(view.id)).status).toBe('cancelled');
    const page = await client.list({ status: 'cancelled' });
    expect(page.data.map((job) => job.id)).toContain(view.id);
  });
});
