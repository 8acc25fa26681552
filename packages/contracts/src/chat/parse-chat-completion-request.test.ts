import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors';
import { MAX_JSON_DEPTH } from './bounded-json-object';
import { parseChatCompletionRequest } from './parse-chat-completion-request';

const valid = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

function errorOf(body: unknown): InvalidRequestError {
  try {
    parseChatCompletionRequest(body);
  } catch (error) {
    if (error instanceof InvalidRequestError) return error;
    throw error;
  }
  throw new Error('expected the body to be refused');
}

describe('parseChatCompletionRequest', () => {
  it('accepts every message role, content parts and the common parameters', () => {
    const body = {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'developer', content: [{ type: 'text', text: 'dev' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'result' },
      ],
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 10,
      max_completion_tokens: 12,
      stop: ['\n'],
      n: 2,
      seed: 7,
      response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' }, strict: true } },
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      user: 'u-1',
      metadata: { team: 'search' },
    };
    expect(parseChatCompletionRequest(body)).toStrictEqual(body);
  });

  it.each([
    ['a non-object body', [], null, /JSON object/],
    ['missing messages', { model: 'm' }, 'messages', /messages/],
    ['empty messages', { model: 'm', messages: [] }, 'messages', /at least one message/],
    ['missing model', { messages: valid.messages }, 'model', /model/],
    ['a numeric model', { ...valid, model: 42 }, 'model', /string/],
    ['an unknown role', { model: 'm', messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role', /one of: system/],
    ['a tool message without tool_call_id', { model: 'm', messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id', /string/],
    ['temperature out of range', { ...valid, temperature: 3 }, 'temperature', /2/],
    ['a string temperature', { ...valid, temperature: 'hot' }, 'temperature', /number/],
    ['a fractional max_tokens', { ...valid, max_tokens: 1.5 }, 'max_tokens', /int/],
    ['five stop sequences', { ...valid, stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop', /.+/],
    ['an unknown response_format', { ...valid, response_format: { type: 'xml' } }, 'response_format.type', /json_schema/],
    ['an unknown field', { ...valid, temprature: 1 }, 'temprature', /Unrecognized request argument supplied: temprature/],
    ['a bad content part', { model: 'm', messages: [{ role: 'user', content: [{ type: 'video' }] }] }, 'messages[0].content', /.+/],
  ])('refuses %s, naming the field', (_label, body, param, message) => {
    const error = errorOf(body);
    expect(error.code).toBe('invalid_request');
    if (param !== null) expect(error.param).toContain(param);
    expect(error.message).toMatch(message);
  });

  // Built as text and parsed, as the gateway receives it: building it as an object would itself recurse.
  const nested = (levels: number): unknown => JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);

  it.each([
    [
      'tool parameters',
      (deep: unknown) => ({ ...valid, tools: [{ type: 'function', function: { name: 'f', parameters: { x: deep } } }] }),
      'tools[0].function.parameters',
    ],
    [
      'a response schema',
      (deep: unknown) => ({ ...valid, response_format: { type: 'json_schema', json_schema: { name: 's', schema: { x: deep } } } }),
      'response_format.json_schema.schema',
    ],
    ['a prediction', (deep: unknown) => ({ ...valid, prediction: { content: deep } }), 'prediction'],
  ])('refuses %s nested 10^5 levels deep, naming the field, and takes them 64 levels deep', (_label, body, param) => {
    const error = errorOf(body(nested(100_000)));
    expect(error.param).toBe(param);
    expect(error.message).toMatch(/nested more than 64 levels/);
    // The field itself is the first level.
    expect(() => parseChatCompletionRequest(body(nested(MAX_JSON_DEPTH - 1)))).not.toThrow();
    expect(errorOf(body(nested(MAX_JSON_DEPTH))).param).toBe(param);
  });
});
