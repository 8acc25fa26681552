import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource } from '../connection/create-data-source';
import { ensureDatabase } from '../connection/ensure-database';
import { MIGRATIONS } from './index';

const baseUrl = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/switchyard_test';

/** Rows of `llm_requests` for one tenant: latencies, models, users and statuses that differ row by row. */
const INSERT_ROWS = (count: number, offset: number, conflict = '') => `
  INSERT INTO llm_requests (request_id, job_id, key_id, tenant, user_id, provider, model, public_model, prompt_tokens, completion_tokens, total_tokens,
                            cost_usd, latency_ms, status, cache_hit, created_at)
  SELECT 'r' || g, 'job-' || g, CASE WHEN g % 7 = 0 THEN NULL ELSE 'key-' || (g % 3) END, 'acme', CASE WHEN g % 2 = 0 THEN 'user-' || (g % 5) END,
         'p' || (g % 2), 'm', 'model-' || (g % 4), g % 50, g % 20, g % 70, CASE WHEN g % 9 = 0 THEN NULL ELSE 0.00001 * g END, g * 13 % 5000,
         (ARRAY['succeeded', 'failed', 'expired', 'cancelled', 'rejected'])[1 + g % 5], g % 6 = 0, '2026-01-01T00:00:00Z'::timestamptz + g * interval '7 minutes'
    FROM generate_series(${offset + 1}, ${offset + count}) AS g ${conflict}`;

/** What the rollups hold, and what the same sums over `llm_requests` are, per hour, dimension and value. */
async function rollupsAndTruth(database: DataSource): Promise<{ rollups: unknown[]; truth: unknown[] }> {
  const rollups = await database.query(`
    SELECT hour, dimension, value, requests::int, errors::int, cache_hits::int, prompt_tokens::int, completion_tokens::int, cost_usd::float8,
           latency_sum_ms::int, (SELECT sum(n)::int FROM unnest(latency_buckets) AS n) AS histogram
      FROM usage_rollups WHERE tenant = 'acme' AND requests <> 0 ORDER BY 1, 2, 3`);
  const truth = await database.query(`
    SELECT date_trunc('hour', created_at, 'UTC') AS hour, d.dimension, d.value, count(*)::int AS requests,
           (count(*) FILTER (WHERE status IN ('failed', 'expired')))::int AS errors, (count(*) FILTER (WHERE cache_hit))::int AS cache_hits,
           sum(prompt_tokens)::int AS prompt_tokens, sum(completion_tokens)::int AS completion_tokens, coalesce(sum(cost_usd), 0)::float8 AS cost_usd,
           sum(latency_ms)::int AS latency_sum_ms, count(*)::int AS histogram
      FROM llm_requests
     CROSS JOIN LATERAL (VALUES ('all', ''), ('model', coalesce(public_model, '')), ('provider', coalesce(provider, '')),
                                ('key', coalesce(key_id, '')), ('user', coalesce(user_id, ''))) AS d (dimension, value)
     WHERE tenant = 'acme' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);
  return { rollups, truth };
}

describe('usage rollups', () => {
  // A database of its own: the migration is run on rows that exist before it.
  const name = `switchyard_rollups_${randomUUID().slice(0, 8)}`;
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  let database: DataSource;

  beforeAll(async () => {
    await ensureDatabase(url.toString());
    const before = new DataSource({ type: 'postgres', url: url.toString(), migrations: MIGRATIONS.slice(0, -1), migrationsTableName: 'switchyard_migrations' });
    await before.initialize();
    await before.runMigrations({ transaction: 'each' });
    await before.query(INSERT_ROWS(300, 0));
    await before.destroy();
    database = createDataSource(url.toString(), { poolSize: 1 });
    await database.initialize();
    expect((await database.runMigrations({ transaction: 'each' })).map((migration) => migration.name)).toStrictEqual(['CreateUsageRollups1733500000000']);
  });

  afterAll(async () => {
    await database?.destroy();
    const admin = new Client({ connectionString: baseUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
    await admin.end();
  });

  it('backfills the rows that were there before the migration', async () => {
    const { rollups, truth } = await rollupsAndTruth(database);
    expect(truth.length).toBeGreaterThan(100);
    expect(rollups).toStrictEqual(truth);
  });

  it('counts each stored row once through inserts (skipped conflicts too), updates and deletes', async () => {
    await database.query(INSERT_ROWS(200, 300));
    // A batch written again after a takeover: every row already there, none counted twice.
    await database.query(INSERT_ROWS(400, 100, 'ON CONFLICT (job_id) DO NOTHING'));
    await database.query("UPDATE llm_requests SET status = 'failed', latency_ms = latency_ms + 1000, public_model = 'renamed' WHERE job_id LIKE 'job-1%'");
    await database.query("DELETE FROM llm_requests WHERE job_id LIKE 'job-2%'");
    const { rollups, truth } = await rollupsAndTruth(database);
    expect(rollups).toStrictEqual(truth);
  });
});
