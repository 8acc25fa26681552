import { randomUUID } from 'node:crypto';
import { sessionTurnStreamKey } from '@switchyard/contracts';
import { createDataSource, type DataSource, runMigrations } from '@switchyard/database';
import { createLogger } from '@switchyard/observability';
import { createRedis } from '@switchyard/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionRepository } from '../store/session-repository';
import { SessionTurnWriter } from '../store/session-turn-writer';
import { type CachedTurn, SessionState } from './session-state';

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/switchyard_test';
const usage = { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 };

describe(SessionState.name, () => {
  const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { name: 'test', logger: createLogger({ service: 'test', level: 'silent' }) });
  const prefix = `sytest-${randomUUID().slice(0, 8)}`;
  let database: DataSource;
  let repository: SessionRepository;
  let state: SessionState;

  beforeAll(async () => {
    await runMigrations(databaseUrl);
    database = createDataSource(databaseUrl, { poolSize: 2 });
    await database.initialize();
    repository = new SessionRepository(database);
    state = new SessionState(redis, prefix, repository, { leaseMs: 60_000 });
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await database.destroy();
  });

  async function newSession(tenant = 'acme'): Promise<string> {
    const id = `sess_${randomUUID().replaceAll('-', '')}`;
    const row = await repository.create({
      id,
      tenant,
      keyId: null,
      model: 'mock-echo',
      system: 'Be brief.',
      promptName: null,
      promptVersion: null,
      windowMaxMessages: null,
      windowMaxTokens: 1000,
      metadata: {},
      idleTtlSeconds: 3600,
    });
    await state.created(row);
    return id;
  }

  const turnOf = (ticket: number, text: string): Omit<CachedTurn, 'turn'> => ({
    ticket,
    messages: [
      { role: 'user', content: text },
      { role: 'assistant', content: text },
    ],
    tokens: 20,
    usage,
    requestId: `req_${ticket}`,
    at: Date.now(),
  });

  it('hands out tickets in order and lets a ticket go only when every earlier one has ended', async () => {
    const id = await newSession();
    const tickets = [];
    for (let i = 0; i < 3; i++) {
      const entry = await state.enter(id, 'acme', true);
      tickets.push(entry.kind === 'ok' ? entry.ticket : -1);
    }
    expect(tickets).toStrictEqual([1, 2, 3]);
    expect((await state.begin(id, 2)).kind).toBe('wait');
    expect((await state.begin(id, 1)).kind).toBe('go');
    // Ticket 3 fails before 2 has run: it is stepped over later, and 2 still waits for 1.
    await state.release(id, 3);
    expect((await state.begin(id, 2)).kind).toBe('wait');
    expect(await state.commit(id, turnOf(1, 'one'), 0)).toStrictEqual({ turn: 1, heard: -1 });
    const go = await state.begin(id, 2);
    expect(go).toMatchObject({ kind: 'go', complete: true, windowStart: 0, settings: { system: 'Be brief.', maxTokens: 1000 } });
    expect(go.kind === 'go' ? go.turns.map((turn) => [turn.ticket, turn.turn]) : []).toStrictEqual([[1, 1]]);
    expect((await state.commit(id, turnOf(2, 'two'), 0)).turn).toBe(2);
    // 3 ended already: the next message runs at once.
    const next = await state.enter(id, 'acme', false);
    expect(next).toMatchObject({ kind: 'ok', ticket: 4 });
    expect((await state.begin(id, 4)).kind).toBe('go');
  });

  it('commits a ticket once, however often its job runs, and says when it is done', async () => {
    const id = await newSession();
    await state.enter(id, 'acme', true);
    await state.begin(id, 1);
    expect((await state.commit(id, turnOf(1, 'once'), 0)).turn).toBe(1);
    expect((await state.commit(id, turnOf(1, 'twice'), 0)).turn).toBe(0);
    expect((await state.begin(id, 1)).kind).toBe('done');
    expect((await state.cachedTurns(id)).map((turn) => (turn.messages[0] as { content: string }).content)).toStrictEqual(['once']);
  });

  it('refuses a waiting message with busy, another tenant with gone, and an ended session with ended', async () => {
    const id = await newSession();
    await state.enter(id, 'acme', true);
    expect(await state.enter(id, 'acme', false)).toStrictEqual({ kind: 'busy' });
    expect(await state.enter(id, 'globex', true)).toStrictEqual({ kind: 'gone' });
    await state.markEnded(id, 'ended');
    expect(await state.enter(id, 'acme', true)).toStrictEqual({ kind: 'ended', status: 'ended' });
  });

  it('sends only the turns after the one the worker holds, and all of them once the window moved past it', async () => {
    const id = await newSession();
    for (let ticket = 1; ticket <= 4; ticket++) {
      await state.enter(id, 'acme', true);
      await state.begin(id, ticket);
      await state.commit(id, turnOf(ticket, `turn ${ticket}`), 0);
    }
    await state.enter(id, 'acme', true);
    const delta = await state.begin(id, 5, 3);
    expect(delta.kind === 'go' ? [delta.complete, delta.turns.map((turn) => turn.ticket)] : []).toStrictEqual([false, [4]]);
    // The window's start moves to ticket 4: turns 1 to 3 leave it.
    await state.commit(id, turnOf(5, 'turn 5'), 4);
    await state.enter(id, 'acme', true);
    const all = await state.begin(id, 6, 2);
    expect(all.kind === 'go' ? [all.complete, all.windowStart, all.turns.map((turn) => turn.ticket)] : []).toStrictEqual([true, 4, [4, 5]]);
  });

  it('rebuilds a lost state from PostgreSQL once the turn stream is written, keeping the turn numbers', async () => {
    const id = await newSession();
    for (let ticket = 1; ticket <= 2; ticket++) {
      await state.enter(id, 'acme', true);
      await state.begin(id, ticket);
      await state.commit(id, turnOf(ticket, `kept ${ticket}`), 0);
    }
    const writer = new SessionTurnWriter(redis, prefix, repository, { intervalMs: 1000 });
    expect(await writer.flush()).toBeGreaterThanOrEqual(2);
    expect(await redis.xlen(sessionTurnStreamKey(prefix))).toBe(0);
    const stored = await repository.history(id, { limit: 10 });
    expect(stored.map((turn) => [turn.turn, turn.ticket, turn.requestId])).toStrictEqual([
      [1, 1, 'req_1'],
      [2, 2, 'req_2'],
    ]);

    await state.forget(id);
    const entry = await state.enter(id, 'acme', true);
    // Tickets go on past a gap, so turns that were in flight cannot collide with new ones.
    expect(entry.kind === 'ok' && entry.ticket > 2).toBe(true);
    const ticket = entry.kind === 'ok' ? entry.ticket : 0;
    const go = await state.begin(id, ticket);
    expect(go.kind === 'go' ? go.turns.map((turn) => turn.turn) : []).toStrictEqual([1, 2]);
    expect((await state.commit(id, turnOf(ticket, 'after the loss'), 0)).turn).toBe(3);
  });

  it('writes a turn holding a NUL character (which jsonb refuses) with U+FFFD in its place, and the turns after it too', async () => {
    const id = await newSession();
    for (const [ticket, text] of [
      [1, 'before\u0000after'],
      [2, 'plain'],
    ] as const) {
      await state.enter(id, 'acme', true);
      await state.begin(id, ticket);
      await state.commit(id, turnOf(ticket, text), 0);
    }
    const writer = new SessionTurnWriter(redis, prefix, repository, { intervalMs: 1000 });
    expect(await writer.flush()).toBeGreaterThanOrEqual(2);
    expect(await redis.xlen(sessionTurnStreamKey(prefix))).toBe(0);
    const stored = await repository.history(id, { limit: 10 });
    expect(stored.map((turn) => (turn.messages[0] as { content: string }).content)).toStrictEqual(['before\uFFFDafter', 'plain']);
  });
});
