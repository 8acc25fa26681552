import { describe, expect, it } from 'vitest';
import { defaultModelsDir, defaultThreads } from './embedded-settings';

describe('embedded defaults', () => {
  it.each([
    [1, 1],
    [2, 1],
    [3, 2],
    [64, 2],
  ])('runs a model on %i cores with %i threads, leaving a core free where there is one to spare', (cores, threads) => {
    expect(defaultThreads(cores)).toBe(threads);
  });

  it('keeps downloaded models where SWITCHYARD_MODELS_DIR says, else in the user cache', () => {
    expect(defaultModelsDir({ SWITCHYARD_MODELS_DIR: '/srv/models' })).toBe('/srv/models');
    expect(defaultModelsDir({})).toMatch(/\.cache\/switchyard\/models$/);
  });
});
