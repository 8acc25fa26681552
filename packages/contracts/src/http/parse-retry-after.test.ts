import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryAfterFromHeaders } from './parse-retry-after';

const NOW = Date.parse('2025-01-01T00:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['delay-seconds', '120', 120_000],
    ['zero seconds', '0', 0],
    ['seconds with surrounding spaces', ' 12 ', 12_000],
    ['an HTTP date ahead', 'Wed, 01 Jan 2025 00:00:30 GMT', 30_000],
    ['an obsolete RFC 850 date ahead', 'Wednesday, 01-Jan-25 00:00:30 GMT', 30_000],
    ['an HTTP date already past', 'Tue, 31 Dec 2024 00:00:00 GMT', 0],
    ['negative seconds', '-5', 0],
  ])('reads %s', (_label, value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it.each([
    ['garbage', 'soon'],
    ['a fraction of seconds', '1.5'],
    ['an exponent', '1e3'],
    ['hex', '0x10'],
    ['infinity', 'Infinity'],
    ['an empty value', ''],
    ['blanks', '   '],
    ['no header', null],
    ['no value', undefined],
  ])('leaves %s unread', (_label, value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});

describe('retryAfterFromHeaders', () => {
  it.each([
    ['retry-after-ms before retry-after', { 'retry-after-ms': '1500', 'retry-after': '3' }, 1500],
    ['retry-after without retry-after-ms', { 'retry-after': '3' }, 3000],
    ['retry-after when retry-after-ms is empty', { 'retry-after-ms': '', 'retry-after': '3' }, 3000],
    ['retry-after when retry-after-ms is not a number', { 'retry-after-ms': 'soon', 'retry-after': '3' }, 3000],
    ['a negative retry-after-ms as 0', { 'retry-after-ms': '-20' }, 0],
    ['an HTTP date', { 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }, 30_000],
    ['nothing from headers without either', {}, undefined],
  ])('reads %s', (_label, headers, expected) => {
    expect(retryAfterFromHeaders(new Headers(headers), NOW)).toBe(expected);
  });

  it('reads nothing when the error carried no headers', () => {
    expect(retryAfterFromHeaders(undefined, NOW)).toBeUndefined();
  });
});
