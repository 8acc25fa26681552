import { randomUUID } from 'node:crypto';
import { DirectClient } from '@switchyard/client';
import { createDataSource, type DataSource } from '@switchyard/database';
import { type NewPromptVersion, PromptStore } from '@switchyard/prompts';
import { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';

const greeting = (text: string): NewPromptVersion => ({
  messages: [{ role: 'user', content: text }],
  model: 'mock-echo',
  variables: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
});

interface JobView {
  id: string;
  status: string;
  result: { choices: { message: { content: string } }[] } | null;
}

describe('jobs, batch lines and the direct client rendered from a stored prompt', () => {
  let platform: Platform;
  let database: DataSource;
  let prompts: PromptStore;
  const run = randomUUID().slice(0, 8);
  const name = `greeting-${run}`;

  beforeAll(async () => {
    platform = await startPlatform({ env: { BATCH_EXPIRY_CHECK_MS: '200' } });
    database = createDataSource(platform.env.DATABASE_URL ?? '', { poolSize: 2 });
    await database.initialize();
    prompts = new PromptStore(database);
    await prompts.saveVersion('acme', name, greeting('Hello, {{name}}!'));
    await prompts.saveVersion('acme', name, greeting('Good day, {{name}}.'));
    await prompts.setLabel('acme', name, 'production', 2);
  });

  afterAll(async () => {
    await database?.destroy();
    await platform?.close();
  });

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${platform.gateway.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json', ...init.headers },
    });

  async function finished(jobId: string): Promise<JobView> {
    let view: JobView | undefined;
    await expect
      .poll(
        async () => {
          view = (await (await api(`/v1/jobs/${jobId}`)).json()) as JobView;
          return view.status;
        },
        { timeout: 15_000, interval: 50 },
      )
      .toBe('succeeded');
    return view as JobView;
  }

  it('POST /v1/jobs renders the prompt and its row names the prompt and version', async () => {
    const response = await api('/v1/jobs', { method: 'POST', body: JSON.stringify({ prompt: { name, variables: { name: 'Ada' } } }) });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as JobView;
    const done = await finished(id);
    expect(done.result?.choices[0]?.message.content).toBe('Good day, Ada.');
    expect(await platform.usageRow(id)).toMatchObject({ status: 'succeeded', promptName: name, promptVersion: '2', promptVariant: null });

    const refused = await api('/v1/jobs', { method: 'POST', body: JSON.stringify({ prompt: { name, version: 1, variables: {} } }) });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { param: string } }).error.param).toBe('prompt.variables.name');
  });

  it('renders a batch line that names a prompt when its job is made', async () => {
    const lines = [
      { custom_id: 'by-prompt', method: 'POST', url: '/v1/chat/completions', body: { prompt: { name, version: 1, variables: { name: 'Grace' } } } },
      { custom_id: 'plain', method: 'POST', url: '/v1/chat/completions', body: { model: 'mock-echo', messages: [{ role: 'user', content: 'no prompt' }] } },
    ];
    const file = await platform.client.files.create({
      file: await toFile(Buffer.from(`${lines.map((line) => JSON.stringify(line)).join('\n')}\n`), 'prompted.jsonl'),
      purpose: 'batch',
    });
    const batch = await platform.client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect(batch.status).toBe('in_progress');
    await expect.poll(async () => (await platform.client.batches.retrieve(batch.id)).status, { timeout: 20_000, interval: 100 }).toBe('completed');
    const done = await platform.client.batches.retrieve(batch.id);
    const output = (await (await platform.client.files.content(done.output_file_id ?? '')).text())
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { id: string; custom_id: string; response: { body: { choices: { message: { content: string } }[] } } });
    const byPrompt = output.find((line) => line.custom_id === 'by-prompt');
    expect(byPrompt?.response.body.choices[0]?.message.content).toBe('Hello, Grace!');
    // Rows are written off the request path; only the batch line has run version 1 so far.
    const rows = () =>
      database.query(
        `SELECT prompt_name AS "promptName", prompt_version AS "promptVersion", status FROM llm_requests
         WHERE prompt_name = $1 AND prompt_version = '1'`,
        [name],
      );
    await expect.poll(rows, { timeout: 10_000, interval: 50 }).toStrictEqual([{ promptName: name, promptVersion: '1', status: 'succeeded' }]);
  });

  it('fails a batch whose line names a prompt that does not exist, naming the line', async () => {
    const line = { custom_id: 'ghost', method: 'POST', url: '/v1/chat/completions', body: { prompt: { name: `ghost-${run}`, variables: {} } } };
    const file = await platform.client.files.create({ file: await toFile(Buffer.from(`${JSON.stringify(line)}\n`), 'ghost.jsonl'), purpose: 'batch' });
    const batch = await platform.client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect(batch.status).toBe('failed');
    expect(batch.errors?.data?.[0]).toMatchObject({ code: 'not_found', line: 1 });
    expect(batch.errors?.data?.[0]?.message).toContain(`ghost-${run}`);
  });

  it('the direct client renders prompts from the store it is given', async () => {
    const client = await DirectClient.connect({
      prefix: platform.env.SWITCHYARD_KEY_PREFIX ?? '',
      configPath: platform.env.SWITCHYARD_CONFIG ?? '',
      caller: { keyId: 'test-key', tenant: 'acme' },
      prompts,
    });
    try {
      const completion = await client.enqueueAndWait({ prompt: { name, variables: { name: 'Linus' } } });
      expect(completion.choices[0]?.message.content).toBe('Good day, Linus.');
      const view = await client.enqueue({ prompt: { name, version: 1, variables: { name: 'Barbara' } } });
      await finished(view.id);
      expect(await platform.usageRow(view.id)).toMatchObject({ promptName: name, promptVersion: '1' });
      await expect(client.enqueue({ prompt: { name, variables: { nom: 'x' } } })).rejects.toMatchObject({ param: 'prompt.variables.nom' });
    } finally {
      await client.close();
    }
    const withoutStore = await DirectClient.connect({
      prefix: platform.env.SWITCHYARD_KEY_PREFIX ?? '',
      configPath: platform.env.SWITCHYARD_CONFIG ?? '',
      caller: { keyId: 'test-key', tenant: 'acme' },
    });
    try {
      await expect(withoutStore.enqueue({ prompt: { name, variables: { name: 'x' } } })).rejects.toMatchObject({ param: 'prompt' });
    } finally {
      await withoutStore.close();
    }
  });
});
