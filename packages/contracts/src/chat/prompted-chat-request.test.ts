import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors';
import { parseAsyncJobBody } from '../jobs/async-job';
import { parseBatchInput } from '../jobs/batch';
import { isPromptedRequest, parseChatCompletionBody } from './prompted-chat-request';

function errorOf(parse: () => unknown): InvalidRequestError {
  try {
    parse();
  } catch (error) {
    if (error instanceof InvalidRequestError) return error;
    throw error;
  }
  throw new Error('expected the body to be refused');
}

describe('a body that names a stored prompt', () => {
  it('may leave out model and messages, and keeps the prompt for rendering', () => {
    const body = parseChatCompletionBody({ prompt: { name: 'support', label: 'beta', variables: { city: 'Oslo' } }, temperature: 0.5 });
    expect(isPromptedRequest(body)).toBe(true);
    expect(body).toStrictEqual({ prompt: { name: 'support', label: 'beta', variables: { city: 'Oslo' } }, temperature: 0.5 });
  });

  it('still needs model and messages without one, as OpenAI does', () => {
    expect(errorOf(() => parseChatCompletionBody({ messages: [{ role: 'user', content: 'hi' }] })).param).toBe('model');
    expect(isPromptedRequest(parseChatCompletionBody({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }))).toBe(false);
  });

  it('refuses a version and a label together, and fields a prompt does not have', () => {
    expect(errorOf(() => parseChatCompletionBody({ prompt: { name: 'p', version: 2, label: 'beta' } })).param).toBe('prompt.label');
    expect(errorOf(() => parseChatCompletionBody({ prompt: { name: 'p', vars: {} } })).param).toBe('prompt.vars');
    expect(errorOf(() => parseChatCompletionBody({ prompt: { name: 'p', version: 0 } })).param).toBe('prompt.version');
    expect(errorOf(() => parseChatCompletionBody({ prompt: { name: 'p', variables: [] } })).param).toBe('prompt.variables');
  });

  it('is accepted by POST /v1/jobs and in batch lines', () => {
    expect(parseAsyncJobBody({ prompt: { name: 'p' }, priority: 3 })).toStrictEqual({ request: { prompt: { name: 'p' } }, priority: 3 });
    const line = JSON.stringify({ custom_id: 'a', method: 'POST', url: '/v1/chat/completions', body: { prompt: { name: 'p', version: 1 } } });
    const bad = JSON.stringify({ custom_id: 'b', method: 'POST', url: '/v1/chat/completions', body: { prompt: {} } });
    const { lines, errors } = parseBatchInput(`${line}\n${bad}\n`);
    expect(lines).toStrictEqual([{ customId: 'a', request: { prompt: { name: 'p', version: 1 } }, lineNumber: 1 }]);
    expect(errors).toMatchObject([{ line: 2, param: 'body.prompt.name' }]);
  });
});
