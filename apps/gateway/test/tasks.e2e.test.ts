import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { runGoldenChecks, TASKS } from '@switchyard/tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';

const ADMIN_KEY = 'sk-admin-switchyard-test-tasks-0001';
/** The repository's prompts folder: the task prompts every gateway loads at start. */
const PROMPTS_DIR = resolve(__dirname, '../../../prompts');

/** The fields of the answers these tests read; each test reads those its route answers. */
interface Reply {
  data: { object: string; name: string; prompt: string; async: boolean; input_schema: { required: string[] }; output_schema: { required: string[] } }[];
  object: string;
  task: string;
  prompt: { name: string; version: number; label: string | null };
  output: Record<string, unknown>;
  usage: { total_tokens: number };
  error: { code: string; param: string | null; type: string; message: string; step_error: { code: string } };
  key: string;
  id: string;
  status: string;
  result: { choices: { message: { content: string } }[] };
}

interface Answer {
  status: number;
  body: Reply;
}

interface SentBody {
  response_format: unknown;
  messages: { content: string }[];
}

describe('tasks (/v1/tasks)', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform({ env: { SWITCHYARD_PROMPTS_DIR: PROMPTS_DIR, SWITCHYARD_ADMIN_KEY: ADMIN_KEY, WORKER_CONCURRENCY: '32' } });
  });

  afterAll(async () => {
    await platform?.close();
  });

  async function call(method: string, path: string, body?: unknown, key = TEST_API_KEY): Promise<Answer> {
    const response = await fetch(`${platform.gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Reply };
  }

  const run = (name: string, body: unknown, key?: string) => call('POST', `/v1/tasks/${name}`, body, key);

  /** What the mock provider was sent in the request that carried `text`. */
  function sentWith(text: string): SentBody {
    const found = platform.mock.requests.find((request) => JSON.stringify(request.body).includes(text));
    if (found === undefined) throw new Error(`no upstream request carried ${text}`);
    return found.body as SentBody;
  }

  it('lists every task with its prompt, input schema and output schema', async () => {
    const listed = await call('GET', '/v1/tasks');
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((task) => task.name)).toStrictEqual([...TASKS.keys()]);
    const summarize = listed.body.data.find((task) => task.name === 'summarize');
    expect(summarize).toMatchObject({ object: 'task', prompt: 'task-summarize', async: true, input_schema: { required: ['text'] } });
    expect(summarize?.output_schema.required).toContain('summary');
  });

  const cases = [...TASKS.values()].flatMap((task) => task.golden.map((golden) => [task.name, golden.name, golden] as const));

  it.each(cases)('%s: golden case "%s" passes against the mock', async (name, _title, golden) => {
    const task = TASKS.get(name);
    const answer = await run(name, { input: golden.input });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ object: 'task.result', task: name, provider: 'mock', prompt: { name: task?.prompt, label: 'production' } });
    expect(answer.body.prompt.version).toBeGreaterThanOrEqual(1);
    expect(answer.body.usage.total_tokens).toBeGreaterThan(0);
    expect(runGoldenChecks(golden.checks, golden.input, answer.body.output)).toStrictEqual([]);
  });

  it('asks the model for the task output schema, through the structured-output path', async () => {
    const text = `Structured check ${randomUUID()}: the roof leaks.`;
    expect((await run('summarize', { input: { text } })).status).toBe(200);
    const sent = sentWith(text);
    expect(sent.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'summarize', schema: TASKS.get('summarize')?.outputSchema } });
    expect(sent.messages.at(-1)?.content).toBe(text);
    expect(sent.messages[0].content).toContain('three to five sentences');
  });

  it('rag-answer allows only the supplied document ids in the citations the model is asked for', async () => {
    const question = `Which colour? ${randomUUID()}`;
    const documents = [
      { id: 'doc-a', text: 'The door is red.' },
      { id: 'doc-b', text: 'The roof is grey.' },
    ];
    const answer = await run('rag-answer', { input: { question, documents } });
    expect(answer.status).toBe(200);
    const sent = sentWith(question) as SentBody & {
      response_format: { json_schema: { schema: { properties: { citations: { items: { properties: { document_id: unknown } } } } } } };
    };
    expect(sent.response_format.json_schema.schema.properties.citations.items.properties.document_id).toStrictEqual({ enum: ['doc-a', 'doc-b'] });
    expect(sent.messages.at(-1)?.content).toBe(`[doc-a] The door is red.\n\n[doc-b] The roof is grey.\n\nQuestion: ${question}`);
  });

  it('chat-with-context sends the conversation as turns after the context', async () => {
    const last = `And the price? ${randomUUID()}`;
    const messages = [
      { role: 'user', content: 'What is Pro?' },
      { role: 'assistant', content: 'A plan.' },
      { role: 'user', content: last },
    ];
    expect((await run('chat-with-context', { input: { context: 'Pro costs 20 EUR.', messages } })).status).toBe(200);
    const sent = sentWith(last);
    expect(sent.messages.slice(1)).toStrictEqual(messages);
    expect(sent.messages[0]?.content).toContain('Context: Pro costs 20 EUR.');
  });

  it.each([
    ['summarize', { input: {} }, 'input.text'],
    ['summarize', { input: { text: 'x', length: 'huge' } }, 'input.length'],
    ['summarize', { input: { text: 'x', tone: 'dry' } }, 'input.tone'],
    ['summarize', {}, 'input'],
    ['summarize', { input: { text: 'x' }, webhook: { url: 'https://example.com/hook' } }, 'async'],
    ['pii-detect', { input: { text: 42 } }, 'input.text'],
    ['pii-detect', { input: { text: 'x' }, async: true }, 'async'],
    ['pii-detect', { input: { text: 'x' }, prompt: { version: 1, label: 'production' } }, 'prompt.label'],
    ['code-review', { input: { diff: 'just some text' } }, 'input.diff'],
    ['code-review', { input: { diff: '+++ b/a.ts', focus: ['style'] } }, 'input.focus[0]'],
    ['model-card', { input: { model: { name: 'm' }, evaluations: [] } }, 'input.evaluations'],
    ['model-card', { input: { model: {}, evaluations: [{ dataset: 'd', metric: 'm', value: 1 }] } }, 'input.model.name'],
    ['evaluation-insights', { input: { metrics: [{ name: 'accuracy', value: 'high' }] } }, 'input.metrics[0].value'],
    [
      'evaluation-insights',
      {
        input: {
          metrics: [
            { name: 'a', value: 1 },
            { name: 'a', value: 2 },
          ],
        },
      },
      'input.metrics[1].name',
    ],
    ['rag-answer', { input: { question: 'q?' } }, 'input.documents'],
    [
      'rag-answer',
      {
        input: {
          question: 'q?',
          documents: [
            { id: 'a', text: 't' },
            { id: 'a', text: 'u' },
          ],
        },
      },
      'input.documents[1].id',
    ],
    ['rag-answer', { input: { question: 'q?', documents: [{ id: 'has space', text: 't' }] } }, 'input.documents[0].id'],
    [
      'chat-with-context',
      {
        input: {
          context: 'c',
          messages: [
            { role: 'user', content: 'hi' },
            { role: 'assistant', content: 'yo' },
          ],
        },
      },
      'input.messages[1].role',
    ],
    ['chat-with-context', { input: { context: 'c', messages: [{ role: 'system', content: 'hi' }] } }, 'input.messages[0].role'],
  ])('%s with %j is a 400 naming %s', async (name, body, param) => {
    const answer = await run(name, body);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'invalid_request', param, type: 'invalid_request_error' });
  });

  it('a refused run gets a rejected usage row, found by the job id it was answered with', async () => {
    const response = await fetch(`${platform.gateway.url}/v1/tasks/rag-answer`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ input: { question: 'q?', documents: [] } }),
    });
    expect(response.status).toBe(400);
    const row = await platform.usageRow(response.headers.get('x-switchyard-job-id') ?? '');
    expect(row).toMatchObject({ status: 'rejected', errorCode: 'invalid_request', promptName: 'task-rag-answer' });
  });

  it('an unknown task, model or prompt label is a 404 naming it', async () => {
    const unknown = await run('horoscope', { input: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain('summarize');
    expect((await run('summarize', { input: { text: 'x' }, model: 'no-such-model' })).body.error.code).toBe('model_not_found');
    const label = await run('summarize', { input: { text: 'x' }, prompt: { label: 'nowhere' } });
    expect(label.status).toBe(404);
    expect(label.body.error.message).toContain('nowhere');
  });

  it('pii-detect fails closed: a failed model step is a task_incomplete error, not an empty finding list', async () => {
    const answer = await run('pii-detect', { input: { text: 'Write to ann@example.com today.' }, model: 'fails-500' });
    expect(answer.status).toBe(502);
    expect(answer.body.error).toMatchObject({ code: 'task_incomplete', type: 'upstream_error', task: 'pii-detect', failed_step: 'model' });
    expect(answer.body.error.step_error.code).toMatch(/upstream_error|all_providers_failed/);
    expect(answer.body.error.message).toContain('not fully checked');
    expect(answer.body).not.toHaveProperty('output');
    // A task that does not fail closed passes the model step's own error on.
    const summarize = await run('summarize', { input: { text: 'x' }, model: 'fails-500' });
    expect(summarize.status).toBe(502);
    expect(summarize.body.error.code).not.toBe('task_incomplete');
  });

  it("a tenant's own prompt of the task's name takes precedence, and a label picks its version", async () => {
    const tenant = `tasks-${randomUUID().slice(0, 8)}`;
    expect((await call('POST', '/admin/tenants', { id: tenant, name: 'Tasks tenant' }, ADMIN_KEY)).status).toBe(201);
    const { key } = (await call('POST', `/admin/tenants/${tenant}/keys`, { name: 'tasks' }, ADMIN_KEY)).body;
    const own = (marker: string, labels: string[]) =>
      call(
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
            { role: 'system', content: `${marker}: summarise in {{length_guide}}.` },
            { role: 'user', content: '{{text}}' },
          ],
          labels,
        },
        key,
      );
    expect((await own(`house-style-${tenant}`, ['production'])).status).toBe(201);
    expect((await own(`experiment-${tenant}`, ['experiment'])).status).toBe(201);

    const systemOf = (text: string) => sentWith(text).messages[0]?.content;

    const plain = await run('summarize', { input: { text: `plain ${tenant}` } }, key);
    expect(plain.body.prompt).toStrictEqual({ name: 'task-summarize', version: 1, label: 'production' });
    expect(systemOf(`plain ${tenant}`)).toBe(`house-style-${tenant}: summarise in three to five sentences.`);

    const labelled = await run('summarize', { input: { text: `labelled ${tenant}` }, prompt: { label: 'experiment' } }, key);
    expect(labelled.body.prompt).toStrictEqual({ name: 'task-summarize', version: 2, label: 'experiment' });
    expect(systemOf(`labelled ${tenant}`)).toContain(`experiment-${tenant}`);
    // Other tenants keep the prompts folder's version.
    const other = await run('summarize', { input: { text: `folder ${tenant}` } });
    expect(systemOf(`folder ${tenant}`)).toContain('You summarise texts for a general reader');
    expect(other.body.prompt.label).toBe('production');
  });

  it('runs a task as a job with async: true, answered at its status URL', async () => {
    const accepted = await run('summarize', { input: { text: 'An async summary, please.', style: 'headline' }, async: true, priority: 5 });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ object: 'job', metadata: { task: 'summarize' }, status_url: `/v1/jobs/${accepted.body.id}` });
    let job: Answer = accepted;
    await expect
      .poll(
        async () => {
          job = await call('GET', `/v1/jobs/${accepted.body.id}`);
          return job.body.status;
        },
        { timeout: 15_000, interval: 100 },
      )
      .toBe('succeeded');
    const output = JSON.parse(job.body.result.choices[0]?.message.content ?? 'null') as { summary: unknown; key_points: unknown };
    expect(typeof output.summary).toBe('string');
    expect(Array.isArray(output.key_points)).toBe(true);
  });
});
