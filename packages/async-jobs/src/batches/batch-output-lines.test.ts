import { LLM_JOB_VERSION, type LlmJobPayload, ProviderError, ProviderErrorKind, serializeError, toHttpError } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { asExpired, outputLine } from './batch-output-lines';

const payload: LlmJobPayload = {
  v: LLM_JOB_VERSION,
  kind: 'chat.completion',
  requestId: 'job_1',
  route: { publicModel: 'mock-echo', provider: 'mock', model: 'echo' },
  request: { model: 'mock-echo', messages: [{ role: 'user', content: 'hi' }] },
  caller: { keyId: 'k', tenant: 't' },
  enqueuedAt: 0,
  batch: { id: 'batch_1', line: 0, customId: 'order-7' },
};

const completion = { id: 'c1', object: 'chat.completion' as const, created: 1, model: 'echo', choices: [] };
const upstream = new ProviderError({ kind: ProviderErrorKind.Server, provider: 'mock', message: 'boom', upstreamStatus: 500 });
const cancelledLine = {
  id: 'batch_req_job_1',
  custom_id: 'order-7',
  response: null,
  error: { code: 'batch_cancelled', message: 'The request was cancelled with its batch.' },
};

describe(outputLine.name, () => {
  it('writes a line that succeeded with its answer as a 200 response', () => {
    expect(outputLine(payload, 'job_1', { status: 'succeeded', result: completion })).toStrictEqual({
      id: 'batch_req_job_1',
      custom_id: 'order-7',
      response: { status_code: 200, request_id: 'job_1', body: completion },
      error: null,
    });
  });

  it.each([
    ['a serialized error', JSON.stringify(serializeError(upstream))],
    ['an error object', serializeError(upstream)],
  ])('writes a line that failed with %s as the HTTP error the gateway would have answered', (_, error) => {
    const http = toHttpError(upstream);
    expect(outputLine(payload, 'job_1', { status: 'failed', error })).toStrictEqual({
      id: 'batch_req_job_1',
      custom_id: 'order-7',
      response: { status_code: http.status, request_id: 'job_1', body: http.body },
      error: null,
    });
  });

  it('writes a line cancelled with its batch as a batch_cancelled error without a response', () => {
    expect(outputLine(payload, 'job_1', { status: 'cancelled' })).toStrictEqual(cancelledLine);
  });
});

describe(asExpired.name, () => {
  it('reports a line cancelled because the window passed as batch_expired', () => {
    expect(JSON.parse(asExpired(JSON.stringify(cancelledLine)))).toStrictEqual({
      ...cancelledLine,
      error: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' },
    });
  });

  it.each([
    ['a line that failed upstream', JSON.stringify({ id: 'x', response: { status_code: 502 }, error: null })],
    ['text that is not JSON', '{not json'],
  ])('leaves %s as it is', (_, line) => {
    expect(asExpired(line)).toBe(line);
  });
});
