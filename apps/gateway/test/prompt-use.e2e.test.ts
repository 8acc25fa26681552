import { randomUUID } from 'node:crypto';
import { createDataSource, type DataSource } from '@switchyard/database';
import { type NewPromptVersion, PromptStore } from '@switchyard/prompts';
import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_TENANT_KEY, type Platform, startPlatform, TEST_API_KEY } from './platform-harness';

/** `prompt` is a Switchyard extension: the SDK sends fields it does not know as they are. */
type PromptedBody = Omit<ChatCompletionCreateParamsNonStreaming, 'model' | 'messages'> & {
  model?: string;
  messages?: ChatCompletionCreateParamsNonStreaming['messages'];
  prompt: { name: string; version?: number; label?: string; variables?: Record<string, unknown> };
};

const weather = (text: string, extra: Partial<NewPromptVersion> = {}): NewPromptVersion => ({
  messages: [
    { role: 'system', content: 'You answer about the weather.' },
    { role: 'user', content: text },
  ],
  model: 'mock-echo',
  variables: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] },
  ...extra,
});

interface PromptRow {
  userId: string | null;
  keyId: string | null;
  status: string;
  errorCode: string | null;
  cacheHit: boolean;
  promptName: string | null;
  promptVersion: string | null;
  promptVariant: string | null;
}

