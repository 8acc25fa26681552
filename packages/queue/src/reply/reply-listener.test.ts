import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplyListener } from './reply-listener';
import { encodeReply, type ReplyMessage } from './reply-message';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `sytest-${randomUUID().slice(0, 8)}`;

describe(ReplyListener.name, () => {
  let subscriber: Redis;
  let publisher: Redis;
  let listener: ReplyListener;
  const name = `switchyard:test-replies:${prefix}`;

  beforeAll(async () => {
    // A slow reconnect leaves a window in which published replies are lost, as in a real outage.
    subscriber = new Redis(url, { connectionName: name, retryStrategy: () => 400 });
    publisher = new Redis(url);
    listener = await ReplyListener.start(subscriber, prefix);
  });

  afterAll(async () => {
    await listener.close();
    publisher.disconnect();
  });

  const reply = (jobId: string): ReplyMessage => ({ jobId, ok: true, provider: 'mock', model: 'echo', body: '{"id":"x"}' });

  it('hands each reply to the request waiting for that job', async () => {
    const first = listener.wait('job-a', 2000);
    const second = listener.wait('job-b', 2000);
    await publisher.publish(listener.channel, encodeReply(reply('job-b')));
    await publisher.publish(listener.channel, encodeReply({ ...reply('job-a'), body: '{"id":"a"}' }));
    expect((await first).body).toBe('{"id":"a"}');
    expect((await second).jobId).toBe('job-b');
    expect(listener.pending).toBe(0);
  });

  it('times out with a 504 error naming the job', async () => {
    await expect(listener.wait('job-slow', 50)).rejects.toMatchObject({ code: 'gateway_timeout', details: { job_id: 'job-slow' } });
  });

  it('recovers a reply published while its subscription was down, from the queue', async () => {
    let finished: ReplyMessage | undefined;
    const waiting = listener.wait('job-c', 5000, async () => finished);
    const dropped = new Promise((resolve) => subscriber.once('end', resolve).once('close', resolve));
    const clients = (await publisher.client('LIST')) as string;
    const id = clients
      .split('\n')
      .find((line) => line.includes(`name=${name}`))
      ?.match(/id=(\d+)/)?.[1];
    expect(id).toBeDefined();
    await publisher.client('KILL', 'ID', id as string);
    await dropped;
    // Published into the void: nobody is subscribed during the reconnect delay.
    finished = reply('job-c');
    await publisher.publish(listener.channel, encodeReply(finished));
    expect((await waiting).jobId).toBe('job-c');
  });

  it('asks again when the job finishes only after the subscription is back', async () => {
    let finished: ReplyMessage | undefined;
    const waiting = listener.wait('job-d', 5000, async () => finished);
    const clients = (await publisher.client('LIST')) as string;
    const id = clients
      .split('\n')
      .find((line) => line.includes(`name=${name}`))
      ?.match(/id=(\d+)/)?.[1];
    const back = new Promise((resolve) => subscriber.once('ready', resolve));
    await publisher.client('KILL', 'ID', id as string);
    await publisher.publish(listener.channel, encodeReply(reply('job-d')));
    await back;
    // The job is marked finished a little after the reconnect, as when BullMQ's bookkeeping trails the reply.
    setTimeout(() => {
      finished = reply('job-d');
    }, 100);
    expect((await waiting).jobId).toBe('job-d');
  });

  /** A sink that keeps what it was given. */
  function collect() {
    const parts: ReplyMessage[] = [];
    const errors: Error[] = [];
    return { parts, errors, sink: { message: (reply: ReplyMessage) => parts.push(reply), error: (error: Error) => errors.push(error) } };
  }

  const part = (jobId: string, seq: number, last: boolean, body: string): ReplyMessage => ({ ...reply(jobId), body, part: { seq, last } });

  it('hands a stream its parts in order and lets go after the last', async () => {
    const { parts, errors, sink } = collect();
    listener.listen('job-s', 2000, sink);
    await publisher.publish(listener.channel, encodeReply(part('job-s', 0, false, 'data: a\n\n')));
    await publisher.publish(listener.channel, encodeReply(part('job-s', 1, true, 'data: [DONE]\n\n')));
    await publisher.publish(listener.channel, encodeReply(part('job-s', 2, false, 'late')));
    await expect.poll(() => parts.length).toBe(2);
    expect(parts.map((p) => [p.part, p.body])).toStrictEqual([
      [{ seq: 0, last: false }, 'data: a\n\n'],
      [{ seq: 1, last: true }, 'data: [DONE]\n\n'],
    ]);
    expect(errors).toStrictEqual([]);
    expect(listener.pending).toBe(0);
  });

  it('times a stream out on silence between parts, not on its length', async () => {
    const { parts, errors, sink } = collect();
    // Parts every 200 ms for 2.4 s against a 1.5 s idle limit: the stream outlives the limit, and no gap
    // reaches it even when a busy machine stretches one several times over.
    listener.listen('job-t', 1500, sink);
    for (let seq = 0; seq < 12; seq++) {
      await publisher.publish(listener.channel, encodeReply(part('job-t', seq, false, 'x')));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(errors).toStrictEqual([]);
    await expect.poll(() => errors.length, { timeout: 5000 }).toBe(1);
    expect(parts).toHaveLength(12);
    expect(errors[0]).toMatchObject({ code: 'gateway_timeout' });
  });

  it('ends a stream with an error when its subscription reconnects, since parts may have been lost', async () => {
    const { errors, sink } = collect();
    listener.listen('job-u', 5000, sink);
    const clients = (await publisher.client('LIST')) as string;
    const id = clients
      .split('\n')
      .find((line) => line.includes(`name=${name}`))
      ?.match(/id=(\d+)/)?.[1];
    await publisher.client('KILL', 'ID', id as string);
    await expect.poll(() => errors.length, { timeout: 3000 }).toBe(1);
    expect(errors[0]).toMatchObject({ code: 'service_unavailable', details: { job_id: 'job-u' } });
  });
});
