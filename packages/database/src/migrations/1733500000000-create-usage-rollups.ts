import type { MigrationInterface, QueryRunner } from 'typeorm';
import { LATENCY_BUCKET_SQL, LATENCY_BUCKETS } from '../usage/latency-buckets';

/** Columns of `llm_requests` a rollup reads, with the sign each row counts with (+1 added, −1 taken away). */
const ROLLUP_SOURCE_COLUMNS =
  'tenant, created_at, public_model, provider, key_id, user_id, status, cache_hit, prompt_tokens, completion_tokens, cost_usd, latency_ms';

/**
 * Adds rows (`sign` 1) or takes them away (−1) from the hourly rollups, by
 * tenant, hour and each dimension's value. `source` selects `sign` and the
 * columns above. Rows are upserted in key order, so two writers that touch
 * the same rollups lock them in the same order and never deadlock.
 */
function rollupSql(source: string): string {
  return `
    WITH changed AS (${source}),
    expanded AS (
      SELECT c.sign, c.tenant, date_trunc('hour', c.created_at, 'UTC') AS hour, d.dimension, d.value,
             c.status, c.cache_hit, c.prompt_tokens, c.completion_tokens, c.cost_usd, c.latency_ms, usage_latency_bucket(c.latency_ms) AS bucket
        FROM changed c
        CROSS JOIN LATERAL (VALUES ('all', ''), ('model', coalesce(c.public_model, '')), ('provider', coalesce(c.provider, '')),
                                   ('key', coalesce(c.key_id, '')), ('user', coalesce(c.user_id, ''))) AS d (dimension, value)
    ),
    per_bucket AS (
      SELECT tenant, hour, dimension, value, bucket,
             sum(sign) AS requests,
             coalesce(sum(sign) FILTER (WHERE status IN ('failed', 'expired')), 0) AS errors,
             coalesce(sum(sign) FILTER (WHERE cache_hit), 0) AS cache_hits,
             sum(sign * prompt_tokens) AS prompt_tokens,
             sum(sign * completion_tokens) AS completion_tokens,
             coalesce(sum(sign * cost_usd), 0) AS cost_usd,
             sum(sign * latency_ms) AS latency_sum_ms
        FROM expanded
       GROUP BY tenant, hour, dimension, value, bucket
    )
    INSERT INTO usage_rollups AS r (tenant, hour, dimension, value, requests, errors, cache_hits, prompt_tokens, completion_tokens, cost_usd, latency_sum_ms, latency_buckets)
    SELECT tenant, hour, dimension, value, sum(requests), sum(errors), sum(cache_hits), sum(prompt_tokens), sum(completion_tokens), sum(cost_usd),
           sum(latency_sum_ms), usage_latency_histogram(array_agg(bucket), array_agg(requests))
      FROM per_bucket
     GROUP BY tenant, hour, dimension, value
     ORDER BY tenant, dimension, hour, value
    ON CONFLICT (tenant, dimension, hour, value) DO UPDATE SET
      requests = r.requests + EXCLUDED.requests,
      errors = r.errors + EXCLUDED.errors,
      cache_hits = r.cache_hits + EXCLUDED.cache_hits,
      prompt_tokens = r.prompt_tokens + EXCLUDED.prompt_tokens,
      completion_tokens = r.completion_tokens + EXCLUDED.completion_tokens,
      cost_usd = r.cost_usd + EXCLUDED.cost_usd,
      latency_sum_ms = r.latency_sum_ms + EXCLUDED.latency_sum_ms,
      latency_buckets = usage_latency_histogram_add(r.latency_buckets, EXCLUDED.latency_buckets)`;
}

/**
 * Hourly usage rollups, kept by PostgreSQL itself, so a console's charts
 * read a few hundred rollup rows instead of scanning `llm_requests`.
 *
 * `usage_rollups` holds, per tenant and UTC hour, one row for all requests
 * (`dimension` 'all', `value` '') and one per model (the public name),
 * provider, key and user ('' where the request had none): sums, and a
 * latency histogram (`latency-buckets.ts`) from which percentiles are read.
 * Statement-level triggers with transition tables keep it in step: an
 * INSERT adds exactly the rows it stored (a row skipped by `ON CONFLICT DO
 * NOTHING`, a job written twice, is not in the transition table), an UPDATE
 * takes the old rows away and adds the new ones, a DELETE takes rows away.
 * Rows that exist already are backfilled in the same transaction; creating
 * the triggers locks `llm_requests` against writes until it commits, so
 * every row is counted once.
 *
 * `model_benchmark_runs`: runs of a model benchmark suite, for the admin API.
 */
