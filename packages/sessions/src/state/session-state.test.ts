import { sessionTurnStreamKey } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { useSessionTestBed } from '../session-test-bed.test-support';
import { SessionTurnWriter } from '../store/session-turn-writer';
import { type CachedTurn, SessionState } from './session-state';

const usage = { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 };

describe(SessionState.name, () => {
  const bed = useSessionTestBed();
  const { redis, prefix } = bed;

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
    const id = await bed.newSession({ windowMaxTokens: 1000 });
    const tickets = [];
    for (let i = 0; i < 3; i++) {
      const entry = await bed.state.enter(id, 'acme', true);
      tickets.push(entry.kind === 'ok' ? entry.ticket : -1);
    }
    expect(tickets).toStrictEqual([1, 2, 3]);
    expect((await bed.state.begin(id, 2)).kind).toBe('wait');
    expect((await bed.state.begin(id, 1)).kind).toBe('go');
    // Ticket 3 fails before 2 has run: it is stepped over later, and 2 still waits for 1.
    await bed.state.release(id, 3);
    expect((await bed.state.begin(id, 2)).kind).toBe('wait');
    expect(await bed.state.commit(id, turnOf(1, 'one'), 0)).toStrictEqual({ turn: 1, heard: -1 });
    const go = await bed.state.begin(id, 2);
    expect(go).toMatchObject({ kind: 'go', complete: true, windowStart: 0, settings: { system: 'Be brief.', maxTokens: 1000 } });
    expect(go.kind === 'go' ? go.turns.map((turn) => [turn.ticket, turn.turn]) : []).toStrictEqual([[1, 1]]);
    expect((await bed.state.commit(id, turnOf(2, 'two'), 0)).turn).toBe(2);
    // 3 ended already: the next message runs at once.
    const next = await bed.state.enter(id, 'acme', false);
    expect(next).toMatchObject({ kind: 'ok', ticket: 4 });
    expect((await bed.state.begin(id, 4)).kind).toBe('go');
  });

  it('commits a ticket once, however often its job runs, and says when it is done', async () => {
    const id = await bed.newSession({ windowMaxTokens: 1000 });
    await bed.state.enter(id, 'acme', true);
    await bed.state.begin(id, 1);
    expect((await bed.state.commit(id, turnOf(1, 'once'), 0)).turn).toBe(1);
    expect((await bed.state.commit(id, turnOf(1, 'twice'), 0)).turn).toBe(0);
    expect((await bed.state.begin(id, 1)).kind).toBe('done');
    expect((await bed.state.cachedTurns(id)).map((turn) => (turn.messages[0] as { content: string }).content)).toStrictEqual(['once']);
  });

  it('refuses a waiting message with busy, another tenant with gone, and an ended session with ended', async () => {
    const id = await bed.newSession({ windowMaxTokens: 1000 });
    await bed.state.enter(id, 'acme', true);
    expect(await bed.state.enter(id, 'acme', false)).toStrictEqual({ kind: 'busy' });
    expect(await bed.state.enter(id, 'globex', true)).toStrictEqual({ kind: 'gone' });
    await bed.state.markEnded(id, 'ended');
    expect(await bed.state.enter(id, 'acme', true)).toStrictEqual({ kind: 'ended', status: 'ended' });
  });

  it('sends only the turns after the one the worker holds, and all of them once the window moved past it', async () => {
    const id = await bed.newSession({ windowMaxTokens: 1000 });
    for (let ticket = 1; ticket <= 4; ticket++) {
      await bed.state.enter(id, 'acme', true);
      await bed.state.begin(id, ticket);
      await bed.state.commit(id, turnOf(ticket, `turn ${ticket}`), 0);
    }
    await bed.state.enter(id, 'acme', true);
    const delta = await bed.state.begin(id, 5, 3);
    expect(delta.kind === 'go' ? [delta.complete, delta.turns.map((turn) => turn.ticket)] : []).toStrictEqual([false, [4]]);
    // The window's start moves to ticket 4: turns 1 to 3 leave it.
    await bed.state.commit(id, turnOf(5, 'turn 5'), 4);
    await bed.state.enter(id, 'acme', true);
    const all = await bed.state.begin(id, 6, 2);
    expect(all.kind === 'go' ? [all.complete, all.windowStart, all.turns.map((turn) => turn.ticket)] : []).toStrictEqual([true, 4, [4, 5]]);
  });

  it('rebuilds a lost state from PostgreSQL once the turn stream is written, keeping the turn numbers', async () => {
    const id = await bed.newSession({ windowMaxTokens: 1000 });
    for (let ticket = 1; ticket <= 2; ticket++) {
      await bed.state.enter(id, 'acme', true);
      await bed.state.begin(id, ticket);
      await bed.state.commit(id, turnOf(ticket, `kept ${ticket}`), 0);
    }
    const writer = new SessionTurnWriter(redis, prefix, bed.repository, { intervalMs: 1000 });
    expect(await writer.flush()).toBeGreaterThanOrEqual(2);
    expect(await redis.xlen(sessionTurnStreamKey(prefix))).toBe(0);
    const stored = await bed.repository.history(id, { limit: 10 });
    expect(stored.map((turn) => [turn.turn, turn.ticket, turn.requestId])).toStrictEqual([
      [1, 1, 'req_1'],
      [2, 2, 'req_2'],
    ]);

    await bed.state.forget(id);
    const entry = await bed.state.enter(id, 'acme', true);
    // Tickets go on past a gap, so turns that were in flight cannot collide with new ones.
    expect(entry.kind === 'ok' && entry.ticket > 2).toBe(true);
    const ticket = entry.kind === 'ok' ? entry.ticket : 0;
    const go = await bed.state.begin(id, ticket);
    expect(go.kind === 'go' ? go.turns.map((turn) => turn.turn) : []).toStrictEqual([1, 2]);
    expect((await bed.state.commit(id, turnOf(ticket, 'after the loss'), 0)).turn).toBe(3);
  });

  it('writes a turn holding a NUL character (which jsonb refuses) with U+FFFD in its place, and the turns after it too', async () => {
    const id = await bed.newSession({ windowMaxTokens: 1000 });
    for (const [ticket, text] of [
      [1, 'before\u0000after'],
      [2, 'plain'],
    ] as const) {
      await bed.state.enter(id, 'acme', true);
      await bed.state.begin(id, ticket);
      await bed.state.commit(id, turnOf(ticket, text), 0);
    }
    const writer = new SessionTurnWriter(redis, prefix, bed.repository, { intervalMs: 1000 });
    expect(await writer.flush()).toBeGreaterThanOrEqual(2);
    expect(await redis.xlen(sessionTurnStreamKey(prefix))).toBe(0);
    const stored = await bed.repository.history(id, { limit: 10 });
    expect(stored.map((turn) => (turn.messages[0] as { content: string }).content)).toStrictEqual(['before\uFFFDafter', 'plain']);
  });
});
