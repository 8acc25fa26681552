import type { LlmJobPayload } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { useSessionTestBed } from '../session-test-bed.test-support';
import { SessionTurns } from './session-turns';

const usage = { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 };

describe(SessionTurns.name, () => {
  const bed = useSessionTestBed();

  async function turnJob(id: string, content: string): Promise<LlmJobPayload> {
    const entry = await bed.state.enter(id, 'acme', true);
    if (entry.kind !== 'ok') throw new Error(entry.kind);
    return {
      v: 1,
      kind: 'chat.completion',
      requestId: `req_${entry.ticket}`,
      route: { publicModel: 'mock-echo', provider: 'mock', model: 'echo' },
      request: { model: 'mock-echo', messages: [{ role: 'user', content }] },
      caller: { keyId: 'k', tenant: 'acme' },
      enqueuedAt: Date.now(),
      deadline: Date.now() + 5000,
      session: { id, ticket: entry.ticket },
    };
  }

  it("puts the system prompt and the history in front of the turn's input", async () => {
    const id = await bed.newSession();
    const turns = new SessionTurns(bed.state, bed.repository, { leaseMs: 60_000 });
    const first = await turns.prepare(await turnJob(id, 'hello'), false);
    if (first.kind !== 'run') throw new Error(first.kind);
    await turns.commit(first.payload, { role: 'assistant', content: 'hi' }, usage, 'req_1');
    // A second worker, which holds no window yet, gets all of it from Redis; the first gets only what it has not seen.
    for (const worker of [turns, new SessionTurns(bed.state, bed.repository, { leaseMs: 60_000 })]) {
      const job = await turnJob(id, 'again');
      const next = await worker.prepare(job, false);
      expect(next.kind === 'run' ? next.payload.request.messages : []).toStrictEqual([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hello' },
        { role: 'assistant', content: 'hi' },
        { role: 'user', content: 'again' },
      ]);
      expect(next.kind === 'run' ? next.payload.session?.windowed : undefined).toStrictEqual({ inputFrom: 3, windowStart: 0 });
      await bed.state.release(id, job.session?.ticket ?? 0);
    }
  });

  it('answers a job run again after its turn was committed with that turn, not a second call', async () => {
    const id = await bed.newSession();
    const turns = new SessionTurns(bed.state, bed.repository, { leaseMs: 60_000 });
    const job = await turnJob(id, 'only once');
    const prepared = await turns.prepare(job, false);
    if (prepared.kind !== 'run') throw new Error(prepared.kind);
    await turns.commit(prepared.payload, { role: 'assistant', content: 'the answer' }, usage, 'req_1');
    // The worker died before finishing the job: BullMQ runs it again, with the payload it was queued with.
    const again = await new SessionTurns(bed.state, bed.repository, { leaseMs: 60_000 }).prepare(job, true);
    expect(again.kind).toBe('answered');
    expect(again.kind === 'answered' ? again.turn.messages.at(-1) : undefined).toStrictEqual({ role: 'assistant', content: 'the answer' });
  });

  it('fails a turn whose earlier turn does not end before its deadline', async () => {
    const id = await bed.newSession();
    const turns = new SessionTurns(bed.state, bed.repository, { leaseMs: 60_000 });
    await turnJob(id, 'holds the session');
    const late = { ...(await turnJob(id, 'waits')), deadline: Date.now() + 200 };
    await expect(turns.prepare(late, false)).rejects.toMatchObject({ code: 'service_unavailable' });
  });
});
