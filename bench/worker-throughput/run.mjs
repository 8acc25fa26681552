#!/usr/bin/env node
// Throughput of ONE worker-cloud process against a 0 ms mock upstream: jobs are
// enqueued straight onto the provider queue with LlmJobProducer (no gateway, no
// replyTo, so nothing is published back), and the clock runs from the first add
// to the last job finished.
//   node bench/worker-throughput/run.mjs [--concurrency 16,64,256] [--jobs 20000] [--batch 500] [--runs 1]
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fmt, runLoad } from '../lib/load.mjs';
import { startPlatformProcesses } from '../lib/platform-processes.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { LlmJobProducer, createRedis } = require('../../packages/queue/dist/index.js');
const pg = require('../../packages/database/node_modules/pg');
const { createLogger } = require('../../packages/observability/dist/index.js');

const { values } = parseArgs({
  options: {
    concurrency: { type: 'string', default: process.env.WORKER_CONCURRENCY ?? '64' },
    jobs: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '500' },
    runs: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '2000' },
    'log-level': { type: 'string', default: 'info' },
  },
});
const concurrencies = values.concurrency.split(',').map((c) => Number(c.trim())).filter((c) => Number.isInteger(c) && c > 0);
const jobs = Number(values.jobs);
const batch = Number(values.batch);
const runs = Number(values.runs);
const warmupJobs = Number(values.warmup);
const GOAL = 2000;
const PROVIDER = 'mock';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/switchyard';
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

const messages = [{ role: 'user', content: 'Summarise the benchmark in one line.' }];

/** utime + stime of a process, in ms. */
function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

/** Redis server CPU (user + sys), in ms. */
async function redisCpuMs(redis) {
  const info = await redis.info('cpu');
  const value = (name) => Number(info.match(new RegExp(`${name}:([0-9.]+)`))?.[1] ?? 0);
  return (value('used_cpu_user') + value('used_cpu_sys')) * 1000;
}

function payloadFor(jobId) {
  return {
    v: 1,
    kind: 'chat.completion',
    requestId: jobId,
    route: { publicModel: 'mock-echo', provider: PROVIDER, model: 'echo' },
    request: { model: 'mock-echo', messages },
    caller: { keyId: 'bench', tenant: 'bench' },
    enqueuedAt: Date.now(),
  };
}

/** Adds `count` jobs in pipelined batches; resolves when every add has been acknowledged. */
async function enqueueAll(producer, runId, count) {
  for (let start = 0; start < count; start += batch) {
    const adds = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      const jobId = `${runId}-${i}`;
      // Kept once finished (as async jobs are), so the run's end can be read from the completed set.
      adds.push(producer.enqueue(payloadFor(jobId), { jobId, retainMs: 3_600_000 }));
    }
    await Promise.all(adds);
  }
}

const PENDING = ['waiting', 'active', 'prioritized', 'delayed', 'paused', 'waiting-children'];

