import { createDataSource, type DataSource } from '@switchyard/database';
import { PromptStore } from '@switchyard/prompts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';
import { type PrivatePostgres, startPrivatePostgres } from './private-postgres';

/** How long the gateway reuses what a label picked (see `CachedPromptResolver`). */
const LABEL_CACHE_MS = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('stored prompts while PostgreSQL is down', () => {
  let postgres: PrivatePostgres;
  let platform: Platform;
  let database: DataSource;

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    platform = await startPlatform({ env: { DATABASE_URL: postgres.url } });
    database = createDataSource(postgres.url, { poolSize: 1 });
    await database.initialize();
    const prompts = new PromptStore(database);
    await prompts.saveVersion('acme', 'outage', {
      messages: [{ role: 'user', content: 'Hi {{who}}' }],
      model: 'mock-echo',
      variables: { type: 'object', properties: { who: { type: 'string' } } },
    });
  }, 60_000);

  afterAll(async () => {
    await database?.destroy();
    await platform?.close();
    await postgres?.destroy();
  });

  const ask = (body: unknown) =>
    fetch(`${platform.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json', 'x-switchyard-cache': 'bypass' },
      body: JSON.stringify(body),
    });
  const byLabel = { prompt: { name: 'outage', variables: { who: 'label' } } };
  const byVersion = { prompt: { name: 'outage', version: 1, variables: { who: 'version' } } };
  const plain = { model: 'mock-echo', messages: [{ role: 'user', content: 'no prompt' }] };

  it('answers 503 for a prompt it cannot read, serves cached versions, and leaves requests without a prompt alone', async () => {
    expect((await ask(byLabel)).status).toBe(200);
    expect((await ask(byVersion)).status).toBe(200);

    await postgres.stop();
    try {
      // Past the label's cache: the gateway has to ask PostgreSQL again.
      await sleep(LABEL_CACHE_MS + 500);
      const refused = await ask(byLabel);
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ error: { code: 'service_unavailable', type: 'service_unavailable_error' } });
      // A named version never changes: the cached one still renders.
      const cached = await ask(byVersion);
      expect(cached.status).toBe(200);
      expect(((await cached.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content).toBe('Hi version');
      expect((await ask(plain)).status).toBe(200);
    } finally {
      await postgres.start();
    }
    await expect.poll(async () => (await ask(byLabel)).status, { timeout: 15_000, interval: 250 }).toBe(200);
  }, 60_000);
});
