import { describe, expect, it } from 'vitest';
import { formatUsd, formatUsdTick } from './format';

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

describe('formatUsdTick', () => {
  it('tells small ticks apart', () => {
    expect([0, 0.0005, 0.001, 0.0015].map(formatUsdTick)).toStrictEqual(['$0', '$0.0005', '$0.001', '$0.0015']);
    expect(formatUsdTick(12)).toBe('$12');
  });
});
