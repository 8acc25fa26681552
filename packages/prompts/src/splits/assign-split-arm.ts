import { createHash } from 'node:crypto';
import type { SplitArm } from '../store/prompt-records';

/**
 * Picks the arm of a split for one caller. The same key and prompt always land
 * on the same arm (so a user keeps seeing one version), and keys spread over
 * the arms in proportion to their weights. The prompt name is hashed in so a
 * user in the 10% of one prompt is not in the 10% of every prompt.
 */
export function assignSplitArm(split: readonly SplitArm[], stickinessKey: string, promptName: string): SplitArm {
  const first = split[0];
  if (first === undefined) throw new Error('A split needs at least one arm.');
  const point = pointInHundred(stickinessKey, promptName);
  let upTo = 0;
  for (const arm of split) {
    upTo += arm.weight;
    if (point < upTo) return arm;
  }
  // Only reached when rounding leaves the weights a hair under 100.
  return split[split.length - 1] ?? first;
}

/** A point in [0, 100) from the first 48 bits of SHA-256: uniform enough, and exact in a double. */
function pointInHundred(stickinessKey: string, promptName: string): number {
  const digest = createHash('sha256').update(promptName).update('\0').update(stickinessKey).digest();
  return (digest.readUIntBE(0, 6) / 2 ** 48) * 100;
}
