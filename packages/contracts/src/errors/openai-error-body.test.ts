import { describe, expect, it } from 'vitest';
import { ErrorCode } from './error-codes';
import { deserializeError, serializeError, toHttpError } from './openai-error-body';
import { GatewayTimeoutError } from './platform-errors';
import { ProviderError } from './provider-error';
import { ModelNotFoundError } from './request-errors';

describe('toHttpError', () => {
  it.each([
    [new ModelNotFoundError('nope'), 404, 'model_not_found', 'invalid_request_error'],
    [new ProviderError({ kind: 'server', provider: 'p', message: 'boom', upstreamStatus: 500 }), 502, 'upstream_error', 'upstream_error'],
    [new ProviderError({ kind: 'timeout', provider: 'p', message: 'slow' }), 504, 'upstream_timeout', 'timeout_error'],
    [new GatewayTimeoutError('job-1', 100), 504, 'gateway_timeout', 'timeout_error'],
    [new Error('secret sk-live-123 leaked'), 500, 'internal_error', 'server_error'],
  ])('maps %s once to status and body', (error, status, code, type) => {
    const http = toHttpError(error);
    expect(http.status).toBe(status);
    expect(http.body.error.code).toBe(code);
    expect(http.body.error.type).toBe(type);
    expect(Object.keys(http.body.error)).toEqual(expect.arrayContaining(['message', 'type', 'param', 'code']));
  });

  it('never exposes the message of an unexpected error', () => {
    expect(toHttpError(new Error('password=hunter2')).body.error.message).not.toContain('hunter2');
  });

  it('gives Retry-After in whole seconds', () => {
    const error = new ProviderError({ kind: 'rate_limited', provider: 'p', message: 'slow down', retryAfterMs: 1500 });
    expect(toHttpError(error).retryAfterSeconds).toBe(2);
  });

  it('survives a round trip through a job result', () => {
    const original = new GatewayTimeoutError('job-9', 50);
    const copy = deserializeError(JSON.parse(JSON.stringify(serializeError(original))));
    expect(copy.code).toBe(ErrorCode.GatewayTimeout);
    expect(toHttpError(copy)).toStrictEqual(toHttpError(original));
  });
});
