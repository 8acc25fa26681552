import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './create-logger';
import { reportErrors } from './report-errors';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
  };
}

describe('reportErrors', () => {
  it('logs each error message once while it repeats, and says when the connection is back', () => {
    const out = capture();
    const connection = new EventEmitter();
    reportErrors(connection, createLogger({ service: 'gateway', destination: out.stream }), 'redis connection error');
    // A dead Redis fails every reconnect attempt with the same message.
    for (let i = 0; i < 50; i++) connection.emit('error', new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    connection.emit('error', new Error('NOAUTH Authentication required.'));
    connection.emit('ready');
    connection.emit('error', new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    expect(out.lines().map((line) => [line.level, line.msg, (line.err as { message?: string } | undefined)?.message])).toEqual([
      ['error', 'redis connection error', 'connect ECONNREFUSED 127.0.0.1:6379'],
      ['error', 'redis connection error', 'NOAUTH Authentication required.'],
      ['info', 'connected again', undefined],
      ['error', 'redis connection error', 'connect ECONNREFUSED 127.0.0.1:6379'],
    ]);
  });
});
