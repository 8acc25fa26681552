import { resolve } from 'node:path';
import { verifyWebhook } from '@switchyard/client';
import type { AsyncJobView } from '@switchyard/contracts';
import { TASKS } from '@switchyard/tasks';
import { startWebhookReceiver, type WebhookReceiver } from '@switchyard/testing';
import { type RunningWebhookDispatcher, startWebhookDispatcher } from '@switchyard/webhook-dispatcher';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';

// 24 bytes in base64: a valid Standard Webhooks secret, for the tests only.
const JOB_SECRET = 'whsec_dGFza3Mtd2ViaG9vay1zZWNyZXQtdGVzdHM=';

describe('tasks run as jobs report through signed webhooks', () => {
  let platform: Platform;
  let dispatcher: RunningWebhookDispatcher;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver({});
    platform = await startPlatform({ env: { SWITCHYARD_PROMPTS_DIR: resolve(__dirname, '../../../prompts') } });
    dispatcher = await startWebhookDispatcher({ ...platform.env, WEBHOOK_ALLOWLIST: '127.0.0.1', WEBHOOK_RETRY_DELAYS_MS: '50,50' });
  });

  afterAll(async () => {
    await dispatcher?.close();
    await platform?.close();
    receiver?.close();
  });

  const run = async (name: string, body: Record<string, unknown>) => {
    const response = await fetch(`${platform.gateway.url}/v1/tasks/${name}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as AsyncJobView & { status_url: string } };
  };

  it.each(['code-review', 'evaluation-insights'])('delivers %s as job.succeeded with the answer in its output schema', async (name) => {
    const task = TASKS.get(name);
    const [golden] = task?.golden ?? [];
    const path = `/${name}`;
    const accepted = await run(name, { input: golden?.input, async: true, webhook: { url: `${receiver.base}${path}`, secret: JOB_SECRET } });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ object: 'job', status: 'queued', metadata: { task: name } });
    await expect.poll(() => receiver.requestsTo(path).length, { timeout: 10_000 }).toBe(1);
    const [delivery] = receiver.requestsTo(path);
    const event = verifyWebhook<{ type: string; data: AsyncJobView }>(delivery?.headers ?? {}, delivery?.body ?? '', JOB_SECRET);
    expect(event.type).toBe('job.succeeded');
    expect(event.data).toMatchObject({ id: accepted.body.id, metadata: { task: name } });
    const answer: unknown = JSON.parse(event.data.result?.choices[0]?.message.content ?? 'null');
    const validate = new Ajv({ strict: false }).compile(task?.outputSchema ?? {});
    expect(validate(answer), JSON.stringify(validate.errors)).toBe(true);
  });
});
