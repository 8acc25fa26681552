import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dereference } from '@readme/openapi-parser';
import { createDataSource, type DataSource } from '@switchyard/database';
import { Ajv2020 } from 'ajv/dist/2020';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../src/start-gateway';
import { OTHER_TENANT_KEY, type Platform, startPlatform, TEST_API_KEY } from './platform-harness';

interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: { message: string; type: string; param: string | null; code: string } };
}

/** Prompts live in the shared test database: names of this run's own keep runs apart. */
const run = `e2e-${randomUUID().slice(0, 8)}`;
const REPO_EXAMPLE = join(__dirname, '../../../prompts/ticket-summary.yaml');

const weather = (text: string) => ({
  messages: [
    { role: 'system', content: 'Answer in {{language}}.' },
    { role: 'user', content: text },
  ],
  model: 'mock-echo',
  parameters: { temperature: 0.3 },
  variables: {
    type: 'object',
    properties: { language: { type: 'string' }, city: { type: 'string' }, days: { type: 'integer', minimum: 1 } },
    required: ['language', 'city'],
  },
  author: 'ana@example.com',
});

describe('the prompts API', () => {
  let platform: Platform;
  let db: DataSource;
  let promptsDir: string;
  let sdk: OpenAI;
  const repoName = `${run}-ticket-summary`;

  const call = async (method: string, path: string, body?: unknown, key = TEST_API_KEY): Promise<Answer> => {
    const response = await fetch(`${platform.gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  };

  beforeAll(async () => {
    promptsDir = mkdtempSync(join(tmpdir(), 'switchyard-prompts-'));
    // The repository's own example, under a name of this run.
    copyFileSync(REPO_EXAMPLE, join(promptsDir, `${repoName}.yaml`));
    platform = await startPlatform({ worker: false, env: { SWITCHYARD_PROMPTS_DIR: promptsDir } });
    sdk = platform.client;
    db = createDataSource(platform.env.DATABASE_URL ?? '', { poolSize: 1 });
    await db.initialize();
  });

  afterAll(async () => {
    await db?.query('DELETE FROM prompts WHERE name LIKE $1', [`${run}-%`]);
    await db?.destroy();
    await platform?.close();
  });

  it('adds versions and never changes one: a second POST makes v2 and v1 reads as it was', async () => {
    const name = `${run}-weather`;
    const first = await sdk.post<Record<string, unknown>>('/prompts', { body: { name, ...weather('Weather in {{city}}?'), note: 'first' } });
    expect(first).toStrictEqual({
      object: 'prompt.version',
      name,
      version: 1,
      ...weather('Weather in {{city}}?'),
      response_format: null,
      variants: [],
      note: 'first',
      created_at: expect.any(Number),
    });
    expect(Math.abs((first.created_at as number) - Date.now() / 1000)).toBeLessThan(60);
    const second = await call('POST', '/v1/prompts', { name, ...weather('Forecast for {{city}}, {{days}} days.') });
    expect(second).toMatchObject({ status: 201, body: { version: 2, note: null } });

    expect(await sdk.get(`/prompts/${name}/versions/1`)).toStrictEqual(first);
    const detail = await call('GET', `/v1/prompts/${name}`);
    expect(detail.body).toMatchObject({ object: 'prompt', name, latest_version: 2, source: 'api', labels: {} });
    expect((detail.body.versions as { version: number; messages: { content: string }[] }[]).map((v) => [v.version, v.messages[1]?.content])).toStrictEqual([
      [1, 'Weather in {{city}}?'],
      [2, 'Forecast for {{city}}, {{days}} days.'],
    ]);
    const list = await call('GET', '/v1/prompts');
    expect(list.body.object).toBe('list');
    expect(list.body.data).toContainEqual({ object: 'prompt', name, latest_version: 2, labels: {}, created_at: expect.any(Number), source: 'api' });
  });

  it('moves labels without making versions, and a POST moves the labels it names', async () => {
    const name = `${run}-labelled`;
    await call('POST', '/v1/prompts', { name, ...weather('One {{city}}') });
    await call('POST', '/v1/prompts', { name, ...weather('Two {{city}}') });
    const variables = { language: 'en', city: 'Oslo' };

    // No label yet: the latest version.
    expect((await call('POST', `/v1/prompts/${name}/render`, { variables })).body).toMatchObject({ version: 2, label: null });
    const put = await call('PUT', `/v1/prompts/${name}/labels/production`, { version: 1 });
    expect(put).toMatchObject({ status: 200, body: { object: 'prompt.label', name, label: 'production', split: [{ version: 1, weight: 100 }] } });
    expect((await call('POST', `/v1/prompts/${name}/render`, { variables })).body).toMatchObject({ version: 1, label: 'production' });
    await call('PUT', `/v1/prompts/${name}/labels/production`, { version: 2 });
    expect((await call('POST', `/v1/prompts/${name}/render`, { variables })).body).toMatchObject({ version: 2, label: 'production' });
    expect((await call('GET', `/v1/prompts/${name}`)).body).toMatchObject({ latest_version: 2, labels: { production: [{ version: 2, weight: 100 }] } });

    const third = await call('POST', '/v1/prompts', { name, ...weather('Three {{city}}'), labels: ['staging'] });
    expect(third.body.version).toBe(3);
    expect((await call('GET', `/v1/prompts/${name}`)).body.labels).toStrictEqual({
      production: [{ version: 2, weight: 100 }],
      staging: [{ version: 3, weight: 100 }],
    });
    expect((await call('POST', `/v1/prompts/${name}/render`, { variables, label: 'staging' })).body).toMatchObject({
      version: 3,
      label: 'staging',
      messages: [{ content: 'Answer in en.' }, { content: 'Three Oslo' }],
    });
  });

  it('takes a split only when its weights add up to 100, and keeps each user on one version', async () => {
    const name = `${run}-split`;
    await call('POST', '/v1/prompts', { name, ...weather('A {{city}}') });
    await call('POST', '/v1/prompts', { name, ...weather('B {{city}}') });
    const refused = async (body: unknown) => (await call('PUT', `/v1/prompts/${name}/labels/canary`, body)).body.error?.param;
    expect(
      await refused({
        split: [
          { version: 1, weight: 50 },
          { version: 2, weight: 40 },
        ],
      }),
    ).toBe('split');
    expect(
      await refused({
        split: [
          { version: 1, weight: 50 },
          { version: 1, weight: 50 },
        ],
      }),
    ).toBe('split[1].version');
    expect(
      await refused({
        split: [
          { version: 1, weight: 50 },
          { version: 7, weight: 50 },
        ],
      }),
    ).toBe('split[1].version');
    expect(await refused({ split: [{ version: 1, weight: 150 }] })).toBe('split[0].weight');
    expect(await refused({ version: 1, split: [{ version: 1, weight: 100 }] })).toBe('split');
    expect(await refused({ version: 9 })).toBe('version');
    expect(await refused({ versoin: 1 })).toBe('versoin');
    expect(await refused({})).toBe('version');
    expect((await call('PUT', `/v1/prompts/${name}/labels/bad%20label`, { version: 1 })).body.error?.param).toBe('label');
    expect((await call('GET', `/v1/prompts/${name}`)).body.labels).toStrictEqual({});

    const split = await call('PUT', `/v1/prompts/${name}/labels/canary`, {
      split: [
        { version: 1, weight: 50 },
        { version: 2, weight: 50 },
      ],
    });
    expect(split.status).toBe(200);
    const versionFor = async (user: string) =>
      (await call('POST', `/v1/prompts/${name}/render`, { label: 'canary', user, variables: { language: 'en', city: 'Oslo' } })).body.version;
    const seen = new Map<string, unknown>();
    for (let i = 0; i < 40; i++) seen.set(`user-${i}`, await versionFor(`user-${i}`));
    expect(new Set(seen.values())).toStrictEqual(new Set([1, 2]));
    for (const [user, version] of [...seen].slice(0, 5)) expect(await versionFor(user)).toBe(version);
  });

  it('renders a preview without calling a model, naming a missing, undeclared or ill-typed variable', async () => {
    const name = `${run}-render`;
    await call('POST', '/v1/prompts', {
      name,
      ...weather('Weather in {{city}} for {{days}} days?'),
      response_format: { type: 'json_object' },
      variants: [{ model: 'backup-echo', messages: [{ role: 'user', content: '<city>{{city}}</city>' }], parameters: { temperature: 0 } }],
    });
    const rendered = await call('POST', `/v1/prompts/${name}/render`, { variables: { language: 'French', city: 'Rock & <Roll>', days: 3 } });
    expect(rendered).toStrictEqual({
      status: 200,
      body: {
        object: 'prompt.render',
        name,
        version: 1,
        label: null,
        messages: [
          { role: 'system', content: 'Answer in French.' },
          { role: 'user', content: 'Weather in Rock & <Roll> for 3 days?' },
        ],
        model: 'mock-echo',
        parameters: { temperature: 0.3 },
        response_format: { type: 'json_object' },
        variant: null,
      },
    });
    expect(
      (await call('POST', `/v1/prompts/${name}/render`, { model: 'backup-echo', variables: { language: 'en', city: 'Oslo', days: 1 } })).body,
    ).toMatchObject({
      model: 'backup-echo',
      variant: 'backup-echo',
      messages: [{ role: 'user', content: '<city>Oslo</city>' }],
      parameters: { temperature: 0 },
    });
    // Nothing reached a model: the mock upstream was never called.
    expect(platform.mock.requests).toHaveLength(0);

    const refusal = async (variables: Record<string, unknown>) => {
      const answer = await call('POST', `/v1/prompts/${name}/render`, { variables });
      expect(answer.status).toBe(400);
      return [answer.body.error?.param, answer.body.error?.code];
    };
    expect(await refusal({ language: 'en', days: 2 })).toStrictEqual(['variables.city', 'invalid_request']);
    expect(await refusal({ language: 'en', city: 'Oslo' })).toStrictEqual(['variables.days', 'invalid_request']);
    expect(await refusal({ language: 'en', city: 'Oslo', days: 2, mood: 'sunny' })).toStrictEqual(['variables.mood', 'invalid_request']);
    expect(await refusal({ language: 'en', city: 'Oslo', days: 'three' })).toStrictEqual(['variables.days', 'invalid_request']);
    const illTyped = await call('POST', `/v1/prompts/${name}/render`, { variables: { language: 'en', city: 'Oslo', days: 0 } });
    expect(illTyped.body.error?.message).toMatch(/days/);

    try {
      await sdk.post(`/prompts/${name}/render`, { body: { variables: { language: 'en' } } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('variables.city');
    }
  });

  it('refuses bad input with a 400 naming the param and unknown names with a 404', async () => {
    const name = `${run}-checks`;
    const param = async (body: unknown) => {
      const answer = await call('POST', '/v1/prompts', body);
      expect(answer.status).toBe(400);
      return answer.body.error?.param;
    };
    expect(await param({ name, ...weather('x'), temperature: 1 })).toBe('temperature');
    expect(await param({ name: 'no spaces please', ...weather('x') })).toBe('name');
    expect(await param({ name, ...weather('{{#open}} unclosed') })).toBe('messages[1].content');
    expect(await param({ name, ...weather('x'), messages: [] })).toBe('messages');
    expect(await param({ name, ...weather('x'), messages: [{ role: 'wizard', content: 'x' }] })).toBe('messages[0].role');
    expect(await param({ name, ...weather('x'), variables: { type: 'nonsense' } })).toBe('variables');
    expect(await param({ name, ...weather('x'), labels: ['no spaces'] })).toBe('labels[0]');
    expect(await param({ ...weather('x') })).toBe('name');
    expect((await call('POST', '/v1/prompts', '[1]')).status).toBe(400);
    expect((await call('GET', `/v1/prompts/${name}`)).status).toBe(404);

    await call('POST', '/v1/prompts', { name, ...weather('{{city}}') });
    expect((await call('GET', `/v1/prompts/${name}/versions/abc`)).body.error?.param).toBe('version');
    const missing = [
      await call('GET', `/v1/prompts/${run}-nothing`),
      await call('GET', `/v1/prompts/${name}/versions/9`),
      await call('GET', `/v1/prompts/${run}-nothing/versions/1`),
      await call('PUT', `/v1/prompts/${run}-nothing/labels/production`, { version: 1 }),
      await call('POST', `/v1/prompts/${name}/render`, { version: 9, variables: { language: 'en', city: 'x' } }),
      await call('POST', `/v1/prompts/${name}/render`, { label: 'nope', variables: { language: 'en', city: 'x' } }),
      await call('POST', `/v1/prompts/${run}-nothing/render`, {}),
    ];
    expect(missing.map((answer) => [answer.status, answer.body.error?.code])).toStrictEqual(Array.from({ length: 7 }, () => [404, 'not_found']));
    expect(missing[1]?.body.error?.message).toBe(`Prompt '${name}' has no version 9.`);
  });

  it('answers text PostgreSQL cannot hold, numbers past its integers and defaults no request could use with a 4xx, never a 500', async () => {
    const name = `${run}-odd-input`;
    const param = async (body: unknown) => {
      const answer = await call('POST', '/v1/prompts', body);
      expect(answer.status).toBe(400);
      return answer.body.error?.param;
    };
    expect(await param({ name, ...weather('a\u0000b') })).toBe('messages[1].content');
    expect(await param({ name, ...weather('x'), author: 'ana\u0000' })).toBe('author');
    expect(await param({ name, ...weather('x'), parameters: { temperature: 'hot' } })).toBe('parameters.temperature');
    expect(await param({ name, ...weather('x'), response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'nonsense' } } } })).toBe(
      'response_format.json_schema.schema',
    );
    expect(await param({ name, ...weather('x'), variables: { type: 'string' } })).toBe('variables');

    await call('POST', '/v1/prompts', { name, ...weather('{{city}}') });
    const huge = 2 ** 40;
    const put = await call('PUT', `/v1/prompts/${name}/labels/production`, { version: huge });
    expect([put.status, put.body.error?.param]).toStrictEqual([400, 'version']);
    const absent = [
      await call('GET', '/v1/prompts/a%00b'),
      await call('GET', '/v1/prompts/a%00b/versions/1'),
      await call('GET', `/v1/prompts/${name}/versions/${huge}`),
      await call('PUT', '/v1/prompts/a%00b/labels/production', { version: 1 }),
      await call('POST', '/v1/prompts/a%00b/render', {}),
      await call('POST', `/v1/prompts/${name}/render`, { label: 'a\u0000', variables: { language: 'en', city: 'x' } }),
      await call('POST', '/v1/chat/completions', { prompt: { name: 'a\u0000b' } }),
      await call('POST', '/v1/chat/completions', { prompt: { name, version: huge, variables: { language: 'en', city: 'x' } } }),
    ];
    expect(absent.map((answer) => [answer.status, answer.body.error?.code])).toStrictEqual(Array.from({ length: 8 }, () => [404, 'not_found']));
  });

  it("never shows one tenant's prompt to another: 404 on every route, absent from its list", async () => {
    const name = `${run}-private`;
    await call('POST', '/v1/prompts', { name, ...weather('Secret {{city}}'), labels: ['production'] });
    const asOther = [
      await call('GET', `/v1/prompts/${name}`, undefined, OTHER_TENANT_KEY),
      await call('GET', `/v1/prompts/${name}/versions/1`, undefined, OTHER_TENANT_KEY),
      await call('PUT', `/v1/prompts/${name}/labels/production`, { version: 1 }, OTHER_TENANT_KEY),
      await call('POST', `/v1/prompts/${name}/render`, { variables: { language: 'en', city: 'x' } }, OTHER_TENANT_KEY),
    ];
    expect(asOther.map((answer) => answer.status)).toStrictEqual([404, 404, 404, 404]);
    expect(JSON.stringify(asOther.map((answer) => answer.body))).not.toContain('Secret');
    const otherList = (await call('GET', '/v1/prompts', undefined, OTHER_TENANT_KEY)).body.data as { name: string }[];
    expect(otherList.map((prompt) => prompt.name)).not.toContain(name);

    // The other tenant's prompt of the same name is its own, from version 1, and changes nothing of the first's.
    const theirs = await call('POST', '/v1/prompts', { name, ...weather('Theirs {{city}}') }, OTHER_TENANT_KEY);
    expect(theirs.body.version).toBe(1);
    expect(((await call('GET', `/v1/prompts/${name}`)).body.versions as unknown[]).length).toBe(1);
    expect((await call('POST', `/v1/prompts/${name}/render`, { variables: { language: 'en', city: 'x' } })).body.messages).toContainEqual({
      role: 'user',
      content: 'Secret x',
    });
  });

  it('shares the prompts folder with every tenant, read-only, a tenant’s own prompt of the name going first', async () => {
    const example = readFileSync(REPO_EXAMPLE, 'utf8');
    for (const key of [TEST_API_KEY, OTHER_TENANT_KEY]) {
      const list = (await call('GET', '/v1/prompts', undefined, key)).body.data as Record<string, unknown>[];
      expect(list).toContainEqual(
        expect.objectContaining({ name: repoName, source: 'repo', latest_version: 1, labels: { production: [{ version: 1, weight: 100 }] } }),
      );
      const rendered = await call('POST', `/v1/prompts/${repoName}/render`, { variables: { ticket: 'The export button does nothing.' } }, key);
      expect(rendered.body).toMatchObject({ version: 1, label: 'production', model: 'default', parameters: { temperature: 0.2, max_tokens: 300 } });
      const [system, user] = rendered.body.messages as { content: string }[];
      // `audience` left out: its declared default.
      expect(system?.content).toMatch(/^You summarise support tickets for the support team/);
      expect(user?.content).toBe('Ticket:\nThe export button does nothing.');
    }
    expect(example).toContain('default: support');
    const badAudience = await call('POST', `/v1/prompts/${repoName}/render`, { variables: { ticket: 'x', audience: 'marketing' } });
    expect(badAudience.body.error?.param).toBe('variables.audience');

    const write = await call('PUT', `/v1/prompts/${repoName}/labels/production`, { version: 1 });
    expect(write.status).toBe(403);
    expect(write.body.error?.message).toMatch(/prompts folder/);
    expect((await call('GET', `/v1/prompts/${repoName}`)).body).toMatchObject({ source: 'repo', latest_version: 1 });

    // acme's own prompt of that name goes first for acme, and for acme only.
    const own = await call('POST', '/v1/prompts', {
      name: repoName,
      messages: [{ role: 'user', content: 'Mine: {{ticket}}' }],
      variables: { type: 'object', properties: { ticket: { type: 'string' } } },
    });
    expect(own).toMatchObject({ status: 201, body: { version: 1 } });
    expect((await call('GET', `/v1/prompts/${repoName}`)).body).toMatchObject({ source: 'api', latest_version: 1 });
    expect((await call('POST', `/v1/prompts/${repoName}/render`, { variables: { ticket: 'x' } })).body.messages).toStrictEqual([
      { role: 'user', content: 'Mine: x' },
    ]);
    const acmeList = (await call('GET', '/v1/prompts')).body.data as { name: string; source: string }[];
    expect(acmeList.filter((prompt) => prompt.name === repoName).map((prompt) => prompt.source)).toStrictEqual(['api']);
    expect((await call('GET', `/v1/prompts/${repoName}`, undefined, OTHER_TENANT_KEY)).body).toMatchObject({ source: 'repo' });
  });

  it('loads an unchanged folder without adding versions, a changed file as a new version, and refuses to start on a bad file', async () => {
    const name = `${run}-restart`;
    const file = join(promptsDir, `${name}.yaml`);
    writeFileSync(
      file,
      'messages:\n  - role: user\n    content: "First {{x}}"\nvariables: { type: object, properties: { x: { type: string } } }\nlabels: [production, staging]\n',
    );
    const again = await startGateway({ ...platform.env, PORT: '0' });
    const second = await startGateway({ ...platform.env, PORT: '0' });
    await Promise.all([again.close(), second.close()]);
    expect((await call('GET', `/v1/prompts/${repoName}`, undefined, OTHER_TENANT_KEY)).body.latest_version).toBe(1);
    expect((await call('GET', `/v1/prompts/${name}`)).body).toMatchObject({
      latest_version: 1,
      labels: { production: [{ version: 1 }], staging: [{ version: 1 }] },
    });

    writeFileSync(
      file,
      'messages:\n  - role: user\n    content: "Second {{x}}"\nvariables: { type: object, properties: { x: { type: string } } }\nlabels: [production]\n',
    );
    const changed = await startGateway({ ...platform.env, PORT: '0' });
    await changed.close();
    const detail = (await call('GET', `/v1/prompts/${name}`)).body;
    expect(detail).toMatchObject({ latest_version: 2, labels: { production: [{ version: 2, weight: 100 }] } });
    expect((detail.versions as { messages: { content: string }[] }[]).map((v) => v.messages[0]?.content)).toStrictEqual(['First {{x}}', 'Second {{x}}']);

    const broken = mkdtempSync(join(tmpdir(), 'switchyard-prompts-'));
    writeFileSync(join(broken, 'broken.yaml'), 'messages:\n  - role: user\n    content: "{{#never closed"\n');
    await expect(startGateway({ ...platform.env, PORT: '0', SWITCHYARD_PROMPTS_DIR: broken })).rejects.toThrow(
      `Invalid prompt file ${join(broken, 'broken.yaml')} (messages[0].content)`,
    );
  });

  it('answers in the shapes the OpenAPI document describes', async () => {
    const document = (await dereference((await (await fetch(`${platform.gateway.url}/docs/json`)).json()) as never)) as unknown as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>;
    };
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const name = `${run}-documented`;
    const fits = async (method: string, path: string, route: string, body?: unknown, key = TEST_API_KEY) => {
      const answer = await call(method, path, body, key);
      const schema = document.paths[route]?.[method.toLowerCase()]?.responses[String(answer.status)]?.content?.['application/json']?.schema;
      if (schema === undefined) return `${method} ${route}: ${answer.status} is not described`;
      const check = ajv.compile(schema);
      return check(answer.body) ? `${method} ${route}: ${answer.status} fits` : `${method} ${route}: ${ajv.errorsText(check.errors)}`;
    };
    expect([
      await fits('POST', '/v1/prompts', '/v1/prompts', { name, ...weather('{{city}}') }),
      await fits('POST', '/v1/prompts', '/v1/prompts', { name: 'bad name' }),
      await fits('GET', '/v1/prompts', '/v1/prompts'),
      await fits('GET', `/v1/prompts/${name}`, '/v1/prompts/{name}'),
      await fits('GET', `/v1/prompts/${name}/versions/1`, '/v1/prompts/{name}/versions/{version}'),
      await fits('PUT', `/v1/prompts/${name}/labels/production`, '/v1/prompts/{name}/labels/{label}', { version: 1 }),
      await fits('PUT', `/v1/prompts/${repoName}/labels/production`, '/v1/prompts/{name}/labels/{label}', { version: 1 }, OTHER_TENANT_KEY),
      await fits('POST', `/v1/prompts/${name}/render`, '/v1/prompts/{name}/render', { variables: { language: 'en', city: 'x' } }),
      await fits('POST', `/v1/prompts/${run}-none/render`, '/v1/prompts/{name}/render', {}),
    ]).toStrictEqual([
      'POST /v1/prompts: 201 fits',
      'POST /v1/prompts: 400 fits',
      'GET /v1/prompts: 200 fits',
      'GET /v1/prompts/{name}: 200 fits',
      'GET /v1/prompts/{name}/versions/{version}: 200 fits',
      'PUT /v1/prompts/{name}/labels/{label}: 200 fits',
      'PUT /v1/prompts/{name}/labels/{label}: 403 fits',
      'POST /v1/prompts/{name}/render: 200 fits',
      'POST /v1/prompts/{name}/render: 404 fits',
    ]);
  });
});
