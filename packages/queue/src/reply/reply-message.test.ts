import { describe, expect, it } from 'vitest';
import { decodeReply, encodeReply, type ReplyMessage } from './reply-message';

describe('reply messages', () => {
  const base: ReplyMessage = { jobId: 'job-1', ok: true, provider: 'mock', model: 'echo', body: 'data: {"a":"b\\nc"}\n\n' };

  it.each([
    ['a completion', base],
    ['a failure', { ...base, ok: false, body: '{"code":"upstream_error"}' }],
    ['a stream part', { ...base, part: { seq: 7, last: false } }],
    ['the last stream part', { ...base, part: { seq: 0, last: true } }],
    ['a structured answer', { ...base, structured: { mode: 'tool' as const, repairs: 2, valid: true } }],
  ])('round-trips %s, body untouched', (_label, reply) => {
    expect(decodeReply(encodeReply(reply))).toStrictEqual(reply);
  });

  it.each([
    ['no separators'],
    ['job\nx\nmock\necho\nbody'],
    ['job\nc-1\nmock\necho\nbody'],
    ['job\nc\nmock\necho\nbody'],
    ['job\n1;grammar;1\nmock\necho\nbody'],
  ])('refuses %j', (message) => {
    expect(decodeReply(message)).toBeUndefined();
  });
});
