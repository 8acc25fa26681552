#!/usr/bin/env node
// How long a console's usage chart takes: a tenant with 1,000,000 usage rows
// over 30 days (written by one INSERT … SELECT, so the rollup trigger runs as
// it would for that many flushed batches at once), then the 30-day series
// through the gateway's admin API, hourly and daily, whole and per model and
// per user. Prints each query's median and worst time over the runs; the rows
// and their rollups are deleted at the end.
//   node bench/console-series/run.mjs [--rows 1000000] [--runs 5]
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createDataSource } from '../../packages/database/dist/index.js';
import { startPlatformProcesses } from '../lib/platform-processes.mjs';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '5' },
    'log-level': { type: 'string', default: 'info' },
  },
});
const rows = Number(values.rows);
const runs = Number(values.runs);
const adminKey = `sk-admin-bench-${randomUUID()}`;
const tenant = `bench-series-${randomUUID().slice(0, 8)}`;
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/switchyard';

const platform = await startPlatformProcesses({ logLevel: values['log-level'], env: { SWITCHYARD_ADMIN_KEY: adminKey } });
const database = createDataSource(databaseUrl, { poolSize: 1 });
await database.initialize();

try {
  let started = performance.now();
  await database.query(
    `INSERT INTO llm_requests (request_id, job_id, key_id, tenant, user_id, provider, model, public_model, prompt_tokens, completion_tokens, total_tokens,
                               cost_usd, latency_ms, status, cache_hit, created_at)
     SELECT 'r' || g, $1 || '-' || g, 'key-' || (g % 5), $1, 'user-' || (g % 50), 'provider-' || (g % 3), 'm', 'model-' || (g % 30), 100, 50, 150,
            0.0001, 20 + (g::bigint * 7919) % 3000, CASE WHEN g % 50 = 0 THEN 'failed' ELSE 'succeeded' END, g % 10 = 0,
            now() - (g::float8 / $2) * interval '30 days'
       FROM generate_series(1, $2::int) AS g`,
    [tenant, rows],
  );
  console.log(`seeded ${rows.toLocaleString('en')} rows of tenant ${tenant} over 30 days in ${((performance.now() - started) / 1000).toFixed(1)} s (rollups included)`);
  const [{ rollups }] = await database.query('SELECT count(*)::int AS rollups FROM usage_rollups WHERE tenant = $1', [tenant]);
  console.log(`rollup rows: ${rollups.toLocaleString('en')}`);

  const from = new Date(Date.now() - 30 * 24 * 3600 * 1000).toISOString();
  const queries = [
    ['hourly', ''],
    ['hourly by model', '&group_by=model'],
    ['hourly by user', '&group_by=user'],
    ['daily', '&interval=day'],
    ['daily by model', '&interval=day&group_by=model'],
  ];
  console.log('\nquery (30 days)        median ms   worst ms   points');
  for (const [name, extra] of queries) {
    const url = `${platform.gatewayUrl}/admin/usage/series?tenant=${tenant}&from=${from}${extra}`;
    const times = [];
    let points = 0;
    for (let run = 0; run <= runs; run++) {
      started = performance.now();
      const response = await fetch(url, { headers: { authorization: `Bearer ${adminKey}` } });
      const body = await response.json();
      const ms = performance.now() - started;
      if (response.status !== 200) throw new Error(`${name}: ${response.status} ${JSON.stringify(body)}`);
      points = body.series.reduce((total, series) => total + series.points.length, 0);
      // The first run warms the connection and PostgreSQL's cache; it is not counted.
      if (run > 0) times.push(ms);
    }
    times.sort((a, b) => a - b);
    console.log(`${name.padEnd(22)} ${times[Math.floor(times.length / 2)].toFixed(0).padStart(9)} ${times.at(-1).toFixed(0).padStart(10)} ${String(points).padStart(8)}`);
  }
} finally {
  console.log('\ncleaning up');
  await database.query('DELETE FROM llm_requests WHERE tenant = $1', [tenant]);
  await database.query('DELETE FROM usage_rollups WHERE tenant = $1', [tenant]);
  await database.destroy();
  await platform.stop();
}