export class CreateUsageRollups1733500000000 implements MigrationInterface {
  name = 'CreateUsageRollups1733500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE usage_rollups (
        tenant text NOT NULL,
        hour timestamptz NOT NULL,
        dimension text NOT NULL CHECK (dimension IN ('all', 'model', 'provider', 'key', 'user')),
        value text NOT NULL DEFAULT '',
        requests bigint NOT NULL DEFAULT 0,
        errors bigint NOT NULL DEFAULT 0,
        cache_hits bigint NOT NULL DEFAULT 0,
        prompt_tokens bigint NOT NULL DEFAULT 0,
        completion_tokens bigint NOT NULL DEFAULT 0,
        cost_usd numeric NOT NULL DEFAULT 0,
        latency_sum_ms bigint NOT NULL DEFAULT 0,
        latency_buckets int4[] NOT NULL,
        PRIMARY KEY (tenant, dimension, hour, value)
      )`);
    // The admin API's reads across tenants.
    await queryRunner.query('CREATE INDEX usage_rollups_dimension_hour ON usage_rollups (dimension, hour)');
    await queryRunner.query(`
      CREATE FUNCTION usage_latency_bucket(ms integer) RETURNS integer
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT ${LATENCY_BUCKET_SQL} $$`);
    // A dense histogram from (bucket, count) pairs.
    await queryRunner.query(`
      CREATE FUNCTION usage_latency_histogram(buckets integer[], counts bigint[]) RETURNS int4[]
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
          SELECT array_agg(coalesce(p.n, 0)::int4 ORDER BY i)
            FROM generate_series(0, ${LATENCY_BUCKETS - 1}) AS i
            LEFT JOIN (SELECT b, sum(n) AS n FROM unnest(buckets, counts) AS u (b, n) GROUP BY b) p ON p.b = i
        $$`);
    await queryRunner.query(`
      CREATE FUNCTION usage_latency_histogram_add(a int4[], b int4[]) RETURNS int4[]
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
          SELECT array_agg(coalesce(x, 0) + coalesce(y, 0) ORDER BY i) FROM unnest(a, b) WITH ORDINALITY AS u (x, y, i)
        $$`);
    const added = (table: string) => `SELECT 1 AS sign, ${ROLLUP_SOURCE_COLUMNS} FROM ${table}`;
    const removed = (table: string) => `SELECT -1 AS sign, ${ROLLUP_SOURCE_COLUMNS} FROM ${table}`;
    await queryRunner.query(`
      CREATE FUNCTION usage_rollups_apply() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          ${rollupSql(added('new_rows'))};
        ELSIF TG_OP = 'UPDATE' THEN
          ${rollupSql(`${removed('old_rows')} UNION ALL ${added('new_rows')}`)};
        ELSE
          ${rollupSql(removed('old_rows'))};
        END IF;
        RETURN NULL;
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER llm_requests_rollup_insert AFTER INSERT ON llm_requests
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION usage_rollups_apply()`);
    await queryRunner.query(`
      CREATE TRIGGER llm_requests_rollup_update AFTER UPDATE ON llm_requests
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION usage_rollups_apply()`);
    await queryRunner.query(`
      CREATE TRIGGER llm_requests_rollup_delete AFTER DELETE ON llm_requests
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION usage_rollups_apply()`);
    await queryRunner.query(rollupSql(added('llm_requests')));

    await queryRunner.query(`
      CREATE TABLE model_benchmark_runs (
        id text PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        suite text NOT NULL,
        models jsonb NOT NULL DEFAULT '[]'::jsonb,
        results jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await queryRunner.query('CREATE INDEX model_benchmark_runs_created_at ON model_benchmark_runs (created_at DESC, id DESC)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE model_benchmark_runs');
    await queryRunner.query('DROP TRIGGER llm_requests_rollup_delete ON llm_requests');
    await queryRunner.query('DROP TRIGGER llm_requests_rollup_update ON llm_requests');
    await queryRunner.query('DROP TRIGGER llm_requests_rollup_insert ON llm_requests');
    await queryRunner.query('DROP FUNCTION usage_rollups_apply()');
    await queryRunner.query('DROP FUNCTION usage_latency_histogram_add(int4[], int4[])');
    await queryRunner.query('DROP FUNCTION usage_latency_histogram(integer[], bigint[])');
    await queryRunner.query('DROP FUNCTION usage_latency_bucket(integer)');
    await queryRunner.query('DROP TABLE usage_rollups');
  }
}
