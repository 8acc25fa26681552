import { InvalidRequestError, NotFoundError } from '@switchyard/contracts';
import { REQUEST_STATUSES, type TenantScope, USAGE_GROUPS, type UsageGroup, type UsageQueries } from '@switchyard/database';
import { listLimit } from '../list-limit';

const DAY_MS = 24 * 3600 * 1000;
const MAX_RANGE_MS = 366 * DAY_MS;

export interface UsageQuery {
  start?: unknown;
  end?: unknown;
  group_by?: unknown;
}

export interface RequestsQuery {
  limit?: unknown;
  cursor?: unknown;
  user?: unknown;
  model?: unknown;
  status?: unknown;
}

function dateParam(value: unknown, name: string, fallback: Date): Date {
  if (value === undefined) return fallback;
  const date = typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) throw new InvalidRequestError(`${name} must be an ISO 8601 date or time.`, { param: name });
  return date;
}

export function optionalText(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > 256 || value.includes('\u0000')) throw new InvalidRequestError(`${name} must be a short string.`, { param: name });
  return value;
}

/**
 * The usage API's reads, for a tenant (`/v1`) or for the operator across
 * tenants (`/admin`): the same parameters, checked the same way.
 */
export class UsageReads {
  constructor(private readonly queries: UsageQueries) {}

  /** Totals grouped by day, provider, model, key, user or tenant over [start, end) (default: the last 7 days). */
  async totals(scope: TenantScope, query: UsageQuery) {
    const end = dateParam(query.end, 'end', new Date());
    const start = dateParam(query.start, 'start', new Date(end.getTime() - 7 * DAY_MS));
    if (start >= end || end.getTime() - start.getTime() > MAX_RANGE_MS) {
      throw new InvalidRequestError('start must be before end, at most 366 days apart.', { param: 'start' });
    }
    const group = query.group_by ?? 'day';
    if (typeof group !== 'string' || !(group in USAGE_GROUPS)) {
      throw new InvalidRequestError(`group_by must be one of: ${Object.keys(USAGE_GROUPS).join(', ')}.`, { param: 'group_by' });
    }
    const data = await this.queries.totals(scope, { from: start, to: end }, group as UsageGroup);
    return { object: 'usage', start: start.toISOString(), end: end.toISOString(), group_by: group, data };
  }

  /** Requests newest first, by cursor; filter by user, model (the public name) and status. */
  async requests(scope: TenantScope, query: RequestsQuery) {
    const limit = listLimit(query.limit, 50, 500);
    const status = optionalText(query.status, 'status');
    if (status !== undefined && !(REQUEST_STATUSES as readonly string[]).includes(status)) {
      throw new InvalidRequestError(`status must be one of: ${REQUEST_STATUSES.join(', ')}.`, { param: 'status' });
    }
    let cursor: { at: string; id: string } | undefined;
    if (query.cursor !== undefined) {
      try {
        cursor = JSON.parse(Buffer.from(String(query.cursor), 'base64url').toString('utf8')) as { at: string; id: string };
        if (typeof cursor.at !== 'string' || typeof cursor.id !== 'string' || Number.isNaN(new Date(cursor.at).getTime())) throw new Error('bad cursor');
      } catch {
        throw new InvalidRequestError('cursor is not one this API handed out.', { param: 'cursor' });
      }
    }
    const user = optionalText(query.user, 'user');
    const model = optionalText(query.model, 'model');
    const page = await this.queries.requests(
      scope,
      { ...(user === undefined ? {} : { user }), ...(model === undefined ? {} : { model }), ...(status === undefined ? {} : { status }) },
      { limit, ...(cursor === undefined ? {} : { cursor }) },
    );
    return {
      object: 'list',
      data: page.rows,
      has_more: page.next !== null,
      next_cursor: page.next === null ? null : Buffer.from(JSON.stringify(page.next)).toString('base64url'),
    };
  }

  async request(scope: TenantScope, id: string) {
    const row = await this.queries.request(scope, id);
    if (row === undefined) throw new NotFoundError(`No request with id '${id}'.`);
    return row;
  }
}
