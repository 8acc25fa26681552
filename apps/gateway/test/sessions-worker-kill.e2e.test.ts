import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnWorker, type WorkerProcess } from './app-process';
import { type Platform, startPlatform } from './platform-harness';
import { createSession, historyOf, say, sendTurn } from './session-api';

describe('a session turn whose worker dies mid-turn', () => {
  let platform: Platform;
  const spawned: WorkerProcess[] = [];

  beforeAll(async () => {
    // Short locks so a dead worker's job is noticed in about a second; callers wait out a replacement worker's start on a busy machine.
    // A 1 s lock: tokenizers load at start, so a first prompt count cannot pause a worker into a lost lock.
    platform = await startPlatform({
      worker: false,
      requestTimeoutMs: 30_000,
      env: { WORKER_LOCK_MS: '1000', WORKER_STALLED_CHECK_MS: '500', WORKER_WARM_TOKENIZERS: 'true' },
    });
  });

  afterAll(async () => {
    for (const worker of spawned) worker.child.kill('SIGKILL');
    await platform.close();
  });

  it('completes once: the caller gets its answer, the history has the turn once, and the next turn follows it', async () => {
    const id = await createSession(platform, { model: 'slow', system: 'Keep count.' });
    const first = await spawnWorker(platform.env);
    spawned.push(first);
    const answer = sendTurn(platform, id, say('survive the crash'));
    await expect.poll(() => platform.mock.requests.length, { timeout: 5000, interval: 20 }).toBe(1);

    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    spawned.push(await spawnWorker(platform.env));

    const turn = await answer;
    expect(turn.status).toBe(200);
    expect(turn.body.choices?.[0]?.message.content).toBe('survive the crash');
    expect(await historyOf(platform, id)).toStrictEqual([
      expect.objectContaining({
        turn: 1,
        messages: [
          { role: 'user', content: 'survive the crash' },
          { role: 'assistant', content: 'survive the crash' },
        ],
      }),
    ]);

    // The session is not held by the dead worker's turn: the next one runs at once and sees the first.
    const next = await sendTurn(platform, id, say('and then this'));
    expect(next.status).toBe(200);
    const last = platform.mock.requests.at(-1)?.body as { messages: { content: string }[] };
    expect(last.messages.map((message) => message.content)).toStrictEqual(['Keep count.', 'survive the crash', 'survive the crash', 'and then this']);
    expect((await historyOf(platform, id)).map((entry) => entry.turn)).toStrictEqual([1, 2]);
  }, 60_000);
});
