import { InvalidRequestError, RateLimitError } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { buildRejectedRecord, buildUsageRecord } from './build-usage-record';

const caller = { keyId: 'key-1', tenant: 'acme' };
const ids = { jobId: 'req_1', requestId: 'trace-1' };

describe(buildRejectedRecord.name, () => {
  it('records the model asked for, where it was routed and the refusal code', () => {
    const record = buildRejectedRecord({
      ...ids,
      caller,
      body: { model: 'fast', stream: true, messages: [] },
      route: { provider: 'groq', model: 'llama-3.1-8b-instant' },
      error: new RateLimitError('slow down'),
      receivedAt: Date.now(),
    });
    expect(record).toMatchObject({
      requestId: 'trace-1',
      jobId: 'req_1',
      keyId: 'key-1',
      tenant: 'acme',
      provider: 'groq',
      model: 'llama-3.1-8b-instant',
      publicModel: 'fast',
      status: 'rejected',
      errorCode: 'rate_limit_exceeded',
      streamed: true,
      totalTokens: 0,
      costUsd: null,
    });
  });

  it.each([
    ['a body that is not an object', 'not json'],
    ['a body with no model', { messages: [] }],
    ['a model that is not text', { model: 42 }],
  ])('leaves the model empty for %s', (_name, body) => {
    const record = buildRejectedRecord({ ...ids, caller, body, error: new InvalidRequestError('bad body'), receivedAt: Date.now() });
    expect(record).toMatchObject({ provider: null, model: null, publicModel: null, errorCode: 'invalid_request', streamed: false });
  });

  it('records an error that is not a Switchyard error as an internal error', () => {
    const record = buildRejectedRecord({ ...ids, caller, body: null, error: new TypeError('boom'), receivedAt: Date.now() });
    expect(record.errorCode).toBe('internal_error');
  });
});

describe(buildUsageRecord.name, () => {
  const payload = {
    v: 1 as const,
    kind: 'chat.completion' as const,
    requestId: 'trace-2',
    route: { publicModel: 'fast', provider: 'groq', model: 'llama-3.1-8b-instant' },
    request: { model: 'fast', messages: [{ role: 'user' as const, content: 'hi' }] },
    caller,
    enqueuedAt: Date.now() - 20,
  };
  const facts = { jobId: 'req_2', status: 'succeeded' as const, startedAt: Date.now() - 10, finishedAt: Date.now(), attempts: 1 };

  it('records the prompt a job was rendered from and what its structured answer took', () => {
    const record = buildUsageRecord(
      { ...payload, prompt: { name: 'ticket-summary', version: 3, variant: 'gemini-flash', label: 'production' } },
      { ...facts, structured: { mode: 'tool', repairs: 2, valid: true } },
    );
    expect(record).toMatchObject({
      promptName: 'ticket-summary',
      promptVersion: '3',
      promptVariant: 'gemini-flash',
      structuredMode: 'tool',
      structuredRepairs: 2,
      structuredValid: true,
    });
  });

  it('leaves them empty for a request with its own messages and no JSON response_format', () => {
    expect(buildUsageRecord(payload, facts)).toMatchObject({
      promptName: null,
      promptVersion: null,
      promptVariant: null,
      structuredMode: null,
      structuredRepairs: null,
      structuredValid: null,
    });
  });
});
