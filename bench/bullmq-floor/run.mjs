#!/usr/bin/env node
// BullMQ alone, no Switchyard code: how long a job waits between reaching
// Redis and its processor starting, with the worker idle (the low-load case
// a synchronous gateway lives in). Run at concurrency 1 and 64 in one run:
// above 1, the worker's main loop fetches ahead once more (a second
// moveToActive, empty when the queue is idle) and only then starts the job
// it already holds, so the job waits one more Redis round trip plus the
// JavaScript around it. Redis MONITOR timestamps the commands (µs, same clock).
//   node bench/bullmq-floor/run.mjs [--jobs 300] [--gap-ms 5] [--concurrency 1,64]
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { root } from '../lib/platform-processes.mjs';

// The BullMQ the platform runs, not a copy of bench/'s own.
const { Queue, Worker } = createRequire(join(root, 'packages/queue/package.json'))('bullmq');

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '300' },
    'gap-ms': { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '1,64' },
  },
});
const jobs = Number(values.jobs);
const gapMs = Number(values['gap-ms']);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const nowUs = () => (performance.timeOrigin + performance.now()) * 1000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const p = (values, q) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] / 1000;

async function measure(concurrency) {
  const prefix = `sybench-bullmq-${Date.now()}`;
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('floor', { connection, prefix });
  const started = new Map();
  const worker = new Worker(
    'floor',
    async (job) => {
      started.set(job.id, nowUs());
    },
    { connection: new Redis(redisUrl, { maxRetriesPerRequest: null }), prefix, concurrency },
  );
  await worker.waitUntilReady();
  for (let i = 0; i < 50; i++) await queue.add('warm', {});
  await sleep(500);

  const commands = [];
  const monitorClient = new Redis(redisUrl);
  const monitor = await monitorClient.monitor();
  monitor.on('monitor', (time, args, source) => {
    if (source !== 'lua' && String(args[0]).toLowerCase() === 'evalsha') commands.push({ us: Number(time.replace('.', '')), source });
  });
  await sleep(100);
  const sent = [];
  for (let i = 0; i < jobs; i++) {
    const at = nowUs();
    const job = await queue.add('job', { i });
    sent.push({ id: job.id, at });
    await sleep(gapMs);
  }
  await sleep(200);
  monitor.disconnect();
  monitorClient.disconnect();

  const toStart = [];
  const takeToStart = [];
  const scriptsBefore = [];
  for (const { id, at } of sent) {
    const start = started.get(id);
    if (start === undefined) continue;
    toStart.push(start - at);
    // Scripts the worker sent between the job's add and its start: the one that took it, and any fetch-ahead.
    const add = commands.find((c) => c.us >= at);
    const worker = commands.filter((c) => add && c.us > add.us && c.us < start && c.source !== add.source);
    scriptsBefore.push(worker.length);
    if (worker.length > 0) takeToStart.push(start - worker[0].us);
  }
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  return { concurrency, toStart, takeToStart, scriptsBefore };
}

console.log(`| worker concurrency | add sent → processor starts p50 / p90 ms | job taken → processor starts p50 / p90 ms | worker scripts before the start (mean) |`);
console.log('|---:|---:|---:|---:|');
for (const concurrency of values.concurrency.split(',').map(Number)) {
  const r = await measure(concurrency);
  const mean = r.scriptsBefore.reduce((a, b) => a + b, 0) / r.scriptsBefore.length;
  console.log(
    `| ${concurrency} | ${p(r.toStart, 0.5).toFixed(3)} / ${p(r.toStart, 0.9).toFixed(3)} | ${p(r.takeToStart, 0.5).toFixed(3)} / ${p(r.takeToStart, 0.9).toFixed(3)} | ${mean.toFixed(2)} |`,
  );
}
