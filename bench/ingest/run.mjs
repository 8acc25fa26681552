#!/usr/bin/env node
// Ingest: how many async jobs per second Switchyard accepts, through
// `POST /v1/jobs` (gateway, HTTP, closed loop with autocannon) and through the
// direct client's `enqueueBulk` (no HTTP). Workers are paused meanwhile, so
// the figure is accepting, not running; a job counts once its 202 (or its
// bulk call) has returned, i.e. once it is in Redis.
//   node bench/ingest/run.mjs [--duration 10] [--connections 64] [--jobs 100000] [--batch 1000]
//   node bench/ingest/run.mjs --json figures.json   (also writes the key figures as JSON)
//   GATEWAY_PROCESSES=2 node bench/ingest/run.mjs   (the gateway as two processes on one port)
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { figure, writeFigures } from '../lib/figures.mjs';
import { fmt, runLoad } from '../lib/load.mjs';
import { BENCH_KEY, root, startPlatformProcesses } from '../lib/platform-processes.mjs';

const require = createRequire(import.meta.url);
const { DirectClient } = require(join(root, 'packages/client/dist/index.js'));

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    jobs: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '1000' },
    'log-level': { type: 'string', default: 'info' },
    json: { type: 'string' },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const total = Number(values.jobs);
const batch = Number(values.batch);
const HTTP_GOAL = 5000;
const BULK_GOAL = 20000;

const request = { model: 'mock-echo', messages: [{ role: 'user', content: 'Summarise this ticket in one line.' }] };
const platform = await startPlatformProcesses({ logLevel: values['log-level'] });
// Paused, not stopped: the queue keeps what it accepts and nothing competes for the two cores.
process.kill(platform.pids['worker-cloud'], 'SIGSTOP');
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
let client;
try {
  process.stdout.write('warming up (2 s)…\n');
  await runLoad({ url: `${platform.gatewayUrl}/v1/jobs`, body: JSON.stringify(request), headers: { authorization: `Bearer ${BENCH_KEY}` }, connections, durationSeconds: 2 });

  process.stdout.write(`POST /v1/jobs, ${connections} connections for ${duration} s…\n`);
  const http = await runLoad({
    url: `${platform.gatewayUrl}/v1/jobs`,
    body: JSON.stringify(request),
    headers: { authorization: `Bearer ${BENCH_KEY}` },
    connections,
    durationSeconds: duration,
  });

  process.stdout.write(`enqueueBulk, ${total} jobs in calls of ${batch}…\n`);
  client = await DirectClient.connect({ prefix: platform.prefix, configPath: platform.config, caller: { keyId: 'bench', tenant: 'bench' } });
  const requests = Array.from({ length: batch }, () => request);
  await client.enqueueBulk(requests);
  const started = performance.now();
  let accepted = 0;
  // Two calls in flight: one is being built while Redis runs the other.
  const lane = async () => {
    while (accepted < total) {
      accepted += batch;
      await client.enqueueBulk(requests);
    }
  };
  await Promise.all([lane(), lane()]);
  const bulkSeconds = (performance.now() - started) / 1000;
  const bulkRate = accepted / bulkSeconds;

  console.log('\n| way in | accepted jobs/s | p50 | p99 | errors | goal |');
  console.log('|---|---:|---:|---:|---:|---:|');
  console.log(`| POST /v1/jobs (${connections} connections, ${process.env.GATEWAY_PROCESSES ?? 1} gateway process${(process.env.GATEWAY_PROCESSES ?? '1') === '1' ? '' : 'es'}) | ${fmt(http.rps, 0)} | ${fmt(http.p50)} ms | ${fmt(http.p99)} ms | ${http.errors} | ≥ ${HTTP_GOAL} |`);
  console.log(`| enqueueBulk (${batch} per call) | ${fmt(bulkRate, 0)} | | | 0 | ≥ ${BULK_GOAL} |`);
  writeFigures(values.json, 'ingest', {
    'POST /v1/jobs accepted/s': figure(http.rps, 'jobs/s', 'higher'),
    'POST /v1/jobs p50': figure(http.p50, 'ms', 'lower'),
    'POST /v1/jobs p99': figure(http.p99, 'ms', 'lower'),
    'POST /v1/jobs errors': figure(http.errors, 'count', 'lower'),
    'enqueueBulk accepted/s': figure(bulkRate, 'jobs/s', 'higher'),
  });
} finally {
  await client?.close();
  process.kill(platform.pids['worker-cloud'], 'SIGCONT');
  await platform.stop();
  // The accepted jobs were never meant to run: drop the bench's keys.
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${platform.prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
  await redis.quit();
}
