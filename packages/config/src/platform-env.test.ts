import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error';
import { loadPlatformEnv } from './platform-env';

describe('SWITCHYARD_KEY_PREFIX', () => {
  it('is sy when unset', () => {
    expect(loadPlatformEnv({}).SWITCHYARD_KEY_PREFIX).toBe('sy');
  });

  it.each(['sy', 'switchyard-prod', '{sy}', '{sy-3f9a}'])('accepts %s', (prefix) => {
    expect(loadPlatformEnv({ SWITCHYARD_KEY_PREFIX: prefix }).SWITCHYARD_KEY_PREFIX).toBe(prefix);
  });

  it.each([
    ['', 'must not be empty'],
    ['my prefix', 'found " "'],
    ['{sy', 'a hash tag is "{", a non-empty tag, then "}" (e.g. {sy})'],
    ['{}', 'a hash tag is "{", a non-empty tag, then "}" (e.g. {sy})'],
    ['{sy}{eu}', 'at most one {hash tag}'],
  ])('refuses %j, naming the variable and what is wrong', (prefix, problem) => {
    const load = () => loadPlatformEnv({ SWITCHYARD_KEY_PREFIX: prefix });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow('SWITCHYARD_KEY_PREFIX: ');
    expect(load).toThrow(problem);
  });
});
