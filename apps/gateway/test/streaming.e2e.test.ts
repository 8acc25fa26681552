import { mockPromptTokenCount } from '@switchyard/testing';
import { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, postChat, startPlatform } from './platform-harness';

/** Reads a raw SSE response into its events (data lines) and comments. */
async function readEvents(response: Response): Promise<{ data: string[]; comments: string[] }> {
  const text = await response.text();
  const data: string[] = [];
  const comments: string[] = [];
  for (const block of text.split('\n\n')) {
    if (block.startsWith(':')) comments.push(block);
    else if (block.startsWith('data: ')) data.push(block.slice('data: '.length));
  }
  return { data, comments };
}

describe('streaming through the queue', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform();
  });

  afterAll(async () => {
    await platform.close();
  });

  it('gives the official SDK the same text as the plain call, and the usage chunk when asked', async () => {
    const messages = [{ role: 'user' as const, content: 'the quick brown fox jumps over the lazy dog' }];
    const plain = await platform.client.chat.completions.create({ model: 'mock-echo', messages });

    const { data: stream, response } = await platform.client.chat.completions
      .create({ model: 'mock-echo', messages, stream: true, stream_options: { include_usage: true } })
      .withResponse();
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('x-switchyard-provider')).toBe('mock');
    const jobId = response.headers.get('x-switchyard-job-id') ?? '';

    let text = '';
    const chunks = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe(plain.choices[0]?.message.content);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason === 'stop')).toBe(true);
    const last = chunks.at(-1);
    expect(last?.choices).toStrictEqual([]);
    expect(last?.usage).toStrictEqual(plain.usage);

    const row = await platform.usageRow(jobId);
    expect(row).toMatchObject({ status: 'succeeded', streamed: true, provider: 'mock', promptTokens: mockPromptTokenCount(messages) });
    expect(row.completionTokens).toBe(plain.usage?.completion_tokens);
    expect(row.firstTokenMs).not.toBeNull();
  });

  it('leaves the usage chunk out unless asked, and still records the tokens', async () => {
    const response = await postChat(platform, JSON.stringify({ model: 'mock-echo', messages: [{ role: 'user', content: 'no usage please' }], stream: true }));
    expect(response.status).toBe(200);
    const { data } = await readEvents(response);
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((line) => JSON.parse(line) as { usage?: unknown; choices: unknown[] });
    expect(chunks.every((chunk) => chunk.usage == null && chunk.choices.length === 1)).toBe(true);
    const row = await platform.usageRow(response.headers.get('x-switchyard-job-id') ?? '');
    expect(row.completionTokens).toBe(3);
  });

  it('cancels the job when the client disconnects: the upstream sees its connection closed and the row says cancelled', async () => {
    const words = Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ');
    const before = platform.mock.abortedRequests;
    const controller = new AbortController();
    const { data: stream, response } = await platform.client.chat.completions
      .create({ model: 'slow-stream', messages: [{ role: 'user', content: words }], stream: true }, { signal: controller.signal })
      .withResponse();
    const jobId = response.headers.get('x-switchyard-job-id') ?? '';
    let received = 0;
    // The SDK ends the iteration quietly on an abort of its own signal.
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) received++;
      if (received === 3) controller.abort();
    }
    // Chunks already read with the third may still come out of the SDK after the abort; the rest never do.
    expect(received).toBeGreaterThanOrEqual(3);
    expect(received).toBeLessThan(20);
    // The rest of the stream would take about 5 s: seen within 2 s, the upstream call was cut, not run out.
    await expect.poll(() => platform.mock.abortedRequests, { timeout: 2000, interval: 10 }).toBe(before + 1);
    const row = await platform.usageRow(jobId);
    expect(row.status).toBe('cancelled');
    expect(row.completionTokens).toBeGreaterThanOrEqual(3);
    expect(row.completionTokens).toBeLessThan(100);
  });

  it('falls back when the first provider fails before the first token', async () => {
    const { data: stream, response } = await platform.client.chat.completions
      .create({ model: 'chain-after-500', messages: [{ role: 'user', content: 'second time lucky' }], stream: true })
      .withResponse();
    expect(response.headers.get('x-switchyard-provider')).toBe('backup');
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('second time lucky');
    const row = await platform.usageRow(response.headers.get('x-switchyard-job-id') ?? '');
    expect(row).toMatchObject({ status: 'succeeded', provider: 'backup', streamed: true });
    expect(row.routeAttempts?.[0]).toMatchObject({ provider: 'mock', code: 'upstream_error' });
  });

  it('answers a failure before the first token with its HTTP status, as the plain call would', async () => {
    const request = platform.client.chat.completions.create({ model: 'bad-upstream-key', messages: [{ role: 'user', content: 'x' }], stream: true });
    await expect(request).rejects.toMatchObject({ status: 502, code: 'upstream_auth_failed' });
  });

  it('ends the stream with an OpenAI-style error event when the upstream breaks after the first token', async () => {
    const { data: stream, response } = await platform.client.chat.completions
      .create({ model: 'breaks-stream', messages: [{ role: 'user', content: 'one two three four five six' }], stream: true })
      .withResponse();
    let text = '';
    let failure: unknown;
    try {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    } catch (error) {
      failure = error;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toBe('one two three four five six');
    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).code).toBe('stream_interrupted');
    const row = await platform.usageRow(response.headers.get('x-switchyard-job-id') ?? '');
    expect(row).toMatchObject({ status: 'failed', errorCode: 'stream_interrupted', streamed: true });
  });

  it('keeps a stream open with heartbeat comments while the first token is slow', async () => {
    const response = await postChat(platform, JSON.stringify({ model: 'slow', messages: [{ role: 'user', content: 'take your time' }], stream: true }));
    expect(response.status).toBe(200);
    const { data, comments } = await readEvents(response);
    expect(comments.length).toBeGreaterThanOrEqual(2);
    expect(data.at(-1)).toBe('[DONE]');
    const text = data
      .slice(0, -1)
      .map((line) => (JSON.parse(line) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? '')
      .join('');
    expect(text).toBe('take your time');
  });

  it('delivers 200 concurrent streams whole and in order', async () => {
    const expected = Array.from({ length: 200 }, (_, i) => Array.from({ length: 12 }, (_, w) => `s${i}w${w}`).join(' '));
    const texts = await Promise.all(
      expected.map(async (content) => {
        const stream = await platform.client.chat.completions.create({ model: 'mock-echo', messages: [{ role: 'user', content }], stream: true });
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
        return text;
      }),
    );
    expect(texts).toStrictEqual(expected);
  });
});
