import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';

describe('a chat completion that outlives its caller’s wait', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform();
  });

  afterAll(async () => {
    await platform?.close();
  });

  const get = (path: string) => fetch(`${platform.gateway.url}${path}`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });

  it('gets a 504 whose message names the lookup that then answers with the job', async () => {
    // `slow` answers after 600 ms; the caller waits 300.
    const error = await platform.client.chat.completions
      .create({ model: 'slow', messages: [{ role: 'user', content: 'take your time' }] }, { headers: { 'x-switchyard-timeout-ms': '300' } })
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const timeout = error as InstanceType<typeof OpenAI.APIError>;
    expect(timeout).toMatchObject({ status: 504, code: 'gateway_timeout' });
    const jobId = timeout.headers?.get('x-switchyard-job-id');
    expect(jobId).toMatch(/^req_/);

    // What the message tells the caller to do, done literally.
    const lookup = /GET (\/v1\/\S+) answers/.exec(timeout.message)?.[1];
    expect(lookup).toBe(`/v1/requests/${jobId}`);
    await expect.poll(async () => (await get(lookup ?? '')).status, { timeout: 15_000 }).toBe(200);
    expect(await (await get(lookup ?? '')).json()).toMatchObject({ id: jobId, status: 'succeeded', public_model: 'slow' });

    // The async jobs' status URL does not hold chat completions, and says where they are.
    const asJob = await get(`/v1/jobs/${jobId}`);
    expect(asJob.status).toBe(404);
    expect(((await asJob.json()) as { error: { message: string } }).error.message).toContain(`GET /v1/requests/${jobId}`);
  }, 30_000);
});
