import { describe, expect, it } from 'vitest';
import { clusterKeySlot } from './cluster-key-slot';

// Slots as Redis 7's `CLUSTER KEYSLOT` answers them, with the cluster specification's hash tag examples.
describe('clusterKeySlot', () => {
  it.each([
    ['123456789', 12739],
    ['foo', 12182],
    ['somekey', 11058],
    ['é', 10180],
    // The tag alone is hashed.
    ['{foo}bar', 12182],
    ['{user1000}.following', 3443],
    ['{user1000}.followers', 3443],
    // An empty first tag: the whole key is hashed.
    ['foo{}{bar}', 8363],
    ['{}', 15257],
    // The tag ends at the first '}' after the first '{'.
    ['foo{{bar}}zap', 4015],
    ['foo{bar}{zap}', 5061],
    ['{sy}:llm:openai:wait', 12980],
  ])('puts %s in slot %i', (key, slot) => {
    expect(clusterKeySlot(key)).toBe(slot);
  });
});
