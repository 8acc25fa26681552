import { describe, expect, it } from 'vitest';
import { keyPrefixProblem } from './key-prefix';

describe('keyPrefixProblem', () => {
  it.each(['sy', 'switchyard-prod.eu_1', '{sy}', '{sy-3f9a}', 'prod{sy}', '{sy}.eu'])('accepts %s', (prefix) => {
    expect(keyPrefixProblem(prefix)).toBeUndefined();
  });

  it.each([
    ['', 'must not be empty'],
    ['my prefix', 'letters, digits, ".", "_" and "-" only, with at most one {hash tag}; found " "'],
    ['sy:prod', 'letters, digits, ".", "_" and "-" only, with at most one {hash tag}; found ":"'],
    ['sy*', 'letters, digits, ".", "_" and "-" only, with at most one {hash tag}; found "*"'],
    ['{sy', 'a hash tag is "{", a non-empty tag, then "}" (e.g. {sy})'],
    ['sy}', 'a hash tag is "{", a non-empty tag, then "}" (e.g. {sy})'],
    ['}sy{', 'a hash tag is "{", a non-empty tag, then "}" (e.g. {sy})'],
    ['{}', 'a hash tag is "{", a non-empty tag, then "}" (e.g. {sy})'],
    ['{{sy}}', 'at most one {hash tag}: a second brace pair would not be the tag Redis Cluster hashes on'],
    ['{sy}{eu}', 'at most one {hash tag}: a second brace pair would not be the tag Redis Cluster hashes on'],
  ])('refuses %j: %s', (prefix, problem) => {
    expect(keyPrefixProblem(prefix)).toBe(problem);
  });
});
