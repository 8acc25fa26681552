import { sessionKeys } from '@switchyard/contracts';
import { createDataSource, type DataSource } from '@switchyard/database';
import { createLogger } from '@switchyard/observability';
import { createRedis } from '@switchyard/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from './platform-harness';
import { createSession, historyOf, say, sendTurn, sessionCall, upstreamChats } from './session-api';

describe('sessions kept in PostgreSQL', () => {
  let platform: Platform;
  let database: DataSource;

  beforeAll(async () => {
    // Retention short enough to watch: ended sessions go half a second after they end.
    platform = await startPlatform({ env: { SESSION_RETENTION_MS: '500', SESSION_SWEEP_MS: '200' } });
    database = createDataSource(platform.env.DATABASE_URL ?? '', { poolSize: 1 });
    await database.initialize();
  });

  afterAll(async () => {
    await database.destroy();
    await platform.close();
  });

  const storedTurns = async (id: string) =>
    ((await database.query('SELECT turn FROM session_turns WHERE session_id = $1 ORDER BY turn', [id])) as { turn: number }[]).map((row) => row.turn);

  it('keeps the history when the Redis cache of a session is lost, and the next turn sees it again', async () => {
    const id = await createSession(platform, { model: 'mock-echo', system: 'Remember everything.' });
    for (const text of ['one', 'two', 'three']) expect((await sendTurn(platform, id, say(text))).status).toBe(200);
    await expect.poll(() => storedTurns(id), { timeout: 5000 }).toStrictEqual([1, 2, 3]);

    const redis = createRedis(platform.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { name: 'test', logger: createLogger({ service: 'test', level: 'silent' }) });
    const keys = sessionKeys(platform.env.SWITCHYARD_KEY_PREFIX ?? '', id);
    expect(await redis.del(keys.state, keys.turns)).toBe(2);
    await redis.quit();

    expect((await historyOf(platform, id)).map((turn) => turn.turn)).toStrictEqual([1, 2, 3]);
    const first = platform.mock.requests.length;
    expect((await sendTurn(platform, id, say('four'))).status).toBe(200);
    expect(upstreamChats(platform, first)[0]?.messages.map((message) => message.content)).toStrictEqual([
      'Remember everything.',
      'one',
      'one',
      'two',
      'two',
      'three',
      'three',
      'four',
    ]);
    await expect.poll(() => storedTurns(id), { timeout: 5000 }).toStrictEqual([1, 2, 3, 4]);
  });

  it('writes idle sessions down as expired and deletes ended ones, with their history, after the retention', async () => {
    const ended = await createSession(platform, { model: 'mock-echo' });
    expect((await sendTurn(platform, ended, say('soon gone'))).status).toBe(200);
    await expect.poll(() => storedTurns(ended), { timeout: 5000 }).toStrictEqual([1]);
    expect((await sessionCall(platform, 'POST', `/${ended}/end`)).status).toBe(200);
    await expect.poll(async () => (await sessionCall(platform, 'GET', `/${ended}`)).status, { timeout: 5000 }).toBe(404);
    expect(await storedTurns(ended)).toStrictEqual([]);
    // Its cached state is forgotten right after the rows: a message is then a 404 like any unknown id.
    await expect.poll(async () => (await sendTurn(platform, ended, say('anyone there?'))).status, { timeout: 5000 }).toBe(404);

    // Idle for longer than its TTL: readers see it expired at once, the sweep writes it down, and the retention then deletes it.
    const idle = await createSession(platform, { model: 'mock-echo', idle_ttl_seconds: 60 });
    await database.query("UPDATE sessions SET last_active_at = now() - interval '61 seconds' WHERE id = $1", [idle]);
    const listed = await sessionCall(platform, 'GET', '?status=expired&limit=100');
    expect((listed.body.data as { id: string; status: string }[]).find((session) => session.id === idle)?.status).toBe('expired');
    await expect.poll(async () => (await sessionCall(platform, 'GET', `/${idle}`)).status, { timeout: 5000 }).toBe(404);
  });
});
