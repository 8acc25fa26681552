import type { DataSource } from 'typeorm';

/** One prompt version's rows in a range, summed in SQL: what its stats and significance tests are computed from. */
export interface PromptVersionTotals {
  /** `prompt_version` as recorded: the version number as text, or null. */
  version: string | null;
  requests: number;
  errors: number;
  latency_p50: number | null;
  latency_p95: number | null;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost_usd: number;
  structured_requests: number;
  /** Structured answers whose validity was recorded, and of them the valid ones. */
  structured_checked: number;
  structured_valid: number;
  /** Structured requests that took at least one repair or re-ask. */
  structured_repaired: number;
  feedback_count: number;
  feedback_scored: number;
  feedback_mean: number | null;
  /** Sample variance of the scores (null with fewer than two). */
  feedback_variance: number | null;
}

/**
 * Which rows count: every row of the tenant that names the prompt and was
 * created in [from, to), whatever its status; an error is a failed or expired
 * request, as in `/v1/usage`. Latency percentiles are over succeeded requests
 * only: a refusal's few milliseconds or a timeout's minutes say nothing about
 * how fast a version answers. Feedback counts for the version of the request it
 * names (by request id or job id, within the tenant); a feedback whose id names
 * several rows (a reused x-request-id) counts once, for the earliest.
 */
const PROMPT_STATS_SQL = `
WITH prompt_rows AS (
  SELECT request_id, job_id, prompt_version, status, latency_ms, prompt_tokens, completion_tokens, total_tokens, cost_usd,
         structured_mode, structured_valid, structured_repairs, created_at
    FROM llm_requests
   WHERE tenant = $1 AND prompt_name = $2 AND created_at >= $3 AND created_at < $4
),
requests AS (
  SELECT prompt_version AS version,
         count(*)::int AS requests,
         (count(*) FILTER (WHERE status IN ('failed', 'expired')))::int AS errors,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE status = 'succeeded') AS latency_p50,
         percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE status = 'succeeded') AS latency_p95,
         coalesce(sum(prompt_tokens), 0)::float8 AS prompt_tokens,
         coalesce(sum(completion_tokens), 0)::float8 AS completion_tokens,
         coalesce(sum(total_tokens), 0)::float8 AS total_tokens,
         coalesce(sum(cost_usd), 0)::float8 AS cost_usd,
         (count(*) FILTER (WHERE structured_mode IS NOT NULL))::int AS structured_requests,
         (count(*) FILTER (WHERE structured_valid IS NOT NULL))::int AS structured_checked,
         (count(*) FILTER (WHERE structured_valid))::int AS structured_valid,
         (count(*) FILTER (WHERE structured_mode IS NOT NULL AND structured_repairs > 0))::int AS structured_repaired
    FROM prompt_rows GROUP BY prompt_version
),
scored AS (
  SELECT DISTINCT ON (f.id) f.id, f.score, r.prompt_version AS version
    FROM prompt_rows r JOIN feedback f ON f.tenant = $1 AND f.request_id IN (r.request_id, r.job_id)
   WHERE $5::text IS NULL OR f.label = $5
   ORDER BY f.id, r.created_at
),
feedback AS (
  SELECT version, count(*)::int AS feedback_count, count(score)::int AS feedback_scored,
         avg(score)::float8 AS feedback_mean, var_samp(score)::float8 AS feedback_variance
    FROM scored GROUP BY version
)
SELECT r.*, coalesce(f.feedback_count, 0) AS feedback_count, coalesce(f.feedback_scored, 0) AS feedback_scored, f.feedback_mean, f.feedback_variance
  FROM requests r LEFT JOIN feedback f ON f.version IS NOT DISTINCT FROM r.version
 ORDER BY CASE WHEN r.version ~ '^[0-9]+$' THEN r.version::numeric END NULLS LAST, r.version`;

/** Reads of `llm_requests` and `feedback` for a prompt's stats; every query is scoped to one tenant. */
export class PromptStatsQueries {
  constructor(private readonly dataSource: DataSource) {}

  /** Per version, oldest first; `label` narrows the feedback counted to that label. */
  async versions(tenant: string, prompt: string, range: { from: Date; to: Date }, label: string | null): Promise<PromptVersionTotals[]> {
    return (await this.dataSource.query(PROMPT_STATS_SQL, [tenant, prompt, range.from, range.to, label])) as PromptVersionTotals[];
  }

  /** Whether the tenant has ever sent a request rendered from this prompt. */
  async hasRequests(tenant: string, prompt: string): Promise<boolean> {
    const rows = (await this.dataSource.query('SELECT 1 FROM llm_requests WHERE tenant = $1 AND prompt_name = $2 LIMIT 1', [tenant, prompt])) as unknown[];
    return rows.length > 0;
  }
}
