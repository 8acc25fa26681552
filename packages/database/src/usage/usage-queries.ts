import type { RequestRow, UsageGroup } from '@switchyard/contracts';

export type { RequestRow };

import type { DataSource } from 'typeorm';

/** The column each of the usage API's groupings groups by. */
export const USAGE_GROUPS = {
  day: "to_char(date_trunc('day', created_at), 'YYYY-MM-DD')",
  provider: 'provider',
  model: 'public_model',
  key: 'key_id',
  user: 'user_id',
  tenant: 'tenant',
} as const satisfies Record<UsageGroup, string>;

/** One group's totals: the seed dashboards' figures. */
export interface UsageTotals {
  group: string | null;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost_usd: number;
  avg_latency_ms: number | null;
  p95_latency_ms: number | null;
  cache_hit_rate: number;
  error_rate: number;
}

/** Whose rows: one tenant's, or (for the admin API) every tenant's. */
export type TenantScope = string | { allTenants: true };

export interface RequestFilter {
  user?: string;
  model?: string;
  status?: string;
}

const ROW_FIELDS = `job_id AS id, request_id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at, tenant, key_id, user_id AS "user",
  provider, model, public_model, status, error_code, prompt_tokens, completion_tokens, total_tokens, cost_usd::float8 AS cost_usd, latency_ms,
  queue_wait_ms, upstream_latency_ms, first_token_ms, cache_hit, streamed, attempts, route_attempts,
  prompt_name, CASE WHEN prompt_version ~ '^[0-9]{1,9}$' THEN prompt_version::int END AS prompt_version, prompt_variant,
  structured_mode, structured_repairs, structured_valid, session_id, created_at::text AS sort_at`;

/** The first condition of every query, and its parameters: a tenant's rows, or every row for the admin API. */
function scoped(scope: TenantScope): { conditions: string[]; values: unknown[] } {
  return typeof scope === 'string' ? { conditions: ['tenant = $1'], values: [scope] } : { conditions: ['TRUE'], values: [] };
}

/** Reads of `llm_requests` for the usage API; every query is scoped to one tenant unless the admin API asks for all. */
export class UsageQueries {
  constructor(private readonly dataSource: DataSource) {}

  async totals(scope: TenantScope, range: { from: Date; to: Date }, group: UsageGroup): Promise<UsageTotals[]> {
    const { conditions, values } = scoped(scope);
    values.push(range.from, range.to);
    const rows = (await this.dataSource.query(
      `SELECT ${USAGE_GROUPS[group]} AS "group",
              count(*)::int AS requests,
              coalesce(sum(prompt_tokens), 0)::int AS prompt_tokens,
              coalesce(sum(completion_tokens), 0)::int AS completion_tokens,
              coalesce(sum(total_tokens), 0)::int AS total_tokens,
              coalesce(sum(cost_usd), 0)::float8 AS cost_usd,
              round(avg(latency_ms))::int AS avg_latency_ms,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms)::int AS p95_latency_ms,
              (count(*) FILTER (WHERE cache_hit))::float8 / count(*) AS cache_hit_rate,
              (count(*) FILTER (WHERE status IN ('failed', 'expired')))::float8 / count(*) AS error_rate
         FROM llm_requests
        WHERE ${conditions.join(' AND ')} AND created_at >= $${values.length - 1} AND created_at < $${values.length}
        GROUP BY 1 ORDER BY 1`,
      values,
    )) as UsageTotals[];
    return rows;
  }

  async request(scope: TenantScope, id: string): Promise<RequestRow | undefined> {
    const { conditions, values } = scoped(scope);
    values.push(id);
    const where = `${conditions.join(' AND ')} AND (job_id = $${values.length} OR request_id = $${values.length})`;
    const [row] = (await this.dataSource.query(`SELECT ${ROW_FIELDS} FROM llm_requests WHERE ${where} ORDER BY created_at LIMIT 1`, values)) as (RequestRow & {
      sort_at?: unknown;
    })[];
    if (row === undefined) return undefined;
    const { sort_at: _sortAt, ...request } = row;
    return request;
  }

  /** Newest first; `cursor` is the previous page's `next_cursor`. */
  async requests(
    scope: TenantScope,
    filter: RequestFilter,
    page: { limit: number; cursor?: { at: string; id: string } },
  ): Promise<{ rows: RequestRow[]; next: { at: string; id: string } | null }> {
    const { conditions, values } = scoped(scope);
    const add = (sql: string, value: unknown) => {
      values.push(value);
      conditions.push(sql.replace('?', `$${values.length}`));
    };
    if (filter.user !== undefined) add('user_id = ?', filter.user);
    if (filter.model !== undefined) add('public_model = ?', filter.model);
    if (filter.status !== undefined) add('status = ?', filter.status);
    if (page.cursor !== undefined) {
      values.push(page.cursor.at, page.cursor.id);
      conditions.push(`(created_at, job_id) < ($${values.length - 1}::timestamptz, $${values.length})`);
    }
    values.push(page.limit + 1);
    const rows = (await this.dataSource.query(
      `SELECT ${ROW_FIELDS} FROM llm_requests WHERE ${conditions.join(' AND ')} ORDER BY created_at DESC, job_id DESC LIMIT $${values.length}`,
      values,
    )) as (RequestRow & { sort_at: string })[];
    const more = rows.length > page.limit;
    const kept = rows.slice(0, page.limit);
    const last = kept.at(-1);
    return {
      rows: kept.map(({ sort_at: _sortAt, ...request }) => request),
      // Postgres's own text of the time keeps its microseconds, so the next page starts exactly after this one.
      next: more && last !== undefined ? { at: last.sort_at, id: last.id } : null,
    };
  }
}
