import { type RunningWorker, startWorkerCloud } from '@switchyard/worker-cloud';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';

describe('WORKER_PROVIDERS: a worker consumes only the provider queues it names', () => {
  let platform: Platform;
  const workers: RunningWorker[] = [];

  beforeAll(async () => {
    platform = await startPlatform({ worker: false });
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.close()));
    await platform.close();
  });

  const startWorker = async (providers: string) => {
    const worker = await startWorkerCloud({ ...platform.env, WORKER_PROVIDERS: providers });
    workers.push(worker);
    return worker;
  };

  async function submit(model: string, content: string): Promise<string> {
    const response = await fetch(`${platform.gateway.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as { id: string }).id;
  }

  const statusOf = async (id: string) =>
    ((await (await fetch(`${platform.gateway.url}/v1/jobs/${id}`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } })).json()) as { status: string })
      .status;

  const upstreamCallsSaying = (text: string) => platform.mock.requests.filter((request) => JSON.stringify(request.body).includes(text)).length;

  it('runs the jobs of the providers it names and leaves the others queued for a worker that names theirs', async () => {
    const backupOnly = await startWorker(' backup ');
    expect(backupOnly.providers).toStrictEqual(['backup']);
    // Queued first on `mock`, then on `backup`: only the second is run.
    const onMock = await submit('mock-echo', 'for the mock queue');
    const onBackup = await submit('backup-echo', 'for the backup queue');
    await expect.poll(() => statusOf(onBackup), { timeout: 10_000, interval: 50 }).toBe('succeeded');
    expect(await statusOf(onMock)).toBe('queued');
    expect(upstreamCallsSaying('for the mock queue')).toBe(0);

    await startWorker('mock');
    await expect.poll(() => statusOf(onMock), { timeout: 10_000, interval: 50 }).toBe('succeeded');
    expect(upstreamCallsSaying('for the mock queue')).toBe(1);
  });

  it('refuses to start when it names a provider it cannot serve, saying which', async () => {
    // `local` is an Ollama server: worker-local's, not worker-cloud's.
    await expect(startWorker('backup,local,nowhere')).rejects.toThrow(/WORKER_PROVIDERS names providers this worker cannot serve: local, nowhere/);
  });
});
