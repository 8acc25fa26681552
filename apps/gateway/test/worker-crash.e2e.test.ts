import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, postChat, startPlatform } from './platform-harness';
import { spawnWorker, type WorkerProcess } from './app-process';

const ask = (model: string, content: string) => JSON.stringify({ model, messages: [{ role: 'user', content }] });

describe('a worker process that dies or stops mid-job', () => {
  let platform: Platform;
  const spawned: WorkerProcess[] = [];

  beforeAll(async () => {
    // Short locks so a dead worker's job is noticed in about a second instead of thirty.
    platform = await startPlatform({ worker: false, env: { WORKER_LOCK_MS: '1000', WORKER_STALLED_CHECK_MS: '500' } });
  });

  afterEach(() => {
    for (const worker of spawned.splice(0)) worker.child.kill('SIGKILL');
  });

  afterAll(async () => {
    await platform.close();
  });

  it('loses nothing when killed: another worker picks the job up and the caller gets its answer', async () => {
    const first = await spawnWorker(platform.env);
    spawned.push(first);
    const answer = postChat(platform, ask('slow', 'survive the crash'));
    await expect.poll(() => platform.mock.requests.length, { timeout: 5000, interval: 20 }).toBe(1);

    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    spawned.push(await spawnWorker(platform.env));

    const response = await answer;
    expect(response.status).toBe(200);
    const body = (await response.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content).toBe('survive the crash');
    expect(platform.mock.requests.length).toBe(2);
    const row = await platform.usageRow(response.headers.get('x-switchyard-job-id') ?? '');
    expect(row.status).toBe('succeeded');
  });

  it('finishes in-flight jobs before exiting on SIGTERM', async () => {
    const worker = await spawnWorker(platform.env);
    spawned.push(worker);
    const before = platform.mock.requests.length;
    const answers = Promise.all([0, 1, 2].map((i) => postChat(platform, ask('slow', `drain ${i}`))));
    await expect.poll(() => platform.mock.requests.length - before, { timeout: 5000, interval: 20 }).toBe(3);

    worker.child.kill('SIGTERM');
    const responses = await answers;
    expect(responses.map((response) => response.status)).toStrictEqual([200, 200, 200]);
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toContain('draining in-flight jobs');
  });
});

describe('a job whose workers keep dying', () => {
  let platform: Platform;
  const spawned: WorkerProcess[] = [];

  beforeAll(async () => {
    // No second chances: the first lost worker fails the job.
    platform = await startPlatform({ worker: false, env: { WORKER_LOCK_MS: '1000', WORKER_STALLED_CHECK_MS: '500', WORKER_MAX_STALLED: '0' } });
  });

  afterAll(async () => {
    for (const worker of spawned) worker.child.kill('SIGKILL');
    await platform.close();
  });

  it('is failed as job_stalled: the caller gets a 503 at once, not a timeout, and the row says so', async () => {
    const first = await spawnWorker(platform.env);
    spawned.push(first);
    const answer = postChat(platform, ask('slow', 'doomed'));
    await expect.poll(() => platform.mock.requests.length, { timeout: 5000, interval: 20 }).toBe(1);
    first.child.kill('SIGKILL');
    spawned.push(await spawnWorker(platform.env));
    // Timed from when the new worker is up (starting a process is slow on a busy machine): its stalled check
    // finds the job within a second or two, well before the caller's 10 s timeout.
    const respawned = Date.now();

    const response = await answer;
    expect(response.status).toBe(503);
    expect(Date.now() - respawned).toBeLessThan(6000);
    const jobId = response.headers.get('x-switchyard-job-id') ?? '';
    expect(await response.json()).toMatchObject({ error: { code: 'job_stalled', type: 'service_unavailable_error', job_id: jobId } });
    expect(platform.mock.requests.length).toBe(1);
    expect(await platform.usageRow(jobId)).toMatchObject({ status: 'failed', errorCode: 'job_stalled' });
  });
});
