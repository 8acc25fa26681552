/** The prefix of every Redis key and channel a deployment uses (`SWITCHYARD_KEY_PREFIX`). */
export const DEFAULT_KEY_PREFIX = 'sy';

const PLAIN = /^[A-Za-z0-9_.-]*$/;
const WITH_HASH_TAG = /^[A-Za-z0-9_.-]*\{[A-Za-z0-9_.-]+\}[A-Za-z0-9_.-]*$/;
const OUTSIDE = /[^A-Za-z0-9_.{}-]/;

/**
 * Why `prefix` cannot start a deployment's keys, or undefined when it can.
 * Letters, digits, `.`, `_` and `-`, with at most one Redis Cluster hash tag
 * (`{sy}`): keys then hash on the tag alone, so all of them share one slot
 * and every multi-key script stays on one node. A second brace pair, an
 * empty or unbalanced one would leave the keys spread over slots; spaces,
 * `:` and glob characters would blur where the prefix ends and what
 * `SCAN MATCH <prefix>:*` finds.
 */
export function keyPrefixProblem(prefix: string): string | undefined {
  if (prefix === '') return 'must not be empty';
  const stray = OUTSIDE.exec(prefix);
  if (stray !== null) return `letters, digits, ".", "_" and "-" only, with at most one {hash tag}; found ${JSON.stringify(stray[0])}`;
  if (PLAIN.test(prefix) || WITH_HASH_TAG.test(prefix)) return undefined;
  const braces = prefix.replace(/[^{}]/g, '').length;
  if (braces > 2) return 'at most one {hash tag}: a second brace pair would not be the tag Redis Cluster hashes on';
  return 'a hash tag is "{", a non-empty tag, then "}" (e.g. {sy})';
}
