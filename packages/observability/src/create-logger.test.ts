import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactUrl } from './create-logger';

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
        .map((line) => JSON.parse(line)),
  };
}

describe('createLogger', () => {
  it('writes JSON lines with the service name and redacts secrets', () => {
    const out = capture();
    const logger = createLogger({ service: 'gateway', destination: out.stream });
    logger.info({ jobId: 'j1', headers: { authorization: 'Bearer sk-secret-1' }, provider: { apiKey: 'sk-secret-2' } }, 'job queued');
    const [line] = out.lines();
    expect(line).toMatchObject({ service: 'gateway', level: 'info', jobId: 'j1', msg: 'job queued' });
    expect(JSON.stringify(line)).not.toContain('sk-secret');
  });

  it('hides passwords in URLs', () => {
    expect(redactUrl('redis://:hunter2@cache:6379/0')).toBe('redis://:***@cache:6379/0');
  });
});
