import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileErrors, dereference, validate } from '@readme/openapi-parser';
import { Ajv2020 } from 'ajv/dist/2020';
import { toFile } from 'openai';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';

type PathItem = Record<string, unknown>;
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, PathItem>;
  components: { schemas: Record<string, unknown>; responses: Record<string, unknown> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
/** Swagger UI and the document itself: the docs plugin's own routes, not the API. */
const DOCS_ROUTES = /^\/docs(\/|$)/;
/** The queues board's pages, assets and own API: a web app, not the API (its sign-in is described). */
const BOARD_ROUTES = /^\/admin\/queues(\*|\/(?!session$)|$)/;
const isBoardPage = (method: string, path: string) => BOARD_ROUTES.test(path) || (path === '/admin/queues/session' && method === 'GET');
/** The console's page and assets: a web app that calls the API, not part of it. */
const CONSOLE_ROUTES = /^\/console(\/|$)/;

/** `METHOD /path/{}` for every route Fastify serves, read from its route tree (its only public listing). */
function servedRoutes(platform: Platform): string[] {
  const tree = platform.gateway.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
  const prefixes: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (match === null) continue;
    const depth = (match[1] ?? '').length / 4;
    const path = (prefixes[depth - 1] ?? '') + (match[2] ?? '');
    prefixes[depth] = path;
    for (const method of match[3]?.split(', ') ?? []) {
      // HEAD is Fastify's automatic twin of every GET.
      if (method !== 'HEAD' && !DOCS_ROUTES.test(path) && !CONSOLE_ROUTES.test(path) && !isBoardPage(method, path))
        routes.push(`${method} ${path.replace(/:[^/]+/g, '{}')}`);
    }
  }
  return routes.sort();
}

function documentedRoutes(document: OpenApiDocument): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, item]) => METHODS.filter((method) => method in item).map((method) => `${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{}')}`))
    .sort();
}

