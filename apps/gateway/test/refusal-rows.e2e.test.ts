import { createDataSource, type DataSource } from '@switchyard/database';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from './platform-harness';
import { createTenant, keyWithLimits } from './tenant-keys';

const ADMIN_KEY = 'sk-admin-switchyard-test-0000000003';
const ask = (content: string, extra: Record<string, unknown> = {}) => ({ model: 'slow', messages: [{ role: 'user' as const, content }], ...extra });

/** Not in the last seconds of a minute: the per-minute windows are the clock's minute. */
async function freshMinute(needMs: number): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 60_000 - needMs) await new Promise((resolve) => setTimeout(resolve, 60_200 - intoMinute));
}

describe('requests refused by a key limit or the body size', () => {
  let platform: Platform;
  let database: DataSource;
  const tenant = `r${Date.now().toString(36)}`;

  beforeAll(async () => {
    platform = await startPlatform({ env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY } });
    await createTenant({ platform, adminKey: ADMIN_KEY }, { id: tenant, name: 'Refused Ltd' });
    database = createDataSource(platform.env.DATABASE_URL ?? '', { poolSize: 1 });
    await database.initialize();
  });

  afterAll(async () => {
    await database.destroy();
    await platform.close();
  });

  /** A fresh key with these limits, and an SDK client that uses it. */
  async function keyWith(limits: Record<string, number>): Promise<{ id: string; sdk: OpenAI }> {
    const created = await keyWithLimits({ platform, adminKey: ADMIN_KEY }, tenant, limits);
    return { id: created.id, sdk: new OpenAI({ apiKey: created.key, baseURL: `${platform.gateway.url}/v1`, maxRetries: 0 }) };
  }

  /** The key's rejected rows (written off the request path: waited for). */
  async function rejectedRows(keyId: string, count: number): Promise<{ status: string; errorCode: string; jobId: string }[]> {
    const read = async () =>
      (await database.query('SELECT status, error_code AS "errorCode", job_id AS "jobId" FROM llm_requests WHERE key_id = $1 AND status = $2', [
        keyId,
        'rejected',
      ])) as {
        status: string;
        errorCode: string;
        jobId: string;
      }[];
    await expect.poll(async () => (await read()).length, { timeout: 10_000, interval: 50 }).toBe(count);
    return read();
  }

  it('writes a rejected row for a 429 on requests per minute, naming the job in the answer', async () => {
    await freshMinute(10_000);
    const { id, sdk } = await keyWith({ requestsPerMinute: 1 });
    await sdk.chat.completions.create(ask('first'));
    const refused = await sdk.chat.completions.create(ask('second')).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    const rows = await rejectedRows(id, 1);
    expect(rows[0]).toMatchObject({ errorCode: 'rate_limit_exceeded' });
    expect((refused as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('x-switchyard-job-id')).toBe(rows[0]?.jobId);
  });

  it('writes a rejected row for a 429 on tokens per minute', async () => {
    await freshMinute(10_000);
    const { id, sdk } = await keyWith({ tokensPerMinute: 500 });
    // `slow` answers after 600 ms: both are let in (or not) before the first is settled.
    const outcomes = await Promise.allSettled([
      sdk.chat.completions.create(ask('one', { max_tokens: 300 })),
      sdk.chat.completions.create(ask('two', { max_tokens: 300 })),
    ]);
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(OpenAI.RateLimitError);
    expect((await rejectedRows(id, 1))[0]).toMatchObject({ errorCode: 'rate_limit_exceeded' });
  });

  it('writes a rejected row for a 400 over the key token limit', async () => {
    const { id, sdk } = await keyWith({ tokensPerMinute: 100 });
    const refused = await sdk.chat.completions.create(ask('too big', { max_tokens: 5000 })).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    const code = (refused as InstanceType<typeof OpenAI.BadRequestError>).code;
    expect((await rejectedRows(id, 1))[0]).toMatchObject({ errorCode: code });
  });

  it('writes a rejected row for a 402 budget_exceeded, on chat and on async jobs', async () => {
    const { id, sdk } = await keyWith({ budgetUsdPerDay: 0.000001 });
    const first = await sdk.chat.completions.create({ ...ask('spend it'), model: 'mock-echo' }).withResponse();
    await platform.usageRow(first.response.headers.get('x-switchyard-job-id') ?? '');
    await expect(sdk.chat.completions.create({ ...ask('over'), model: 'mock-echo' })).rejects.toMatchObject({ status: 402, code: 'budget_exceeded' });
    // Refused before its handler ran: the async route is admitted in the gateway's hook.
    await expect(sdk.post('/jobs', { body: { ...ask('over, async'), model: 'mock-echo' } })).rejects.toMatchObject({ status: 402 });
    const rows = await rejectedRows(id, 2);
    expect(rows.map((row) => row.errorCode)).toStrictEqual(['budget_exceeded', 'budget_exceeded']);
  });

  it('writes a rejected row for a body over the size limit', async () => {
    const { id, sdk } = await keyWith({});
    // Over the tests' 64 KiB maxBodyBytes. Whether the client reads the 413 or sees the connection close, the row is written.
    await expect(sdk.chat.completions.create(ask('x'.repeat(100_000)))).rejects.toBeDefined();
    expect((await rejectedRows(id, 1))[0]).toMatchObject({ errorCode: 'payload_too_large' });
  });
});
