import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { verifyWebhook } from '@switchyard/client';
import type { AsyncJobView } from '@switchyard/contracts';
import { TASKS } from '@switchyard/tasks';
import { startWebhookReceiver, type WebhookReceiver } from '@switchyard/testing';
import { type RunningWebhookDispatcher, startWebhookDispatcher } from '@switchyard/webhook-dispatcher';
import { Ajv } from 'ajv';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';

const ADMIN_KEY = 'sk-admin-switchyard-test-tasks-clients-01';
const PROMPTS_DIR = resolve(__dirname, '../../../prompts');
// 24 bytes in base64: a valid Standard Webhooks secret, for the tests only.
const TASK_SECRET = 'whsec_dGFza3MtY2xpZW50cy13ZWJob29rLXRlc3Q=';

interface TaskResult {
  object: string;
  id: string;
  task: string;
  provider: string;
  model: string;
  prompt: { name: string; version: number; label: string | null };
  output: Record<string, unknown>;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

/** The body of docs/tasks.md's curl example, as written there. */
const DOCS_RAG_ANSWER_BODY = `{
  "input": {"question": "How long are refunds available?",
            "documents": [{"id": "policy-refunds", "text": "Refunds are available within 30 days of purchase."},
                          {"id": "policy-shipping", "text": "Orders ship within two business days."}]}
}`;

/** One input per task, written from docs/tasks.md's table of tasks. */
const INPUTS: Record<string, Record<string, unknown>> = {
  summarize: {
    text: 'The export button does nothing since the update. Users cannot download reports.',
    length: 'short',
    style: 'bullets',
    audience: 'support',
  },
  'pii-detect': { text: 'Write to ann@example.com or call +44 20 7946 0958.' },
  'code-review': {
    diff: '--- a/src/sum.ts\n+++ b/src/sum.ts\n@@ -1,3 +1,3 @@\n export function sum(a: number[]) {\n-  return a.reduce((x, y) => x + y);\n+  return a.reduce((x, y) => x + y, 0);\n }\n',
    language: 'typescript',
    focus: ['correctness'],
  },
  'model-card': {
    model: { name: 'tiny-classifier', version: '1.0', architecture: 'logistic regression', license: 'MIT' },
    evaluations: [{ dataset: 'reviews', split: 'test', metric: 'accuracy', value: 0.91 }],
    limitations: ['English only'],
  },
  'evaluation-insights': {
    metrics: [
      { name: 'accuracy', value: 0.91, baseline: 0.88, higher_is_better: true },
      { name: 'latency_ms', value: 140, baseline: 120, higher_is_better: false },
    ],
    goal: 'ship the new model',
  },
  'rag-answer': JSON.parse(DOCS_RAG_ANSWER_BODY).input,
  'chat-with-context': {
    context: 'The Pro plan costs 20 EUR a month.',
    messages: [
      { role: 'user', content: 'What is Pro?' },
      { role: 'assistant', content: 'A plan.' },
      { role: 'user', content: 'How much is it?' },
    ],
  },
};

/** Tasks as a new user meets them: docs/tasks.md read, fetch and the official `openai` SDK's plain calls. */
describe('tasks through fetch and the openai SDK, as docs/tasks.md describes them', () => {
  let platform: Platform;
  let dispatcher: RunningWebhookDispatcher;
  let receiver: WebhookReceiver;
  let openai: OpenAI;

  beforeAll(async () => {
    receiver = await startWebhookReceiver({});
    platform = await startPlatform({ env: { SWITCHYARD_PROMPTS_DIR: PROMPTS_DIR, SWITCHYARD_ADMIN_KEY: ADMIN_KEY } });
    dispatcher = await startWebhookDispatcher({ ...platform.env, WEBHOOK_ALLOWLIST: '127.0.0.1', WEBHOOK_RETRY_DELAYS_MS: '50,50' });
    openai = new OpenAI({ baseURL: `${platform.gateway.url}/v1`, apiKey: TEST_API_KEY, maxRetries: 0 });
  });

  afterAll(async () => {
    await dispatcher?.close();
    await platform?.close();
    receiver?.close();
  });

  const api = async (method: string, path: string, body?: string | Record<string, unknown>, key = TEST_API_KEY) => {
    const response = await fetch(`${platform.gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
  };

  it('lists every task of the docs with its prompt, schemas and whether it may run async', async () => {
    const listed = await openai.get<{ object: string; data: { name: string; prompt: string; async: boolean; input_schema: object; output_schema: object }[] }>(
      '/tasks',
    );
    expect(listed.object).toBe('list');
    expect(listed.data.map((task) => task.name)).toStrictEqual(Object.keys(INPUTS));
    for (const task of listed.data) {
      expect(task.prompt).toBe(`task-${task.name}`);
      expect(task.input_schema).toMatchObject({ type: 'object' });
      expect(task.output_schema).toMatchObject({ type: 'object' });
      // docs/tasks.md: pii-detect, rag-answer and model-card run synchronously only.
      expect(task.async, task.name).toBe(!['pii-detect', 'rag-answer', 'model-card'].includes(task.name));
    }
  });

  it("runs docs/tasks.md's rag-answer example verbatim and answers the documented shape", async () => {
    const answer = await api('POST', '/v1/tasks/rag-answer', DOCS_RAG_ANSWER_BODY);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const result = answer.body as unknown as TaskResult;
    expect(result).toMatchObject({ object: 'task.result', task: 'rag-answer', prompt: { name: 'task-rag-answer', label: 'production' } });
    expect(result.id).toMatch(/^req_/);
    expect(result.usage.total_tokens).toBe(result.usage.prompt_tokens + result.usage.completion_tokens);
    const output = result.output as { answer: string; answerable: boolean; citations: { document_id: string; quote: string; quote_found: boolean }[] };
    expect(typeof output.answer).toBe('string');
    expect(typeof output.answerable).toBe('boolean');
    for (const citation of output.citations) {
      expect(['policy-refunds', 'policy-shipping']).toContain(citation.document_id);
      expect(typeof citation.quote_found).toBe('boolean');
    }
    // The documented answer headers.
    for (const header of ['x-switchyard-job-id', 'x-switchyard-provider', 'x-switchyard-model', 'x-switchyard-structured', 'x-switchyard-repairs']) {
      expect(answer.headers.get(header), header).not.toBeNull();
    }
    // The result's id is the request's: its usage row names the task's prompt version.
    // Rows reach PostgreSQL a moment after the answer (USAGE_FLUSH_MS).
    await expect.poll(async () => (await api('GET', `/v1/requests/${result.id}`)).status, { timeout: 10_000 }).toBe(200);
    const row = await api('GET', `/v1/requests/${result.id}`);
    expect(row.body).toMatchObject({ request_id: result.id, status: 'succeeded', prompt_name: 'task-rag-answer', prompt_version: result.prompt.version });
  });

  /** docs/tasks.md's table of tasks: the fields of each task's `output`. */
  const OUTPUT_FIELDS: Record<string, string[]> = {
    summarize: ['summary', 'key_points', 'length', 'style'],
    'pii-detect': ['status', 'spans', 'redacted_text', 'counts'],
    'code-review': ['summary', 'findings', 'files'],
    'model-card': ['card', 'markdown'],
    'evaluation-insights': ['strengths', 'weaknesses', 'recommendations', 'comparisons'],
    'rag-answer': ['answer', 'answerable', 'citations'],
    'chat-with-context': ['reply', 'used_context'],
  };

  it.each(Object.keys(INPUTS))('runs %s once through the openai SDK and answers the output fields docs/tasks.md lists', async (name) => {
    const result = await openai.post<TaskResult>(`/tasks/${name}`, { body: { input: INPUTS[name], user: 'user-42' } });
    expect(result).toMatchObject({ object: 'task.result', task: name, provider: 'mock', prompt: { name: `task-${name}`, label: 'production' } });
    for (const field of OUTPUT_FIELDS[name] ?? []) expect(result.output, `${name}.${field}`).toHaveProperty(field);
    expect(result.usage.total_tokens).toBeGreaterThan(0);
  });

  it('pii-detect finds the pattern-pass spans of the docs and redacts them', async () => {
    const result = await openai.post<TaskResult>('/tasks/pii-detect', { body: { input: INPUTS['pii-detect'] } });
    const output = result.output as { status: string; spans: { type: string; text: string; sources: string[] }[]; redacted_text: string };
    expect(output.status).toBe('complete');
    expect(output.spans.map((span) => span.text)).toContain('ann@example.com');
    expect(output.redacted_text).not.toContain('ann@example.com');
  });

  it('runs an async task reported to a signed webhook, its job result the output schema in the message content', async () => {
    const accepted = await api('POST', '/v1/tasks/summarize', {
      input: INPUTS.summarize as Record<string, unknown>,
      async: true,
      webhook: { url: `${receiver.base}/summary`, secret: TASK_SECRET },
    });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ object: 'job', metadata: { task: 'summarize' } });
    await expect.poll(() => receiver.requestsTo('/summary').length, { timeout: 10_000 }).toBe(1);
    const [delivery] = receiver.requestsTo('/summary');
    const event = verifyWebhook<{ type: string; data: AsyncJobView }>(delivery?.headers ?? {}, delivery?.body ?? '', TASK_SECRET);
    expect(event.type).toBe('job.succeeded');
    expect(event.data).toMatchObject({ id: accepted.body.id, metadata: { task: 'summarize' } });
    const answer: unknown = JSON.parse(event.data.result?.choices[0]?.message.content ?? 'null');
    const validate = new Ajv({ strict: false }).compile(TASKS.get('summarize')?.outputSchema ?? {});
    expect(validate(answer), JSON.stringify(validate.errors)).toBe(true);
    // A sync-only task refuses async, naming it.
    const refused = await api('POST', '/v1/tasks/rag-answer', { ...JSON.parse(DOCS_RAG_ANSWER_BODY), async: true });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ param: 'async' });
  });

  it("a tenant's own task prompt takes over for that tenant; a label in the body picks another of its versions", async () => {
    const tenant = `tasks-clients-${randomUUID().slice(0, 8)}`;
    expect((await api('POST', '/admin/tenants', { id: tenant, name: 'Tasks clients tenant' }, ADMIN_KEY)).status).toBe(201);
    const key = (await api('POST', `/admin/tenants/${tenant}/keys`, { name: 'tasks' }, ADMIN_KEY)).body.key as string;
    // A prompt written from the folder's file: the variables it declares, one system message and the text.
    const own = (marker: string, labels: string[]) =>
      api(
        'POST',
        '/v1/prompts',
        {
          name: 'task-summarize',
          model: 'mock-echo',
          variables: {
            type: 'object',
            properties: { text: { type: 'string' }, style: { type: 'string' }, length_guide: { type: 'string' }, audience: { type: 'string' } },
          },
          messages: [
            { role: 'system', content: `${marker}: summarise for {{audience}} in {{length_guide}}.` },
            { role: 'user', content: '{{text}}' },
          ],
          labels,
        },
        key,
      );
    expect((await own('house', ['production'])).status).toBe(201);
    expect((await own('trial', ['experiment'])).status).toBe(201);
    const systemSentFor = (text: string) => {
      const sent = platform.mock.requests.find((request) => JSON.stringify(request.body).includes(text));
      return (sent?.body as { messages: { content: string }[] } | undefined)?.messages[0]?.content;
    };

    const plainText = `plain ${tenant}`;
    const plain = await api('POST', '/v1/tasks/summarize', { input: { text: plainText } }, key);
    expect(plain.status, JSON.stringify(plain.body)).toBe(200);
    expect(plain.body.prompt).toStrictEqual({ name: 'task-summarize', version: 1, label: 'production' });
    expect(systemSentFor(plainText)).toMatch(/^house: summarise for /);

    const trialText = `trial ${tenant}`;
    const trial = await api('POST', '/v1/tasks/summarize', { input: { text: trialText }, prompt: { label: 'experiment' } }, key);
    expect(trial.status, JSON.stringify(trial.body)).toBe(200);
    expect(trial.body.prompt).toStrictEqual({ name: 'task-summarize', version: 2, label: 'experiment' });
    expect(systemSentFor(trialText)).toMatch(/^trial: summarise for /);

    // The test tenant keeps the folder's prompt.
    const folderText = `folder ${tenant}`;
    expect((await api('POST', '/v1/tasks/summarize', { input: { text: folderText } })).status).toBe(200);
    expect(systemSentFor(folderText)).toContain('You summarise texts for');
  });

  it("refuses to save a tenant's task prompt that leaves out one of the task's variables, naming it, so no run fails on it", async () => {
    const tenant = `tasks-clients-${randomUUID().slice(0, 8)}`;
    expect((await api('POST', '/admin/tenants', { id: tenant, name: 'Tasks clients tenant' }, ADMIN_KEY)).status).toBe(201);
    const key = (await api('POST', `/admin/tenants/${tenant}/keys`, { name: 'tasks' }, ADMIN_KEY)).body.key as string;
    const saved = await api(
      'POST',
      '/v1/prompts',
      {
        name: 'task-summarize',
        model: 'default',
        variables: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: '{{text}}' },
        ],
      },
      key,
    );
    expect(saved.status).toBe(400);
    expect(saved.body.error).toMatchObject({ code: 'invalid_request', param: 'variables', message: expect.stringContaining("task 'summarize'") });
    expect(saved.body.error.message).toMatch(/style/);
    // Nothing was saved: the task still runs on the shared prompt.
    const run = await api('POST', '/v1/tasks/summarize', { input: { text: 'hello there' } }, key);
    expect(run.status).toBe(200);
    expect(run.body.prompt).toMatchObject({ name: 'task-summarize' });
  });
});