describe('requests rendered from a stored prompt', () => {
  let platform: Platform;
  let database: DataSource;
  let prompts: PromptStore;
  // Prompt names of this run's own: the test database keeps earlier runs' prompts.
  const run = randomUUID().slice(0, 8);
  const named = (name: string) => `${name}-${run}`;

  beforeAll(async () => {
    platform = await startPlatform({ env: { WORKER_CONCURRENCY: '64' } });
    database = createDataSource(platform.env.DATABASE_URL ?? '', { poolSize: 2 });
    await database.initialize();
    prompts = new PromptStore(database);
  });

  afterAll(async () => {
    await database?.destroy();
    await platform?.close();
  });

  const ask = (body: PromptedBody, options?: OpenAI.RequestOptions): Promise<ChatCompletion> =>
    platform.client.chat.completions.create(body as unknown as ChatCompletionCreateParamsNonStreaming, options);

  const answerOf = (completion: ChatCompletion) => completion.choices[0]?.message.content;

  /** The rows of one prompt, once `count` of them are written (rows are written off the request path). */
  async function rowsOf(promptName: string, count: number): Promise<PromptRow[]> {
    const read = async () =>
      (await database.query(
        `SELECT user_id AS "userId", key_id AS "keyId", status, error_code AS "errorCode", cache_hit AS "cacheHit",
                prompt_name AS "promptName", prompt_version AS "promptVersion", prompt_variant AS "promptVariant"
         FROM llm_requests WHERE prompt_name = $1`,
        [promptName],
      )) as PromptRow[];
    await expect.poll(async () => (await read()).length, { timeout: 20_000, interval: 100 }).toBe(count);
    return read();
  }

  /** What the mock provider was sent for the request whose last message was `text`. */
  function upstreamBodyFor(text: string): Record<string, unknown> | undefined {
    const found = platform.mock.requests.find((request) => {
      const messages = (request.body as { messages?: { content?: unknown }[] }).messages ?? [];
      return messages.at(-1)?.content === text;
    });
    return found?.body as Record<string, unknown> | undefined;
  }

  it('renders the messages, answers with them, and records the prompt on the usage row', async () => {
    const name = named('weather');
    await prompts.saveVersion('acme', name, weather('What is the weather in {{city}}?'));
    const completion = await ask({ model: 'mock-echo', prompt: { name, variables: { city: 'Lisbon' } } });
    expect(answerOf(completion)).toBe('What is the weather in Lisbon?');
    // No model in the body: the version names one. Messages of the caller's own follow the rendered ones.
    const withOwn = await ask({ prompt: { name, version: 1, variables: { city: 'Porto' } }, messages: [{ role: 'user', content: 'And tomorrow?' }] });
    expect(answerOf(withOwn)).toBe('And tomorrow?');
    const sent = upstreamBodyFor('And tomorrow?') as { messages: { role: string; content: string }[] };
    expect(sent.messages.map((m) => m.content)).toStrictEqual(['You answer about the weather.', 'What is the weather in Porto?', 'And tomorrow?']);
    const rows = await rowsOf(name, 2);
    expect(rows.map((row) => [row.status, row.promptVersion, row.promptVariant])).toStrictEqual([
      ['succeeded', '1', null],
      ['succeeded', '1', null],
    ]);
  });

  it('streams a rendered request like any other', async () => {
    const name = named('streamed');
    await prompts.saveVersion('acme', name, weather('Stream the weather in {{city}}'));
    const stream = await platform.client.chat.completions.create({
      stream: true,
      prompt: { name, variables: { city: 'Graz' } },
    } as unknown as OpenAI.ChatCompletionCreateParamsStreaming);
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Stream the weather in Graz');
    expect((await rowsOf(name, 1))[0]).toMatchObject({ status: 'succeeded', promptVersion: '1' });
  });

  it("uses the variant of the model the request is routed to, an alias's model included", async () => {
    const name = named('variants');
    await prompts.saveVersion(
      'acme',
      name,
      weather('Base: {{city}}', {
        variants: [
          { model: 'backup-echo', messages: [{ role: 'user', content: 'Backup: {{city}}' }] },
          { model: 'mock-echo', messages: [{ role: 'user', content: 'Echo: {{city}}' }] },
        ],
      }),
    );
    const variables = { city: 'Oslo' };
    expect(answerOf(await ask({ model: 'backup-echo', prompt: { name, variables } }))).toBe('Backup: Oslo');
    // `default` is an alias of mock-echo.
    expect(answerOf(await ask({ model: 'default', prompt: { name, variables } }))).toBe('Echo: Oslo');
    expect(answerOf(await ask({ model: 'fragile-echo', prompt: { name, variables } }))).toBe('Base: Oslo');
    const rows = await rowsOf(name, 3);
    expect(rows.map((row) => row.promptVariant).sort()).toStrictEqual(['backup-echo', 'mock-echo', null].sort());
  });

  it("applies the version's default parameters unless the caller set them", async () => {
    const name = named('defaults');
    await prompts.saveVersion('acme', name, weather('Defaults for {{city}}', { parameters: { temperature: 0.3, max_tokens: 40, seed: 7 } }));
    await ask({ prompt: { name, variables: { city: 'Rome' } } });
    expect(upstreamBodyFor('Defaults for Rome')).toMatchObject({ temperature: 0.3, max_tokens: 40, seed: 7 });
    await ask({ model: 'mock-echo', temperature: 1.2, prompt: { name, variables: { city: 'Bari' } } });
    expect(upstreamBodyFor('Defaults for Bari')).toMatchObject({ temperature: 1.2, max_tokens: 40, seed: 7 });
  });

  it('names the variable at fault: a missing one, an undeclared one, one of the wrong type', async () => {
    const name = named('strict');
    await prompts.saveVersion('acme', name, weather('Strict {{city}}'));
    const refusal = async (variables: Record<string, unknown>) => {
      const error = await ask({ prompt: { name, variables } }).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      return (error as InstanceType<typeof OpenAI.BadRequestError>).param;
    };
    expect(await refusal({})).toBe('prompt.variables.city');
    expect(await refusal({ city: 'Nice', mood: 'sunny' })).toBe('prompt.variables.mood');
    expect(await refusal({ city: 'Nice', days: 'three' })).toBe('prompt.variables.days');
    // Each refusal has its row, naming the prompt it asked for.
    const rows = await rowsOf(name, 3);
    expect(rows.map((row) => [row.status, row.errorCode])).toStrictEqual(Array(3).fill(['rejected', 'invalid_request']));
  });

  it("answers 404 naming the prompt, version or label that does not exist, and for another tenant's prompt", async () => {
    const name = named('private');
    await prompts.saveVersion('acme', name, weather('Private {{city}}'));
    const notFound = async (prompt: PromptedBody['prompt'], client = platform.client) => {
      const error = await client.chat.completions
        .create({ model: 'mock-echo', prompt } as unknown as ChatCompletionCreateParamsNonStreaming)
        .catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(OpenAI.NotFoundError);
      return (error as Error).message;
    };
    expect(await notFound({ name: named('nothing'), variables: { city: 'x' } })).toContain(named('nothing'));
    expect(await notFound({ name, version: 9, variables: { city: 'x' } })).toContain('version 9');
    expect(await notFound({ name, label: 'canary', variables: { city: 'x' } })).toContain("'canary'");
    const globex = new OpenAI({ apiKey: OTHER_TENANT_KEY, baseURL: `${platform.gateway.url}/v1`, maxRetries: 0 });
    expect(await notFound({ name, variables: { city: 'x' } }, globex)).toContain(name);
    const rows = await rowsOf(name, 3);
    expect(rows.map((row) => [row.keyId, row.status, row.errorCode]).sort()).toStrictEqual(
      [
        ['test-key', 'rejected', 'not_found'],
        ['test-key', 'rejected', 'not_found'],
        ['other-key', 'rejected', 'not_found'],
      ].sort(),
    );
  });

  it('records the prompt on a row answered from the response cache', async () => {
    const name = named('cached');
    await prompts.saveVersion('acme', name, weather('Cached {{city}}', { model: 'always-cached' }));
    const body = { prompt: { name, variables: { city: `Bern ${run}` } } };
    await ask(body);
    const again = await ask(body).withResponse();
    expect(again.response.headers.get('x-switchyard-cache')).toBe('hit');
    const rows = await rowsOf(name, 2);
    expect(rows.map((row) => [row.cacheHit, row.promptVersion]).sort()).toStrictEqual([
      [false, '1'],
      [true, '1'],
    ]);
  });

  it('sees a label moved through /v1/prompts at once, though label choices are cached', async () => {
    const name = named('moving');
    const api = (method: string, path: string, body: unknown) =>
      fetch(`${platform.gateway.url}/v1/prompts${path}`, {
        method,
        headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const save = (text: string) => api('POST', '', { name, model: 'mock-echo', messages: [{ role: 'user', content: text }], labels: ['production'] });
    expect((await save('First draft')).status).toBe(201);
    const answer = async () => answerOf(await ask({ prompt: { name } }, { headers: { 'x-switchyard-cache': 'bypass' } }));
    expect(await answer()).toBe('First draft');
    expect((await save('Second draft')).status).toBe(201);
    expect(await answer()).toBe('Second draft');
    expect((await api('PUT', `/${name}/labels/production`, { version: 1 })).status).toBe(200);
    expect(await answer()).toBe('First draft');
  });

  it('splits a label 90/10 over 2,000 users, each user keeping one version', async () => {
    const name = named('split');
    await prompts.saveVersion('acme', name, weather('Old forecast for {{city}}'));
    await prompts.saveVersion('acme', name, weather('New forecast for {{city}}'));
    await prompts.setLabel('acme', name, 'production', [
      { version: 1, weight: 90 },
      { version: 2, weight: 10 },
    ]);
    const users = Array.from({ length: 2000 }, (_, i) => `user-${run}-${i}`);
    // The first 200 users ask a second time: they must get the version they got the first time.
    const requests = [...users, ...users.slice(0, 200)];
    const answers = new Map<string, Set<string>>();
    let next = 0;
    const started = Date.now();
    const sender = async () => {
      while (next < requests.length) {
        const user = requests[next++] as string;
        const completion = await ask({ user, prompt: { name, variables: { city: 'Madrid' } } }, { headers: { 'x-switchyard-cache': 'bypass' } });
        const seen = answers.get(user) ?? new Set();
        seen.add(answerOf(completion) ?? '');
        answers.set(user, seen);
      }
    };
    await Promise.all(Array.from({ length: 48 }, sender));
    const elapsedMs = Date.now() - started;

    const rows = await rowsOf(name, requests.length);
    const versionsByUser = new Map<string, Set<string>>();
    for (const row of rows) {
      const versions = versionsByUser.get(row.userId ?? '') ?? new Set();
      versions.add(row.promptVersion ?? '');
      versionsByUser.set(row.userId ?? '', versions);
    }
    expect(versionsByUser.size).toBe(2000);
    expect([...versionsByUser.values()].every((versions) => versions.size === 1)).toBe(true);
    expect([...answers.values()].every((texts) => texts.size === 1)).toBe(true);
    const onFirst = [...versionsByUser.values()].filter((versions) => versions.has('1')).length / 2000;
    console.log(`90/10 split over 2,000 users (${requests.length} requests, ${elapsedMs} ms): ${(onFirst * 100).toFixed(1)}% on version 1`);
    expect(onFirst).toBeGreaterThanOrEqual(0.87);
    expect(onFirst).toBeLessThanOrEqual(0.93);
    // The answer matches the version its row names.
    const user = users[0] as string;
    const version = [...(versionsByUser.get(user) ?? [])][0];
    expect([...(answers.get(user) ?? [])]).toStrictEqual([version === '1' ? 'Old forecast for Madrid' : 'New forecast for Madrid']);
  }, 120_000);
});
