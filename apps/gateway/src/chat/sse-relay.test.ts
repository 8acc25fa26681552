import type { ReplyMessage } from '@switchyard/queue';
import { describe, expect, it } from 'vitest';
import { SseRelay, type SseRelayOptions } from './sse-relay';

function relayWith(overrides: Partial<SseRelayOptions> = {}) {
  const abandoned: string[] = [];
  const outcomes: string[] = [];
  const relay = new SseRelay({
    jobId: 'job-1',
    provider: 'mock',
    model: 'echo',
    heartbeatMs: 10_000,
    maxBacklogBytes: 1024 * 1024,
    onAbandon: (reason) => abandoned.push(reason),
    onEnd: (outcome) => outcomes.push(outcome),
    ...overrides,
  });
  return { relay, abandoned, outcomes };
}

const part = (seq: number, last: boolean, body: string): ReplyMessage => ({
  jobId: 'job-1',
  ok: true,
  provider: 'backup',
  model: 'echo-2',
  body,
  part: { seq, last },
});

async function bodyText(relay: SseRelay): Promise<string> {
  let text = '';
  for await (const piece of relay.body) text += piece;
  return text;
}

describe(SseRelay.name, () => {
  it('opens with the route of the first part and writes the parts as they came', async () => {
    const { relay, outcomes } = relayWith();
    relay.message(part(0, false, 'data: {"a":1}\n\n'));
    relay.message(part(1, true, 'data: [DONE]\n\n'));
    await expect(relay.opened).resolves.toStrictEqual({ provider: 'backup', model: 'echo-2' });
    expect(await bodyText(relay)).toBe('data: {"a":1}\n\ndata: [DONE]\n\n');
    expect(outcomes).toStrictEqual(['completed']);
  });

  it('turns a failure before the first part into the error to answer with, not a stream', async () => {
    const { relay, abandoned } = relayWith();
    relay.message({
      jobId: 'job-1',
      ok: false,
      provider: 'mock',
      model: 'echo',
      body: JSON.stringify({ code: 'upstream_auth_failed', message: 'no', param: null, retryable: false }),
    });
    await expect(relay.opened).rejects.toMatchObject({ code: 'upstream_auth_failed' });
    // The job reported its own end: nothing to cancel.
    expect(abandoned).toStrictEqual([]);
  });

  it('ends with an error event and stops the job when a part is missing', async () => {
    const { relay, abandoned, outcomes } = relayWith();
    relay.message(part(0, false, 'data: {"a":1}\n\n'));
    relay.message(part(2, false, 'data: {"a":3}\n\n'));
    const text = await bodyText(relay);
    expect(text.startsWith('data: {"a":1}\n\ndata: {"error":')).toBe(true);
    expect(JSON.parse(text.split('\n\n')[1]?.slice(6) ?? '')).toMatchObject({ error: { code: 'stream_interrupted', type: 'upstream_error' } });
    expect(abandoned).toStrictEqual(['stream_interrupted']);
    expect(outcomes).toStrictEqual(['failed']);
  });

  it('opens with a heartbeat when the first part is slow, and sends one whenever the stream is idle', async () => {
    const { relay } = relayWith({ heartbeatMs: 30 });
    await expect(relay.opened).resolves.toStrictEqual({ provider: 'mock', model: 'echo' });
    let text = '';
    const read = (async () => {
      for await (const piece of relay.body) text += piece;
    })();
    await expect.poll(() => text.match(/: keep-alive\n\n/g)?.length ?? 0, { timeout: 5000, interval: 10 }).toBeGreaterThanOrEqual(2);
    relay.message(part(0, true, 'data: [DONE]\n\n'));
    await read;
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('cuts off a client that stops reading once its backlog passes the limit, and cancels the job', async () => {
    const { relay, abandoned, outcomes } = relayWith({ maxBacklogBytes: 64 * 1024 });
    const piece = `data: ${'x'.repeat(1000)}\n\n`;
    // Nobody reads `relay.body`, as with a client whose socket no longer drains.
    for (let seq = 0; seq < 100; seq++) relay.message(part(seq, false, piece));
    expect(abandoned).toStrictEqual(['client not reading']);
    expect(outcomes).toStrictEqual(['abandoned']);
    expect(relay.body.destroyed).toBe(true);
  });

  it('cancels the job when the client goes away, even before the first part', async () => {
    const { relay, abandoned } = relayWith();
    relay.clientGone();
    await expect(relay.opened).rejects.toMatchObject({ code: 'service_unavailable' });
    expect(abandoned).toStrictEqual(['client disconnected']);
    relay.message(part(0, false, 'late'));
    expect(abandoned).toHaveLength(1);
  });
});
