import { InvalidRequestError } from '@switchyard/contracts';
import type { SplitArm } from '../store/prompt-records';

/** Weights are percentages; this much slack lets 33.3/33.3/33.4 through. */
const TOLERANCE = 1e-6;

/** Throws a 400 naming the arm at fault unless the split is arms of distinct versions whose weights add up to 100. */
export function validateSplit(split: readonly SplitArm[]): void {
  if (split.length === 0) throw new InvalidRequestError('A split needs at least one version.', { param: 'split' });
  const seen = new Set<number>();
  split.forEach((arm, index) => {
    if (!Number.isInteger(arm.version) || arm.version < 1) {
      throw new InvalidRequestError(`split[${index}].version must be a positive integer.`, { param: `split[${index}].version` });
    }
    if (seen.has(arm.version)) {
      throw new InvalidRequestError(`Version ${arm.version} appears twice in the split.`, { param: `split[${index}].version` });
    }
    seen.add(arm.version);
    if (!Number.isFinite(arm.weight) || arm.weight < 0) {
      throw new InvalidRequestError(`split[${index}].weight must be a number from 0 to 100.`, { param: `split[${index}].weight` });
    }
  });
  const total = split.reduce((sum, arm) => sum + arm.weight, 0);
  if (Math.abs(total - 100) > TOLERANCE) {
    throw new InvalidRequestError(`The weights of a split must add up to 100, not ${total}.`, { param: 'split' });
  }
}
