import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnWorker, type WorkerProcess } from './app-process';
import { type Platform, postChat, startPlatform, TEST_API_KEY } from './platform-harness';

const ask = (model: string, content: string) => JSON.stringify({ model, messages: [{ role: 'user', content }] });

describe('a worker process that dies or stops mid-job', () => {
  let platform: Platform;
  const spawned: WorkerProcess[] = [];

  beforeAll(async () => {
    // Short locks so a dead worker's job is noticed in about a second; callers wait out a replacement worker's start on a busy machine.
    // A 1 s lock: tokenizers load at start, so a first prompt count cannot pause a worker into a lost lock.
    platform = await startPlatform({
      worker: false,
      requestTimeoutMs: 30_000,
      env: { WORKER_LOCK_MS: '1000', WORKER_STALLED_CHECK_MS: '500', WORKER_WARM_TOKENIZERS: 'true' },
    });
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
    platform = await startPlatform({
      worker: false,
      env: { WORKER_LOCK_MS: '1000', WORKER_STALLED_CHECK_MS: '500', WORKER_WARM_TOKENIZERS: 'true', WORKER_MAX_STALLED: '0' },
    });
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

describe('a worker killed mid-job, with the default lock and stalled-check settings', () => {
  let platform: Platform;
  const spawned: WorkerProcess[] = [];

  beforeAll(async () => {
    // Callers wait long enough to see the default recovery, and the upstream call may take a while.
    platform = await startPlatform({ worker: false, requestTimeoutMs: 60_000, upstreamTimeoutMs: 60_000 });
  });

  afterAll(async () => {
    for (const worker of spawned) worker.child.kill('SIGKILL');
    await platform.close();
  });

  it('has its sync and async jobs run again by the other worker within seconds, counted as a second attempt', async () => {
    const first = await spawnWorker(platform.env);
    spawned.push(first);
    // The first run hangs until its worker is killed; the second is answered at once.
    platform.mock.setDefaultBehaviour({ hang: true });
    const answer = postChat(platform, ask('mock-echo', 'run me twice'));
    const accepted = await fetch(`${platform.gateway.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: ask('mock-echo', 'queued, run me twice'),
    });
    const asyncId = ((await accepted.json()) as { id: string }).id;
    await expect.poll(() => platform.mock.requests.length, { timeout: 5000, interval: 20 }).toBe(2);
    spawned.push(await spawnWorker(platform.env));
    platform.mock.setDefaultBehaviour({});

    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    const response = await answer;
    const recoveredMs = Date.now() - killedAt;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content).toBe('run me twice');
    expect(recoveredMs).toBeLessThan(15_000);
    expect(await platform.usageRow(response.headers.get('x-switchyard-job-id') ?? '')).toMatchObject({ status: 'succeeded', attempts: 2 });

    const view = async () =>
      (await (await fetch(`${platform.gateway.url}/v1/jobs/${asyncId}`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } })).json()) as {
        status: string;
        attempts: number;
      };
    await expect.poll(async () => (await view()).status, { timeout: 15_000, interval: 100 }).toBe('succeeded');
    expect((await view()).attempts).toBe(2);
    expect(await platform.usageRow(asyncId)).toMatchObject({ status: 'succeeded', attempts: 2 });
  });
});
