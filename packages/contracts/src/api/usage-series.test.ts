import { describe, expect, it } from 'vitest';
import { parseParameters } from './parse-request';
import { adminUsageSeriesQuerySchema, usageSeriesQuerySchema } from './usage-series';

describe('usageSeriesQuerySchema', () => {
  it('reads the 24 hours before now, by hour, ungrouped, when given nothing', () => {
    const query = parseParameters(usageSeriesQuerySchema, {});
    expect(query.interval).toBe('hour');
    expect(query.group_by).toBeUndefined();
    expect(query.to.getTime() - query.from.getTime()).toBe(24 * 3600 * 1000);
  });

  it('counts the default from back from the to it was given', () => {
    expect(parseParameters(usageSeriesQuerySchema, { to: '2026-03-08T00:00:00Z', interval: 'day', group_by: 'user' })).toStrictEqual({
      from: new Date('2026-03-07T00:00:00Z'),
      to: new Date('2026-03-08T00:00:00Z'),
      interval: 'day',
      group_by: 'user',
    });
  });

  it.each([
    [{ from: 'yesterday' }, 'from', 'from must be an ISO 8601 date or time.'],
    [{ to: ['2026-01-01', '2026-01-02'] }, 'to', 'to must be an ISO 8601 date or time.'],
    [{ from: '2026-02-01', to: '2026-01-01' }, 'from', 'from must be before to, at most 400 days apart.'],
    [{ from: '2025-01-01', to: '2026-02-06' }, 'from', 'from must be before to, at most 400 days apart.'],
    [{ interval: 'minute' }, 'interval', 'interval must be one of: hour, day.'],
    [{ group_by: 'tenant' }, 'group_by', 'group_by must be one of: model, provider, key, user.'],
  ])('refuses %j naming %s', (query, param, message) => {
    expect(() => parseParameters(usageSeriesQuerySchema, query)).toThrow(expect.objectContaining({ param, message }));
  });

  it('takes 400 days, and a tenant on the admin route', () => {
    expect(parseParameters(usageSeriesQuerySchema, { from: '2025-01-01T00:00:00Z', to: '2026-02-05T00:00:00Z' }).interval).toBe('hour');
    expect(parseParameters(adminUsageSeriesQuerySchema, { tenant: 'acme' }).tenant).toBe('acme');
  });
});
