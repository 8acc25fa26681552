import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inOneClockMinute } from './clock-minute';
import { type Platform, startPlatform } from './platform-harness';
import { createTenant, keyWithLimits } from './tenant-keys';

const ADMIN_KEY = 'sk-admin-switchyard-test-0000000015';
const TOKENS_PER_MINUTE = 1_000_000;

/** Session turns and task runs build their model request after admission: their spend must still reach the key's limits. */
describe("session turns and task runs count against their key's token limit and budget", () => {
  let platform: Platform;
  const tenant = `st${Date.now().toString(36)}`;

  beforeAll(async () => {
    platform = await startPlatform({ env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY } });
    await createTenant({ platform, adminKey: ADMIN_KEY }, { id: tenant, name: 'Sessions and tasks spenders' });
  });

  afterAll(async () => {
    await platform?.close();
  });

  const keyWith = async (limits: Record<string, number>) => (await keyWithLimits({ platform, adminKey: ADMIN_KEY }, tenant, limits)).key;

  function post(path: string, key: string, body: unknown): Promise<Response> {
    return fetch(`${platform.gateway.url}/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  async function startSession(key: string): Promise<string> {
    const created = await post('/sessions', key, { model: 'mock-echo', system: 'Be brief.' });
    expect(created.status).toBe(200);
    return ((await created.json()) as { id: string }).id;
  }

  const turn = (key: string, session: string, text: string) => post(`/sessions/${session}/messages`, key, { messages: [{ role: 'user', content: text }] });
  const tokensOf = async (response: Response) => (await platform.usageRow(response.headers.get('x-switchyard-job-id') ?? '')).totalTokens;
  const remaining = (response: Response) => Number(response.headers.get('x-ratelimit-remaining-tokens'));

  it("settles each turn's and each task run's real tokens in the key's window", async () => {
    await inOneClockMinute(async () => {
      const key = await keyWith({ tokensPerMinute: TOKENS_PER_MINUTE });
      const session = await startSession(key);
      const first = await turn(key, session, 'How long is a piece of string?');
      expect(first.status).toBe(200);
      const firstTokens = await tokensOf(first);
      expect(firstTokens).toBeGreaterThan(0);
      const task = await post('/tasks/summarize', key, { input: { text: 'The printer caught fire twice this week; facilities replaced it.' } });
      expect(task.status).toBe(200);
      const taskTokens = await tokensOf(task);
      expect(taskTokens).toBeGreaterThan(0);
      // Charged nothing up front (their request is built later); what they used is settled once their rows are written.
      const second = await turn(key, session, 'And a longer one?');
      expect(second.status).toBe(200);
      expect(remaining(second)).toBe(TOKENS_PER_MINUTE - firstTokens - taskTokens);
    });
  }, 60_000);

  it('refuses the next turn with 402 once the turns have spent the daily budget', async () => {
    const key = await keyWith({ budgetUsdPerDay: 0.0005 });
    const session = await startSession(key);
    let refusal: Response | undefined;
    let answered = 0;
    for (let i = 0; i < 60 && refusal === undefined; i++) {
      const response = await turn(key, session, `spend a little on turn ${i}, with some more words to count`);
      if (response.status === 200) {
        answered++;
        await tokensOf(response);
      } else refusal = response;
    }
    expect(answered).toBeGreaterThan(0);
    expect(refusal?.status).toBe(402);
    expect(((await (refusal as Response).json()) as { error: { code: string } }).error.code).toBe('budget_exceeded');
  }, 90_000);
});