describe('the OpenAPI document at /docs/json', () => {
  let platform: Platform;
  let document: OpenApiDocument;

  beforeAll(async () => {
    platform = await startPlatform();
    const response = await fetch(`${platform.gateway.url}/docs/json`);
    expect(response.status).toBe(200);
    document = (await response.json()) as OpenApiDocument;
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('is valid OpenAPI 3.1', async () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    // The validator dereferences what it is given, so it gets a copy.
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? 'valid' : compileErrors(result)).toBe('valid');
  });

  it('describes every route the gateway serves, and none that it does not', () => {
    const served = servedRoutes(platform);
    // The route tree was read: the API has far more routes than this.
    expect(served.length).toBeGreaterThan(30);
    const documented = documentedRoutes(document);
    expect(served.filter((route) => !documented.includes(route))).toEqual([]);
    expect(documented.filter((route) => !served.includes(route))).toEqual([]);
  });

  it('describes the error body once, in components, and every error answer refers to it', () => {
    expect(document.components.schemas.Error).toMatchObject({ required: ['error'], properties: { error: { required: ['message', 'type', 'param', 'code'] } } });
    const errorAnswers = Object.values(document.paths)
      .flatMap((item) =>
        METHODS.flatMap((method) =>
          Object.entries(((item[method] as { responses?: Record<string, unknown> } | undefined)?.responses ?? {}) as Record<string, unknown>),
        ),
      )
      .filter(([status]) => Number(status) >= 400);
    const inlined = errorAnswers.filter(([, answer]) => JSON.stringify(answer) !== JSON.stringify({ $ref: '#/components/responses/Error' }));
    // /readyz's 503 is its own "not ready" answer, not an error body.
    expect(inlined.map(([status, answer]) => `${status} ${JSON.stringify(answer)}`)).toEqual(['503 {"description":"Not ready"}']);
    expect(errorAnswers.length).toBeGreaterThan(80);
  });

  it("describes what the gateway really answers: each answer fits its operation's schema", async () => {
    const resolved = (await dereference(structuredClone(document) as never)) as unknown as OpenApiDocument;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const call = async (method: string, path: string, route: string, body?: unknown) => {
      const response = await fetch(`${platform.gateway.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${TEST_API_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const operation = resolved.paths[route]?.[method.toLowerCase()] as { responses: Record<string, { content?: Record<string, { schema: object }> }> };
      const schema = operation.responses[String(response.status)]?.content?.['application/json']?.schema;
      if (schema === undefined) return `${method} ${path}: ${response.status} is not described`;
      const check = ajv.compile(schema);
      return check(await response.json())
        ? `${method} ${path}: ${response.status} fits`
        : `${method} ${path}: ${response.status} ${ajv.errorsText(check.errors)}`;
    };
    const chat = { model: 'mock-echo', messages: [{ role: 'user', content: 'fit me' }] };
    const accepted = await fetch(`${platform.gateway.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(chat),
    });
    const jobId = ((await accepted.json()) as { id: string }).id;
    await expect
      .poll(
        async () =>
          (
            (await (await fetch(`${platform.gateway.url}/v1/jobs/${jobId}`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } })).json()) as {
              status: string;
            }
          ).status,
        { timeout: 10_000 },
      )
      .toBe('succeeded');
    // A file and a batch of it (one good line, one bad: the batch's errors are described too).
    const line = JSON.stringify({ custom_id: 'fit-1', method: 'POST', url: '/v1/chat/completions', body: chat });
    const file = await platform.client.files.create({ file: await toFile(Buffer.from(`${line}\n{"custom_id":"fit-2"}\n`), 'fit.jsonl'), purpose: 'batch' });
    const batch = { input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' };
    // Two versions of a prompt with a request each, so the stats hold versions and a comparison.
    const prompt = `fit-${Date.now().toString(36)}`;
    const promptRequests = ['1', '2'].map((version) => ({
      requestId: `fit-${prompt}-${version}`,
      jobId: `req_fit_${prompt}_${version}`,
      keyId: 'test-key',
      tenant: 'acme',
      userId: null,
      provider: 'mock',
      model: 'echo',
      publicModel: 'mock-echo',
      promptTokens: 10,
      completionTokens: 5,
      totalTokens: 15,
      costUsd: '0.00007500',
      latencyMs: 120,
      upstreamLatencyMs: 100,
      queueWaitMs: 2,
      status: 'succeeded' as const,
      errorCode: null,
      cacheHit: false,
      attempts: 1,
      promptName: prompt,
      promptVersion: version,
      structuredMode: 'native' as const,
      structuredRepairs: 0,
      structuredValid: true,
      streamed: false,
      firstTokenMs: null,
      routeAttempts: null,
    }));
    await platform.usage.insertMany(promptRequests);
    const answers = [
      await call('GET', '/v1/models', '/v1/models'),
      await call('POST', '/v1/chat/completions', '/v1/chat/completions', chat),
      await call('POST', '/v1/chat/completions', '/v1/chat/completions', { ...chat, model: 'no-such-model' }),
      await call('POST', '/v1/jobs', '/v1/jobs', chat),
      await call('GET', `/v1/jobs/${jobId}`, '/v1/jobs/{id}'),
      await call('GET', '/v1/jobs?limit=2', '/v1/jobs'),
      await call('GET', '/v1/jobs/job_00000000000000000000000000000000_mock', '/v1/jobs/{id}'),
      await call('GET', `/v1/files/${file.id}`, '/v1/files/{id}'),
      await call('GET', '/v1/files?limit=2', '/v1/files'),
      await call('POST', '/v1/batches', '/v1/batches', batch),
      await call('GET', '/v1/batches?limit=2', '/v1/batches'),
      await call('GET', '/v1/webhooks/dead-letters?limit=0', '/v1/webhooks/dead-letters'),
      await call('POST', '/v1/feedback', '/v1/feedback', { request_id: promptRequests[0]?.requestId, score: 1, label: 'fits' }),
      await call('POST', '/v1/feedback', '/v1/feedback', { request_id: 'fit' }),
      await call('GET', `/v1/prompts/${prompt}/stats`, '/v1/prompts/{name}/stats'),
      await call('GET', '/v1/prompts/no-such-prompt-fit/stats', '/v1/prompts/{name}/stats'),
      await call('GET', '/v1/usage/series?group_by=model', '/v1/usage/series'),
      await call('GET', '/v1/usage/series?interval=week', '/v1/usage/series'),
      await call('GET', '/v1/me', '/v1/me'),
    ];
    expect(answers).toEqual([
      'GET /v1/models: 200 fits',
      'POST /v1/chat/completions: 200 fits',
      'POST /v1/chat/completions: 404 fits',
      'POST /v1/jobs: 202 fits',
      `GET /v1/jobs/${jobId}: 200 fits`,
      'GET /v1/jobs?limit=2: 200 fits',
      'GET /v1/jobs/job_00000000000000000000000000000000_mock: 404 fits',
      `GET /v1/files/${file.id}: 200 fits`,
      'GET /v1/files?limit=2: 200 fits',
      'POST /v1/batches: 200 fits',
      'GET /v1/batches?limit=2: 200 fits',
      'GET /v1/webhooks/dead-letters?limit=0: 400 fits',
      'POST /v1/feedback: 201 fits',
      'POST /v1/feedback: 400 fits',
      `GET /v1/prompts/${prompt}/stats: 200 fits`,
      'GET /v1/prompts/no-such-prompt-fit/stats: 404 fits',
      'GET /v1/usage/series?group_by=model: 200 fits',
      'GET /v1/usage/series?interval=week: 400 fits',
      'GET /v1/me: 200 fits',
    ]);
  });

  it('generates a typed client whose calls typecheck and reach the running gateway', { timeout: 120_000 }, async () => {
    const types = astToString(await openapiTS(document as never));
    // Inside the package, so the client's `openapi-fetch` import resolves; removed afterwards.
    const dir = mkdtempSync(join(__dirname, '.openapi-client-'));
    try {
      writeFileSync(join(dir, 'api.d.ts'), types);
      writeFileSync(
        join(dir, 'calls.ts'),
        `import createClient from 'openapi-fetch';
import type { paths } from './api';

export async function calls(baseUrl: string, apiKey: string) {
  const client = createClient<paths>({ baseUrl, headers: { authorization: \`Bearer \${apiKey}\` } });
  const models = await client.GET('/v1/models');
  const ids: string[] = models.data?.data.map((model) => model.id) ?? [];
  const chat = await client.POST('/v1/chat/completions', {
    body: { model: 'mock-echo', messages: [{ role: 'user', content: 'typed hello' }] },
    params: { header: { 'x-request-id': 'typed-client-1' } },
  });
  // The answer is JSON, or with \`stream: true\` server-sent events (a string).
  const content: string | null | undefined = typeof chat.data === 'object' ? chat.data.choices[0]?.message.content : undefined;
  const accepted = await client.POST('/v1/jobs', { body: { model: 'mock-echo', messages: [{ role: 'user', content: 'typed job' }] } });
  const jobId: string = accepted.data?.id ?? '';
  let job = (await client.GET('/v1/jobs/{id}', { params: { path: { id: jobId } } })).data;
  for (let i = 0; i < 200 && job?.status !== 'succeeded'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    job = (await client.GET('/v1/jobs/{id}', { params: { path: { id: jobId } } })).data;
  }
  const jobAnswer: string | null | undefined = job?.result?.choices[0]?.message.content;
  const missing = await client.GET('/v1/jobs/{id}', { params: { path: { id: 'job_00000000000000000000000000000000_mock' } } });
  const code: string | undefined = missing.error?.error.code;
  return { ids, content, statusUrl: accepted.data?.status_url, jobAnswer, status: missing.response.status, code };
}
`,
      );
      // A call the document does not allow, to show the types hold something.
      writeFileSync(
        join(dir, 'wrong.ts'),
        `import createClient from 'openapi-fetch';
import type { paths } from './api';
const client = createClient<paths>({ baseUrl: 'http://127.0.0.1' });
void client.POST('/v1/chat/completions', { body: { model: 'm', messages: 'not a list' } });
void client.GET('/v1/no-such-route');
void client.GET('/v1/jobs/{id}').then(({ data }) => data?.status === 'no-such-status');
`,
      );
      const typecheck = (file: string) => {
        const program = ts.createProgram([join(dir, file)], {
          strict: true,
          noEmit: true,
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.ESNext,
          moduleResolution: ts.ModuleResolutionKind.Bundler,
          skipLibCheck: true,
          types: [],
        });
        return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
          const line = diagnostic.file === undefined ? 0 : diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1;
          return `${file}:${line} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
        });
      };
      expect(typecheck('calls.ts')).toEqual([]);
      // Each wrong call is refused: a body off its schema, an unknown path, a missing path parameter, a status no job has.
      const refused = typecheck('wrong.ts');
      expect(refused).toHaveLength(4);
      expect(new Set(refused.map((diagnostic) => diagnostic.split(' ')[0]))).toEqual(new Set(['wrong.ts:4', 'wrong.ts:5', 'wrong.ts:6']));

      const { calls } = (await import(join(dir, 'calls.ts'))) as { calls: (baseUrl: string, apiKey: string) => Promise<Record<string, unknown>> };
      expect(await calls(platform.gateway.url, TEST_API_KEY)).toStrictEqual({
        ids: expect.arrayContaining(['mock-echo']),
        content: expect.stringContaining('typed hello'),
        statusUrl: expect.stringMatching(/^\/v1\/jobs\/job_/),
        jobAnswer: expect.stringContaining('typed job'),
        status: 404,
        code: 'not_found',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
