#!/usr/bin/env node
// The resident memory a process built on the platform's named stack holds
// before any Switchyard code runs: each row is a fresh `node` that loads the
// listed packages (the versions this checkout installed), starts what the
// platform starts with them (a NestJS app on Fastify listening, a BullMQ
// queue connected to Redis), waits, and reports its RSS and V8 heap. Read a
// process's idle RSS from bench/memory/run.mjs against the row of the stack it
// is built on: the difference is what Switchyard itself loads and holds.
// A lower bound: no BullMQ Worker (its blocking connection), no pg pool open.
//   node bench/memory/framework-floor.mjs [--settle 3]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { root } from '../lib/platform-processes.mjs';

const { values } = parseArgs({ options: { settle: { type: 'string', default: '3' } } });

/** Each row: the process it is the floor of, and what it loads. */
const ROWS = [
  ['bare node', []],
  ['NestJS + Fastify, listening', ['@nestjs/core']],
  ['  + a BullMQ queue', ['@nestjs/core', 'bullmq']],
  ['  + TypeORM and pg', ['@nestjs/core', 'bullmq', 'typeorm', 'pg']],
  ['  + zod, pino, prom-client, OTel API (gateway stack)', ['@nestjs/core', 'bullmq', 'typeorm', 'pg', 'zod', 'pino', 'prom-client', '@opentelemetry/api']],
  ['a BullMQ queue alone', ['bullmq']],
  ['  + zod, pino, prom-client (webhook-dispatcher stack)', ['bullmq', 'zod', 'pino', 'prom-client']],
  ['  + TypeORM, pg, OTel API (worker stack)', ['bullmq', 'typeorm', 'pg', 'zod', 'pino', 'prom-client', '@opentelemetry/api']],
];

// Resolved from the packages that depend on each, as the platform's processes resolve them.
const searchPaths = ['apps/gateway', 'packages/database', 'packages/queue', 'packages/observability', 'packages/contracts'].map((dir) => join(root, dir));

const probe = `
const names = JSON.parse(process.env.FLOOR_PACKAGES);
const load = (name) => require(require.resolve(name, { paths: JSON.parse(process.env.FLOOR_PATHS) }));
(async () => {
  for (const name of names) load(name);
  if (names.includes('@nestjs/core')) {
    load('reflect-metadata');
    const { NestFactory } = load('@nestjs/core');
    const { Module } = load('@nestjs/common');
    const { FastifyAdapter } = load('@nestjs/platform-fastify');
    class EmptyModule {}
    Module({})(EmptyModule);
    const app = await NestFactory.create(EmptyModule, new FastifyAdapter(), { logger: false });
    await app.listen(0, '127.0.0.1');
  }
  if (names.includes('bullmq')) {
    const { Queue } = load('bullmq');
    const { Redis } = load('ioredis');
    const connection = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
    const queue = new Queue('switchyard-floor-probe', { connection });
    await queue.waitUntilReady();
  }
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.FLOOR_SETTLE_MS)));
  const { rss, heapUsed, heapTotal } = process.memoryUsage();
  console.log(JSON.stringify({ rss, heapUsed, heapTotal }));
  process.exit(0);
})();
`;

const MB = 2 ** 20;
console.log('| stack | idle RSS | heap used | heap total |');
console.log('|---|---:|---:|---:|');
for (const [label, packages] of ROWS) {
  const run = spawnSync(process.execPath, ['-e', probe], {
    cwd: root,
    // Redis not answering would leave the queue waiting for ever.
    timeout: 30_000 + Number(values.settle) * 1000,
    encoding: 'utf8',
    env: { ...process.env, FLOOR_PACKAGES: JSON.stringify(packages), FLOOR_PATHS: JSON.stringify(searchPaths), FLOOR_SETTLE_MS: String(Number(values.settle) * 1000) },
  });
  if (run.status !== 0) throw new Error(`${label}: ${run.error?.message ?? run.stderr}`);
  const { rss, heapUsed, heapTotal } = JSON.parse(run.stdout.trim().split('\n').at(-1));
  console.log(`| ${label} | ${Math.round(rss / MB)} MB | ${Math.round(heapUsed / MB)} MB | ${Math.round(heapTotal / MB)} MB |`);
}
