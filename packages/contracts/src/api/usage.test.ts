import { describe, expect, it } from 'vitest';
import { parseParameters } from './parse-request';
import { adminRequestsQuerySchema, adminUsageQuerySchema, encodeRequestCursor, requestsQuerySchema, usageQuerySchema } from './usage';

const DAY_MS = 24 * 3600 * 1000;

describe('usageQuerySchema', () => {
  it('reads the 7 days before now, by day, when given nothing', () => {
    const before = Date.now();
    const query = parseParameters(usageQuerySchema, {});
    expect(query.group_by).toBe('day');
    expect(query.end.getTime()).toBeGreaterThanOrEqual(before);
    expect(query.end.getTime() - query.start.getTime()).toBe(7 * DAY_MS);
  });

  it('counts the default start back from the end it was given', () => {
    expect(parseParameters(usageQuerySchema, { end: '2026-03-08T00:00:00Z', group_by: 'model' })).toStrictEqual({
      start: new Date('2026-03-01T00:00:00Z'),
      end: new Date('2026-03-08T00:00:00Z'),
      group_by: 'model',
    });
  });

  it.each([
    [{ start: 'yesterday' }, 'start', 'start must be an ISO 8601 date or time.'],
    [{ end: ['2026-01-01', '2026-01-02'] }, 'end', 'end must be an ISO 8601 date or time.'],
    [{ start: '2026-02-01', end: '2026-01-01' }, 'start', 'start must be before end, at most 366 days apart.'],
    [{ start: '2024-01-01', end: '2026-01-01' }, 'start', 'start must be before end, at most 366 days apart.'],
    [{ group_by: 'color' }, 'group_by', 'group_by must be one of: day, provider, model, key, user, tenant.'],
    [{ group_by: 'toString' }, 'group_by', 'group_by must be one of: day, provider, model, key, user, tenant.'],
    [{ end: 'soon', start: 'later' }, 'end', 'end must be an ISO 8601 date or time.'],
  ])('refuses %j naming %s', (query, param, message) => {
    expect(() => parseParameters(usageQuerySchema, query)).toThrow(expect.objectContaining({ param, message }));
  });

  it('checks the admin tenant before anything else', () => {
    expect(() => parseParameters(adminUsageQuerySchema, { tenant: 'x'.repeat(257), group_by: 'color' })).toThrow(
      expect.objectContaining({ param: 'tenant', message: 'tenant must be a short string.' }),
    );
    expect(parseParameters(adminUsageQuerySchema, { tenant: 'acme' }).tenant).toBe('acme');
  });
});

describe('requestsQuerySchema', () => {
  it('takes back the cursor it handed out, and a page of 50 by default', () => {
    const cursor = { at: '2026-01-01 00:00:00.123+00', id: 'job_1' };
    expect(parseParameters(requestsQuerySchema, { cursor: encodeRequestCursor(cursor), user: 'alice' })).toStrictEqual({ limit: 50, cursor, user: 'alice' });
  });

  it.each([
    [{ limit: '0' }, 'limit', 'limit must be a whole number from 1 to 500.'],
    [{ limit: '501' }, 'limit', 'limit must be a whole number from 1 to 500.'],
    [{ status: 'great' }, 'status', 'status must be one of: succeeded, failed, expired, cancelled, rejected.'],
    [{ status: ['failed', 'rejected'] }, 'status', 'status must be a short string.'],
    [{ status: 'x'.repeat(300) }, 'status', 'status must be a short string.'],
    [{ cursor: 'nonsense' }, 'cursor', 'cursor is not one this API handed out.'],
    [{ cursor: encodeRequestCursor({ at: 'never', id: 'job_1' }) }, 'cursor', 'cursor is not one this API handed out.'],
    [{ user: 'a\u0000b' }, 'user', 'user must be a short string.'],
    [{ model: 'x'.repeat(257) }, 'model', 'model must be a short string.'],
    [{ model: 'x'.repeat(257), limit: 'lots', status: 'great' }, 'limit', 'limit must be a whole number from 1 to 500.'],
  ])('refuses %j naming %s', (query, param, message) => {
    expect(() => parseParameters(requestsQuerySchema, query)).toThrow(expect.objectContaining({ param, message }));
  });

  it('narrows the admin read to a tenant, or leaves it across tenants', () => {
    expect(parseParameters(adminRequestsQuerySchema, { tenant: 'acme', limit: '500' })).toStrictEqual({ tenant: 'acme', limit: 500 });
    expect(parseParameters(adminRequestsQuerySchema, {})).toStrictEqual({ limit: 50 });
  });
});
