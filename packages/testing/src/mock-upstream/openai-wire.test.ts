import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockModelId } from './mock-behaviour';
import { type MockUpstream, startMockUpstream } from './mock-upstream-server';
import { mockPromptTokenCount, mockTokenCount } from './openai-wire';

const GREETING = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'Say hello to the whole world' },
];

async function collectStream(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>) {
  const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
  let text = '';
  let error: unknown;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta.content ?? '';
    }
  } catch (caught) {
    error = caught;
  }
  return { chunks, text, error };
}

describe('mock upstream through the OpenAI SDK', () => {
  let mock: MockUpstream;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockUpstream();
    client = new OpenAI({ apiKey: 'test', baseURL: `${mock.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await mock.close();
  });

  beforeEach(() => {
    mock.reset();
  });

  it('echoes the last user message with deterministic usage', async () => {
    const completion = await client.chat.completions.create({ model: 'echo', messages: GREETING });

    expect(completion.object).toBe('chat.completion');
    expect(completion.id).toMatch(/^chatcmpl-\w+$/);
    expect(completion.model).toBe('echo');
    expect(completion.system_fingerprint).toBe('fp_mock');
    expect(completion.choices).toEqual([
      expect.objectContaining({
        index: 0,
        message: expect.objectContaining({ role: 'assistant', content: 'Say hello to the whole world' }),
        finish_reason: 'stop',
        logprobs: null,
      }),
    ]);
    // (3 + 3 words) for the system message + (3 + 6 words) for the user message.
    expect(completion.usage).toEqual({ prompt_tokens: 15, completion_tokens: 6, total_tokens: 21 });
    expect(mockPromptTokenCount(GREETING)).toBe(15);
    expect(mockTokenCount('Say hello to the whole world')).toBe(6);
  });

  it('echoes the concatenated text parts of array content', async () => {
    const completion = await client.chat.completions.create({
      model: 'echo',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'first part, ' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
            { type: 'text', text: 'second part' },
          ],
        },
      ],
    });

    expect(completion.choices[0]?.message.content).toBe('first part, second part');
    expect(completion.usage).toEqual({ prompt_tokens: 7, completion_tokens: 4, total_tokens: 11 });
  });

  it.each([
    { param: 'max_tokens', limit: 3 },
    { param: 'max_completion_tokens', limit: 2 },
  ] as const)('truncates to $param=$limit and reports finish_reason length', async ({ param, limit }) => {
    const completion = await client.chat.completions.create({
      model: 'echo',
      messages: [{ role: 'user', content: 'one two three four five' }],
      [param]: limit,
    });

    expect(completion.choices[0]?.message.content).toBe('one two three four five'.split(' ').slice(0, limit).join(' '));
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage?.completion_tokens).toBe(limit);
  });

  it('returns n identical choices and bills each of them', async () => {
    const completion = await client.chat.completions.create({
      model: 'echo',
      n: 3,
      messages: [{ role: 'user', content: 'same again' }],
    });

    expect(completion.choices.map((choice) => [choice.index, choice.message.content])).toEqual([
      [0, 'same again'],
      [1, 'same again'],
      [2, 'same again'],
    ]);
    expect(completion.usage).toEqual({ prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 });
  });

  it('answers with the reply directive, percent-decoded', async () => {
    const completion = await client.chat.completions.create({
      model: mockModelId({ reply: 'fixed; reply = here' }),
      messages: [{ role: 'user', content: 'ignored' }],
    });

    expect(completion.choices[0]?.message.content).toBe('fixed; reply = here');
    expect(completion.usage?.completion_tokens).toBe(4);
  });

  it.each([
    { includeUsage: true, expectedUsage: { prompt_tokens: 15, completion_tokens: 6, total_tokens: 21 } },
    { includeUsage: false, expectedUsage: undefined },
  ])('streams the echo word by word (include_usage=$includeUsage)', async ({ includeUsage, expectedUsage }) => {
    const stream = await client.chat.completions.create({
      model: 'echo',
      messages: GREETING,
      stream: true,
      stream_options: { include_usage: includeUsage },
    });
    const { chunks, text, error } = await collectStream(stream);

    expect(error).toBeUndefined();
    expect(text).toBe('Say hello to the whole world');
    expect(chunks[0]?.choices[0]?.delta).toEqual(expect.objectContaining({ role: 'assistant', content: '' }));
    const contentDeltas = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content)).filter(Boolean);
    expect(contentDeltas).toEqual(['Say', ' hello', ' to', ' the', ' whole', ' world']);
    const finishReasons = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason)).filter(Boolean);
    expect(finishReasons).toEqual(['stop']);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.id === chunks[0]?.id)).toBe(true);

    const last = chunks.at(-1);
    if (expectedUsage === undefined) {
      expect(chunks.some((chunk) => chunk.usage)).toBe(false);
    } else {
      expect(last?.choices).toEqual([]);
      expect(last?.usage).toEqual(expectedUsage);
    }
  });

  it('keeps the exact whitespace of the echo when streaming', async () => {
    const original = '  spaced\tout \n text  ';
    const stream = await client.chat.completions.create({
      model: 'echo',
      messages: [{ role: 'user', content: original }],
      stream: true,
    });
    const { text, chunks } = await collectStream(stream);

    expect(text).toBe(original);
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length).toBe(3);
  });

  it('paces streamed chunks by the tps directive', async () => {
    const started = performance.now();
    const stream = await client.chat.completions.create({
      model: 'echo@tps=50',
      messages: [{ role: 'user', content: 'a b c d e' }],
      stream: true,
    });
    const { text } = await collectStream(stream);

    expect(text).toBe('a b c d e');
    // Five tokens at 50 per second take 100 ms; allow for timer granularity.
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('breaks a stream after the requested number of content chunks', async () => {
    const stream = await client.chat.completions.create({
      model: 'echo@break_after=3',
      messages: [{ role: 'user', content: 'one two three four five' }],
      stream: true,
    });
    const { text, chunks, error } = await collectStream(stream);

    expect(error).toBeInstanceOf(Error);
    expect(text).toBe('one two three');
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason)).toBe(false);
    // The mock cut the connection itself; that is not a client abort.
    expect(mock.abortedRequests).toBe(0);
  });

  it('breaks a paced stream too', async () => {
    const stream = await client.chat.completions.create({
      model: 'echo@break_after=2;tps=200',
      messages: [{ role: 'user', content: 'one two three four five' }],
      stream: true,
    });
    const { text, error } = await collectStream(stream);

    expect(error).toBeInstanceOf(Error);
    expect(text).toBe('one two');
  });

  it('records each chat completion request with its headers and body', async () => {
    await client.chat.completions.create({ model: 'echo', messages: GREETING, temperature: 0.5 });

    expect(mock.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/v1/chat/completions',
        body: { model: 'echo', messages: GREETING, temperature: 0.5 },
        headers: expect.objectContaining({ authorization: 'Bearer test' }),
        receivedAt: expect.any(Number),
      }),
    ]);
  });

  it('lists the echo model', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model);

    expect(models).toEqual([expect.objectContaining({ id: 'echo', object: 'model', owned_by: 'switchyard-mock' })]);
  });
});
