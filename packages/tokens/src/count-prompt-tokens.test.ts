import type { ChatCompletionRequest } from '@switchyard/contracts';
import cl100k from 'gpt-tokenizer/encoding/cl100k_base';
import o200k from 'gpt-tokenizer/encoding/o200k_base';
import { computeChatCompletionTokenCount, type ChatCompletionRequest as LibraryRequest } from 'gpt-tokenizer/functionCalling';
import { describe, expect, it } from 'vitest';
import { approximatePromptTokens, countPromptTokens } from './count-prompt-tokens';

const hello: ChatCompletionRequest = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'Hello!' },
  ],
};

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Look up the weather for a city.',
    parameters: {
      type: 'object',
      required: ['city'],
      properties: {
        city: { type: 'string', description: 'The city name' },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        days: { type: 'integer' },
        hourly: { type: 'boolean' },
        tags: { type: 'array', items: { type: 'string' } },
        where: { type: 'object', properties: { lat: { type: 'number' }, lon: { type: 'number' } } },
      },
    },
  },
};

/** gpt-tokenizer's own implementation of the same accounting, for requests both can express. */
function libraryCount(request: LibraryRequest, encoding: typeof o200k): number {
  return computeChatCompletionTokenCount(request, (text) => encoding.countTokens(text));
}

describe('countPromptTokens', () => {
  it('adds the chat format: 3 a message, 3 to prime the reply', () => {
    // system: 3 + "system" 1 + "You are a helpful assistant." 6; user: 3 + "user" 1 + "Hello!" 2; reply: 3.
    expect(countPromptTokens(hello, 'gpt-4o-mini')).toStrictEqual({ tokens: 19, tokenizer: 'o200k_base' });
  });

  it('agrees with gpt-tokenizer on messages with names, in both encodings', () => {
    const messages = [
      { role: 'system' as const, content: 'You translate corporate jargon into plain English.' },
      { role: 'user' as const, name: 'example_user', content: 'New synergies will help drive top-line growth.' },
      { role: 'assistant' as const, name: 'example_assistant', content: 'Things working well together will increase revenue.' },
      { role: 'user' as const, content: "This late pivot means we don't have time to boil the ocean for the client deliverable." },
    ];
    expect(countPromptTokens({ model: 'x', messages }, 'gpt-4o').tokens).toBe(libraryCount({ messages }, o200k));
    expect(countPromptTokens({ model: 'x', messages }, 'gpt-4-turbo')).toStrictEqual({ tokens: libraryCount({ messages }, cl100k), tokenizer: 'cl100k_base' });
  });

  it('agrees with gpt-tokenizer on tool definitions and tool choice', () => {
    const request: ChatCompletionRequest = {
      ...hello,
      tools: [weatherTool, { type: 'function', function: { name: 'now' } }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    };
    const functions = [weatherTool.function, { name: 'now' }] as LibraryRequest['functions'];
    expect(countPromptTokens(request, 'gpt-4o').tokens).toBe(
      libraryCount({ messages: hello.messages as LibraryRequest['messages'], functions, function_call: { name: 'get_weather' } }, o200k),
    );
    const none = { ...request, messages: [{ role: 'user' as const, content: 'Hi' }], tool_choice: 'none' as const };
    expect(countPromptTokens(none, 'gpt-4o').tokens).toBe(libraryCount({ messages: none.messages, functions, function_call: 'none' }, o200k));
  });

  it('counts the text parts of multi-part content and leaves images out', () => {
    const parts: ChatCompletionRequest = {
      model: 'x',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Hello' },
            { type: 'image_url', image_url: { url: 'https://example.test/cat.png' } },
            { type: 'text', text: ' world' },
          ],
        },
      ],
    };
    const plain: ChatCompletionRequest = { model: 'x', messages: [{ role: 'user', content: 'Hello world' }] };
    expect(countPromptTokens(parts, 'gpt-4o').tokens).toBe(countPromptTokens(plain, 'gpt-4o').tokens);
  });

  it('counts tool calls and tool results', () => {
    const call = { id: 'call_1', type: 'function' as const, function: { name: 'get_weather', arguments: '{"city":"Paris"}' } };
    const before = countPromptTokens(hello, 'gpt-4o').tokens;
    const after = countPromptTokens(
      {
        ...hello,
        messages: [
          ...hello.messages,
          { role: 'assistant', content: null, tool_calls: [call, { ...call, id: 'call_2' }] },
          { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
        ],
      },
      'gpt-4o',
    ).tokens;
    const perCall = o200k.countTokens('get_weather') + o200k.countTokens('{"city":"Paris"}') + 3;
    expect(after - before).toBe(3 + 1 + 2 * perCall + (3 + 1 + o200k.countTokens('18°C')));
  });

  it('approximates models whose tokenizer it does not ship with cl100k_base, and says so', () => {
    const counted = countPromptTokens(hello, 'llama-3.1-8b-instant');
    expect(counted).toStrictEqual({ tokens: countPromptTokens(hello, 'gpt-4').tokens, tokenizer: 'approximate' });
  });

  it('takes malformed and deeply nested tool schemas without failing', () => {
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 5_000; i++) deep = { type: 'object', properties: { x: deep } };
    const tools = [
      {
        type: 'function' as const,
        function: {
          name: 'odd',
          parameters: { type: 'object', properties: { a: null, b: 'text', c: { type: ['string', 'null'] }, d: { type: 'string', enum: 'x' } }, required: 'a' },
        },
      },
      { type: 'function' as const, function: { name: 'deep', parameters: deep } },
    ];
    const counted = countPromptTokens({ ...hello, tools }, 'gpt-4o');
    expect(counted.tokens).toBeGreaterThan(countPromptTokens(hello, 'gpt-4o').tokens);
  });

  it('costs well under a millisecond for a typical request', () => {
    const request: ChatCompletionRequest = {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are a support assistant for an online bookshop. Answer briefly and cite the order number when there is one.' },
        {
          role: 'user',
          content:
            'Hi, I ordered three books last Tuesday (order 48213) and only two arrived. The missing one is "The Left Hand of Darkness". Can you check where it is?',
        },
        {
          role: 'assistant',
          content: 'Sorry about that. Order 48213 shipped in two parcels; the second left our warehouse on Friday and should arrive by Wednesday.',
        },
        { role: 'user', content: 'Thanks. If it does not arrive by Wednesday, can I get a refund for that book instead of a replacement?' },
      ],
      tools: [weatherTool],
      max_tokens: 256,
    };
    for (let i = 0; i < 200; i++) countPromptTokens(request, 'gpt-4o-mini');
    const runs = 2_000;
    const started = performance.now();
    for (let i = 0; i < runs; i++) countPromptTokens(request, 'gpt-4o-mini');
    const microseconds = ((performance.now() - started) * 1000) / runs;
    // About 30-50 µs from the built package under plain node (o200k_base, 4 messages and a tool, ~500
    // characters); several times that under vitest's transform. The bound catches a regression, not noise.
    expect(microseconds).toBeLessThan(1_000);
  });
});

