import { SwitchyardError } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { validateSplit } from './validate-split';

function paramOf(run: () => void): string | null {
  try {
    run();
  } catch (error) {
    if (SwitchyardError.isInstance(error)) return error.param;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('validateSplit', () => {
  it('accepts weights that add up to 100', () => {
    expect(() =>
      validateSplit([
        { version: 1, weight: 33.3 },
        { version: 2, weight: 33.3 },
        { version: 3, weight: 33.4 },
      ]),
    ).not.toThrow();
  });

  it.each([
    ['weights under 100', [{ version: 1, weight: 90 }], 'split'],
    [
      'weights over 100',
      [
        { version: 1, weight: 90 },
        { version: 2, weight: 20 },
      ],
      'split',
    ],
    ['no arms', [], 'split'],
    [
      'a negative weight',
      [
        { version: 1, weight: 110 },
        { version: 2, weight: -10 },
      ],
      'split[1].weight',
    ],
    ['version 0', [{ version: 0, weight: 100 }], 'split[0].version'],
    [
      'one version twice',
      [
        { version: 1, weight: 50 },
        { version: 1, weight: 50 },
      ],
      'split[1].version',
    ],
  ])('rejects %s, naming the field', (_, split, param) => {
    expect(paramOf(() => validateSplit(split))).toBe(param);
  });
});
