import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from './config-error';
import { flagFromEnv, intFromEnv } from './env-values';
import { loadPlatformEnv, parseEnv } from './platform-env';

const schema = z.object({ COUNT: intFromEnv(64), PORT: intFromEnv(8080, { min: 0, max: 65_535 }) });

describe('intFromEnv', () => {
  it.each([
    ['unset', {}, { COUNT: 64, PORT: 8080 }],
    ['empty, as compose passes an unset variable', { COUNT: '', PORT: '' }, { COUNT: 64, PORT: 8080 }],
    ['a number', { COUNT: '8', PORT: '0' }, { COUNT: 8, PORT: 0 }],
  ])('reads %s', (_label, source, expected) => {
    expect(parseEnv(schema, source)).toStrictEqual(expected);
  });

  it.each([
    ['zero where a positive number is asked for', { COUNT: '0' }, /COUNT/],
    ['a fraction', { COUNT: '1.5' }, /COUNT/],
    ['a word', { COUNT: 'many' }, /COUNT/],
    ['a value above the range', { PORT: '70000' }, /PORT/],
    ['a value below the range', { PORT: '-1' }, /PORT/],
  ])('refuses %s, naming the variable', (_label, source, variable) => {
    expect(() => parseEnv(schema, source)).toThrow(ConfigError);
    expect(() => parseEnv(schema, source)).toThrow(variable);
  });
});

describe('flagFromEnv', () => {
  const flags = z.object({ WARM: flagFromEnv(false), ON: flagFromEnv(true) });

  it.each([
    ['unset', {}, { WARM: false, ON: true }],
    ['empty, as compose passes an unset variable', { WARM: '', ON: '' }, { WARM: false, ON: true }],
    ['true and false', { WARM: 'true', ON: 'false' }, { WARM: true, ON: false }],
  ])('reads %s', (_label, source, expected) => {
    expect(parseEnv(flags, source)).toStrictEqual(expected);
  });

  it.each([['yes'], ['1'], ['TRUE']])('refuses %s, naming the variable and the values it takes', (value) => {
    expect(() => parseEnv(flags, { WARM: value })).toThrow(/WARM: must be true or false/);
  });
});

describe('loadPlatformEnv', () => {
  it('takes every empty integer variable as unset', () => {
    const env = loadPlatformEnv({
      PORT: '',
      WORKER_CONCURRENCY: '',
      WORKER_MAX_STALLED: '',
      JOB_ATTEMPTS: '',
      GATEWAY_PROCESSES: '',
      FILE_UPLOAD_MAX_BYTES: '',
      METRICS_PORT: '',
    });
    expect(env).toMatchObject({
      PORT: 8080,
      WORKER_CONCURRENCY: 64,
      WORKER_MAX_STALLED: 2,
      JOB_ATTEMPTS: 1,
      GATEWAY_PROCESSES: 1,
      FILE_UPLOAD_MAX_BYTES: 100 * 1024 * 1024,
    });
    expect(env.METRICS_PORT).toBeUndefined();
  });
});
