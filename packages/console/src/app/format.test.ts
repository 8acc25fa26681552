import { describe, expect, it } from 'vitest';
import { formatUsd } from './format';

describe('formatUsd', () => {
  it('shows a few tokens’ cost with three significant digits, not as $0.0000', () => {
    expect(formatUsd(0.0000325)).toBe('$0.0000325');
    expect(formatUsd(0.00421)).toBe('$0.00421');
    expect(formatUsd(3.2e-9)).toBe('$0.00000000320');
  });

  it('keeps cents and four places above a cent', () => {
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(0.5)).toBe('$0.5000');
    expect(formatUsd(12.345)).toBe('$12.35');
    expect(formatUsd(null)).toBe('–');
  });
});
