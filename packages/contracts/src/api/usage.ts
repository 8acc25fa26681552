import { z } from 'zod';
import { instantSchema, listLimitSchema, shortTextSchema } from './query-parameters';

/** How a request ended. `rejected`: refused by the gateway before it reached a queue (invalid body, unknown model, queue down). */
export const REQUEST_STATUSES = ['succeeded', 'failed', 'expired', 'cancelled', 'rejected'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** What `GET /v1/usage` totals may be grouped by. */
export const USAGE_GROUPINGS = ['day', 'provider', 'model', 'key', 'user', 'tenant'] as const;
export type UsageGroup = (typeof USAGE_GROUPINGS)[number];

const DAY_MS = 24 * 3600 * 1000;
const MAX_RANGE_MS = 366 * DAY_MS;

/** The admin API's narrowing to one tenant; without it, every tenant's rows. */
export const adminTenantFilter = { tenant: shortTextSchema('tenant').optional().describe('Only this tenant.') };

// End before start: the default start is counted back from the end.
const usageFields = {
  end: instantSchema('end', 'ISO 8601; the first instant not counted (default: now).'),
  start: instantSchema('start', 'ISO 8601; the first instant counted (default: 7 days before end).'),
  group_by: z
    .enum(USAGE_GROUPINGS, { error: `group_by must be one of: ${USAGE_GROUPINGS.join(', ')}.` })
    .default('day')
    .describe('day, provider, model, key, user or tenant.'),
};

/** [start, end): by default the 7 days before now. */
function withDefaultRange<Query extends { start?: Date | undefined; end?: Date | undefined }>({ start, end, ...rest }: Query) {
  const to = end ?? new Date();
  return { ...rest, start: start ?? new Date(to.getTime() - 7 * DAY_MS), end: to };
}

const inRange = ({ start, end }: { start: Date; end: Date }) => start < end && end.getTime() - start.getTime() <= MAX_RANGE_MS;
const RANGE_ERROR = { error: 'start must be before end, at most 366 days apart.', path: ['start'] };

/** `GET /v1/usage`: totals over [start, end), grouped. */
export const usageQuerySchema = z.object(usageFields).transform(withDefaultRange).refine(inRange, RANGE_ERROR);
/** `GET /admin/usage`: the same, across tenants or for one. */
export const adminUsageQuerySchema = z
  .object({ ...adminTenantFilter, ...usageFields })
  .transform(withDefaultRange)
  .refine(inRange, RANGE_ERROR);

export type UsageQuery = z.infer<typeof usageQuerySchema>;
export type AdminUsageQuery = z.infer<typeof adminUsageQuerySchema>;

/** Where the next page of `/v1/requests` starts: the last row's time and id. */
export interface RequestCursor {
  at: string;
  id: string;
}

const CURSOR_ERROR = 'cursor is not one this API handed out.';

/** The cursor `next_cursor` carries: opaque to callers, base64url JSON to the API. */
export function encodeRequestCursor(cursor: RequestCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeRequestCursor(text: string): RequestCursor | undefined {
  try {
    const cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as RequestCursor;
    if (typeof cursor.at === 'string' && typeof cursor.id === 'string' && !Number.isNaN(new Date(cursor.at).getTime())) return cursor;
  } catch {
    // Not JSON: not a cursor either.
  }
  return undefined;
}

const statusError = `status must be one of: ${REQUEST_STATUSES.join(', ')}.`;
const statusText = shortTextSchema('status');

const requestsFields = {
  limit: listLimitSchema(50, 500),
  status: z
    // Text that is not a short string is refused as such, before the list of statuses.
    .enum(REQUEST_STATUSES, { error: (issue) => statusText.safeParse(issue.input).error?.issues[0]?.message ?? statusError })
    .optional()
    .describe('Only requests that ended so.'),
  cursor: z
    .string({ error: CURSOR_ERROR })
    .transform((text, context) => {
      const cursor = decodeRequestCursor(text);
      if (cursor === undefined) context.addIssue({ code: 'custom', message: CURSOR_ERROR });
      return cursor ?? z.NEVER;
    })
    .optional()
    .describe("A previous page's `next_cursor`."),
  user: shortTextSchema('user').optional().describe('Only requests of this end user.'),
  model: shortTextSchema('model').optional().describe('Only requests for this model.'),
};

/** `GET /v1/requests`: newest first, by cursor, filtered by user, model (the public name) and status. */
export const requestsQuerySchema = z.object(requestsFields);
/** `GET /admin/requests`: the same, across tenants or for one. */
export const adminRequestsQuerySchema = z.object({ ...adminTenantFilter, ...requestsFields });
/** `GET /admin/requests/{id}`. */
export const adminRequestQuerySchema = z.object(adminTenantFilter);

export type RequestsQuery = z.infer<typeof requestsQuerySchema>;
export type AdminRequestsQuery = z.infer<typeof adminRequestsQuerySchema>;
export type AdminRequestQuery = z.infer<typeof adminRequestQuerySchema>;

/** One row of `GET /v1/requests`: what a request cost and how it went, never its text. */
export interface RequestRow {
  id: string;
  request_id: string;
  created_at: string;
  tenant: string;
  key_id: string | null;
  user: string | null;
  provider: string | null;
  model: string | null;
  public_model: string | null;
  status: string;
  error_code: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost_usd: number | null;
  latency_ms: number;
  queue_wait_ms: number | null;
  upstream_latency_ms: number | null;
  first_token_ms: number | null;
  cache_hit: boolean;
  streamed: boolean;
  attempts: number;
  route_attempts: unknown;
  /** The stored prompt the request was rendered from, so versions can be told apart row by row. */
  prompt_name: string | null;
  prompt_version: number | null;
  prompt_variant: string | null;
  /** How its structured answer was asked for and checked; null when it asked for none. */
  structured_mode: string | null;
  structured_repairs: number | null;
  structured_valid: boolean | null;
  /** The session the request was a turn of; null outside any session. */
  session_id: string | null;
}