describe(approximatePromptTokens.name, () => {
  it('counts four characters a token with the same per-message accounting: a little over the exact count for English', () => {
    const prose: ChatCompletionRequest = {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You summarise support tickets in one plain sentence for the on-call engineer.' },
        {
          role: 'user',
          content: 'The export job has failed three nights in a row with a timeout after the database migration on Monday; customers see stale reports.',
        },
      ],
    };
    const exact = countPromptTokens(prose, 'gpt-4o-mini').tokens;
    const approximate = approximatePromptTokens(prose);
    // Charged up front and corrected later, so erring high is the safe side.
    expect(approximate).toBeGreaterThanOrEqual(exact);
    expect(approximate).toBeLessThan(exact * 1.4);
    // Text outside ASCII is not under-counted: Chinese runs near a token a character.
    const chinese: ChatCompletionRequest = {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: '请把这张工单总结成一句话，给值班工程师看。导出任务连续三晚超时失败。' }],
    };
    expect(approximatePromptTokens(chinese)).toBeGreaterThanOrEqual(countPromptTokens(chinese, 'gpt-4o-mini').tokens);
    // The fixed terms are the same: an empty user message is 3 (priming) + 3 (message) + 1 (role "user").
    expect(approximatePromptTokens({ model: 'x', messages: [{ role: 'user', content: '' }] })).toBe(7);
  });
});
