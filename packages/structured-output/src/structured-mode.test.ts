import { PROVIDER_KINDS } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { structuredModeFor } from './structured-mode';

describe('structuredModeFor', () => {
  it.each(PROVIDER_KINDS)('picks native for %s when nothing is configured or auto is', (kind) => {
    expect(structuredModeFor(kind)).toBe('native');
    expect(structuredModeFor(kind, 'auto')).toBe('native');
  });

  it('lets a model’s configured mode win', () => {
    expect(structuredModeFor('gemini', 'tool')).toBe('tool');
    expect(structuredModeFor('tgi', 'instructions')).toBe('instructions');
    expect(structuredModeFor('openai', 'native')).toBe('native');
  });
});