/** Polls until nothing is left to run: nothing waiting or active once every add is in. */
async function waitForDrain(queue, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await queue.getJobCounts(...PENDING, 'completed', 'failed');
    if (PENDING.every((state) => (counts[state] ?? 0) === 0)) return { at: Date.now(), counts };
    if (Date.now() > deadline) throw new Error(`queue did not drain: ${JSON.stringify(counts)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The finishedOn of the newest completed or failed job: the zset scores are the finish timestamps. */
async function lastFinishedAt(redis, queue) {
  const key = (state) => `${queue.opts.prefix}:${queue.name}:${state}`;
  const [completed, failed] = await Promise.all([
    redis.zrevrange(key('completed'), 0, 0, 'WITHSCORES'),
    redis.zrevrange(key('failed'), 0, 0, 'WITHSCORES'),
  ]);
  return Math.max(Number(completed[1] ?? 0), Number(failed[1] ?? 0));
}

/** Usage rows written for the run, by status; rows are batched, so wait for them to settle. */
async function usageRows(db, runId, expected) {
  let rows = [];
  for (let i = 0; i < 50; i++) {
    ({ rows } = await db.query(`select status, count(*)::int as n from llm_requests where job_id like $1 group by status`, [`${runId}-%`]));
    if (rows.reduce((sum, r) => sum + r.n, 0) >= expected) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]));
  if ((byStatus.succeeded ?? 0) < expected) {
    process.stderr.write(`only ${byStatus.succeeded ?? 0} of ${expected} usage rows written; is the schema migrated (npm run migrate)?\n`);
  }
  return byStatus;
}

async function deleteKeys(redis, prefix) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

const db = new pg.Client({ connectionString: DATABASE_URL });
await db.connect();
const results = [];
let mockDirect;
try {
  for (const concurrency of concurrencies) {
    const platform = await startPlatformProcesses({ workerConcurrency: concurrency, gateway: false, logLevel: values['log-level'] });
    const redis = createRedis(REDIS_URL, { name: 'switchyard:bench-producer', logger: createLogger({ service: 'bench', level: 'warn' }) });
    const producer = new LlmJobProducer(redis, platform.prefix);
    const queue = producer.queueFor(PROVIDER);
    try {
      if (mockDirect === undefined) {
        // For scale: the same mock, no worker in between (autocannon, 64 connections, closed loop).
        process.stdout.write('mock upstream direct (1 s warm-up, then 5 s, 64 connections)…\n');
        const direct = { url: `${platform.mockUrl}/v1/chat/completions`, body: JSON.stringify({ model: 'echo', messages }), connections: 64 };
        await runLoad({ ...direct, durationSeconds: 1 });
        mockDirect = await runLoad({ ...direct, durationSeconds: 5 });
      }
      process.stdout.write(`concurrency ${concurrency}: warming up (${warmupJobs} jobs)…\n`);
      await enqueueAll(producer, `${platform.prefix}-warm`, warmupJobs);
      await waitForDrain(queue);

      for (let run = 1; run <= runs; run++) {
        const runId = `${platform.prefix}-c${concurrency}-r${run}`;
        process.stdout.write(`concurrency ${concurrency}, run ${run}: ${jobs} jobs…\n`);
        const workerCpuBefore = cpuMs(platform.pids['worker-cloud']);
        const mockCpuBefore = cpuMs(platform.pids.mock);
        const redisCpuBefore = await redisCpuMs(redis);
        const benchCpuBefore = process.cpuUsage();
        const started = Date.now();
        await enqueueAll(producer, runId, jobs);
        const enqueuedAt = Date.now();
        const drained = await waitForDrain(queue);
        const workerCpu = cpuMs(platform.pids['worker-cloud']) - workerCpuBefore;
        const mockCpu = cpuMs(platform.pids.mock) - mockCpuBefore;
        const benchCpu = process.cpuUsage(benchCpuBefore);
        const redisCpu = (await redisCpuMs(redis)) - redisCpuBefore;
        const finishedAt = (await lastFinishedAt(redis, queue)) || drained.at;
        const seconds = (finishedAt - started) / 1000;
        const usage = await usageRows(db, runId, jobs);
        const result = {
          concurrency,
          run,
          jobs,
          seconds,
          jobsPerSecond: jobs / seconds,
          enqueueSeconds: (enqueuedAt - started) / 1000,
          addsPerSecond: jobs / ((enqueuedAt - started) / 1000),
          drainDetectedAfterMs: drained.at - finishedAt,
          failed: drained.counts.failed ?? 0,
          usageRows: usage,
          workerCpuMsPerJob: workerCpu / jobs,
          workerCpuShare: workerCpu / (finishedAt - started),
          mockCpuMsPerJob: mockCpu / jobs,
          redisCpuMsPerJob: redisCpu / jobs,
          // The producer (this process): adds, and the drain polling.
          producerCpuMsPerJob: (benchCpu.user + benchCpu.system) / 1000 / jobs,
        };
        results.push(result);
        process.stdout.write(
          `  ${fmt(result.jobsPerSecond, 0)} jobs/s (${fmt(seconds, 2)} s; adds done after ${fmt(result.enqueueSeconds, 2)} s; ` +
            `CPU ms/job: worker ${fmt(result.workerCpuMsPerJob, 3)} (${fmt(result.workerCpuShare * 100, 0)}% of a core), ` +
            `Redis ${fmt(result.redisCpuMsPerJob, 3)}, mock ${fmt(result.mockCpuMsPerJob, 3)}, producer ${fmt(result.producerCpuMsPerJob, 3)}; usage rows ${JSON.stringify(usage)})\n`,
        );
      }
    } finally {
      await producer.close();
      await deleteKeys(redis, platform.prefix);
      redis.disconnect();
      await platform.stop();
    }
  }
} finally {
  await db.end();
}

const summary = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  jobs,
  batch,
  goalJobsPerSecond: GOAL,
  mockDirect,
  results,
};
const row = (r) =>
  `| ${r.concurrency}${runs > 1 ? ` (run ${r.run})` : ''} | ${fmt(r.jobsPerSecond, 0)} | ${fmt(r.seconds, 2)} | ${fmt(r.enqueueSeconds, 2)} | ` +
  `${fmt(r.workerCpuMsPerJob, 3)} | ${fmt(r.workerCpuShare * 100, 0)}% | ${fmt(r.redisCpuMsPerJob, 3)} | ${r.failed} | ${r.usageRows.succeeded ?? 0} | ${r.jobsPerSecond >= GOAL ? 'yes' : 'no'} |`;
process.stdout.write(
  [
    '',
    `## worker-throughput (${summary.cpus} cores, Node ${process.version}): one worker-cloud process, ${jobs} jobs, 0 ms mock`,
    '',
    '| WORKER_CONCURRENCY | jobs/s | first add → last finished, s | adds done after, s | worker CPU ms/job | worker CPU (of one core) | Redis CPU ms/job | failed | usage rows ok | ≥ 2,000 jobs/s |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...results.map(row),
    '',
    `goal: ≥ ${GOAL.toLocaleString('en')} jobs/s from one worker process on this ${summary.cpus}-core machine`,
    `mock upstream direct, for scale: ${fmt(mockDirect?.rps, 0)} req/s (autocannon, 64 connections, p50 ${fmt(mockDirect?.p50)} ms)`,
    '',
  ].join('\n'),
);
const out = join(here, '..', 'results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, `worker-throughput-${Date.now()}.json`), `${JSON.stringify(summary, null, 2)}\n`);
