#!/usr/bin/env node
// Sync request overhead: the same load against the mock upstream directly and
// through Switchyard (gateway → BullMQ → worker-cloud → mock), in one run.
//   node bench/sync-overhead/run.mjs [--duration 10] [--rate 200] [--connections 64] [--json figures.json]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { figure, writeFigures } from '../lib/figures.mjs';
import { fmt, ratio, runLoad } from '../lib/load.mjs';
import { runOpenLoop } from '../lib/open-loop.mjs';
import { BENCH_KEY, startPlatformProcesses } from '../lib/platform-processes.mjs';
import { startPortkey } from '../lib/portkey.mjs';
import { cpuSeconds } from '../lib/process-cpu.mjs';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    rate: { type: 'string', default: '200' },
    connections: { type: 'string', default: '64' },
    'log-level': { type: 'string', default: 'info' },
    'no-portkey': { type: 'boolean', default: false },
    // The worker's jobs in flight (WORKER_CONCURRENCY); 1 shows what BullMQ's fetch-ahead costs the median (docs/benchmarks.md).
    'worker-concurrency': { type: 'string', default: '64' },
    json: { type: 'string' },
  },
});
const duration = Number(values.duration);
const rate = Number(values.rate);
const saturation = Number(values.connections);

const messages = [{ role: 'user', content: 'Summarise the benchmark in one line.' }];
const direct = (url) => ({ url: `${url}/v1/chat/completions`, body: JSON.stringify({ model: 'echo', messages }) });
const gateway = (url) => ({
  url: `${url}/v1/chat/completions`,
  body: JSON.stringify({ model: 'mock-echo', messages }),
  headers: { authorization: `Bearer ${BENCH_KEY}` },
});

/** Commands clients sent (Lua scripts count once, not the commands inside them). */
async function redisCalls(redis) {
  const info = await redis.info('commandstats');
  const calls = {};
  for (const match of info.matchAll(/cmdstat_([a-z|]+):calls=(\d+)/g)) calls[match[1]] = Number(match[2]);
  return calls;
}

function clientCommandsPerRequest(before, after, requests) {
  // commandstats also counts the commands a Lua script runs; only these are sent by clients, one round trip each.
  const roundTrips = ['evalsha', 'eval', 'publish', 'bzpopmin', 'ping'];
  const perRequest = {};
  for (const name of roundTrips) {
    const delta = (after[name] ?? 0) - (before[name] ?? 0);
    if (delta > 0) perRequest[name] = delta / requests;
  }
  return perRequest;
}

const platform = await startPlatformProcesses({ logLevel: values['log-level'], workerConcurrency: Number(values['worker-concurrency']) });
// Portkey (no queue) on the same mock, same run: a peer's figure beside ours.
const portkey = values['no-portkey'] ? undefined : await startPortkey();
const viaPortkey = (url) => ({ url: `${url}/v1/chat/completions`, body: JSON.stringify({ model: 'echo', messages }), headers: portkey.headersFor(`${platform.mockUrl}/v1`) });
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
try {
  process.stdout.write(`warming up (3 s)…\n`);
  await runLoad({ ...gateway(platform.gatewayUrl), connections: 16, durationSeconds: 3 });
  await runLoad({ ...direct(platform.mockUrl), connections: 16, durationSeconds: 1 });

  process.stdout.write(`fixed rate ${rate} req/s for ${duration} s each…\n`);
  // Open loop for the fixed rate (no coordinated omission, microsecond timing);
  // autocannon, closed loop, for saturation.
  const directFixed = await runOpenLoop({ ...direct(platform.mockUrl), rate, durationSeconds: duration });
  const callsBefore = await redisCalls(redis);
  const cpuOf = () => ({ gateway: cpuSeconds(platform.pids.gateway), worker: cpuSeconds(platform.pids['worker-cloud']) });
  const cpuBefore = cpuOf();
  const viaFixed = await runOpenLoop({ ...gateway(platform.gatewayUrl), rate, durationSeconds: duration });
  const cpuAfter = cpuOf();
  const callsAfter = await redisCalls(redis);
  // CPU each request cost the gateway and the worker at the fixed rate: robust to other load on the machine, unlike latency.
  const cpuMsPerRequest = Object.fromEntries(
    Object.keys(cpuBefore).map((name) => [name, ((cpuAfter[name] - cpuBefore[name]) * 1000) / Math.max(1, viaFixed.total)]),
  );
  let portkeyFixed;
  if (portkey) {
    await runLoad({ ...viaPortkey(portkey.url), connections: 16, durationSeconds: 2 });
    portkeyFixed = await runOpenLoop({ ...viaPortkey(portkey.url), rate, durationSeconds: duration });
  }

  process.stdout.write(`saturation, ${saturation} connections for ${duration} s each…\n`);
  const directMax = await runLoad({ ...direct(platform.mockUrl), connections: saturation, durationSeconds: duration });
  const viaMax = await runLoad({ ...gateway(platform.gatewayUrl), connections: saturation, durationSeconds: duration });
  const portkeyMax = portkey ? await runLoad({ ...viaPortkey(portkey.url), connections: saturation, durationSeconds: duration }) : undefined;

  const commandsPerRequest = clientCommandsPerRequest(callsBefore, callsAfter, Math.max(1, viaFixed.total));
  const summary = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: (await import('node:os')).cpus().length,
    fixedRate: { rate, direct: directFixed, switchyard: viaFixed, portkey: portkeyFixed },
    saturation: { connections: saturation, direct: directMax, switchyard: viaMax, portkey: portkeyMax },
    added: { p50: viaFixed.p50 - directFixed.p50, p99: viaFixed.p99 - directFixed.p99 },
    throughputRatio: ratio(viaMax.rps, directMax.rps),
    redisCommandsPerRequest: commandsPerRequest,
    cpuMsPerRequest,
  };

  const row = (label, r) => `| ${label} | ${fmt(r.p50)} | ${fmt(r.p90)} | ${fmt(r.p99)} | ${fmt(r.rps, 0)} | ${r.errors} |`;
  process.stdout.write(
    [
      '',
      `## sync-overhead (${summary.cpus} cores, Node ${process.version})`,
      '',
      `| run | p50 ms | p90 ms | p99 ms | req/s | errors |`,
      `|---|---|---|---|---|---|`,
      row(`direct @ ${rate}/s`, directFixed),
      row(`Switchyard @ ${rate}/s`, viaFixed),
      ...(portkeyFixed ? [row(`Portkey 1.15.2 (no queue) @ ${rate}/s`, portkeyFixed)] : []),
      row(`direct, c=${saturation}`, directMax),
      row(`Switchyard, c=${saturation}`, viaMax),
      ...(portkeyMax ? [row(`Portkey, c=${saturation}`, portkeyMax)] : []),
      '',
      `added latency at ${rate} req/s: p50 +${fmt(summary.added.p50)} ms, p99 +${fmt(summary.added.p99)} ms (goal ≤ 2 / ≤ 5)`,
      ...(portkeyFixed ? [`Portkey adds: p50 +${fmt(portkeyFixed.p50 - directFixed.p50)} ms, p99 +${fmt(portkeyFixed.p99 - directFixed.p99)} ms`] : []),
      `throughput ratio at saturation: ${fmt(summary.throughputRatio * 100, 1)}% of direct (${fmt(viaMax.rps, 0)} vs ${fmt(directMax.rps, 0)} req/s)`,
      `CPU per request at ${rate}/s: gateway ${fmt(cpuMsPerRequest.gateway, 3)} ms, worker ${fmt(cpuMsPerRequest.worker, 3)} ms`,
      `Redis round trips per request at ${rate}/s: ${Object.entries(commandsPerRequest).map(([k, v]) => `${k} ${fmt(v, 2)}`).join(', ')}`,
      '',
    ].join('\n'),
  );
  writeFigures(values.json, 'sync-overhead', {
    'added p50': figure(summary.added.p50, 'ms', 'lower'),
    'added p99': figure(summary.added.p99, 'ms', 'lower'),
    [`Switchyard p50 @ ${rate}/s`]: figure(viaFixed.p50, 'ms', 'lower'),
    [`Switchyard p99 @ ${rate}/s`]: figure(viaFixed.p99, 'ms', 'lower'),
    [`Switchyard req/s, c=${saturation}`]: figure(viaMax.rps, 'req/s', 'higher'),
    'throughput ratio': figure(summary.throughputRatio, '× direct', 'higher'),
    'gateway CPU per request': figure(cpuMsPerRequest.gateway, 'ms', 'lower'),
    'worker CPU per request': figure(cpuMsPerRequest.worker, 'ms', 'lower'),
    'errors': figure(viaFixed.errors + viaMax.errors, 'count', 'lower'),
  });
  const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `sync-overhead-${Date.now()}.json`), `${JSON.stringify(summary, null, 2)}\n`);
} finally {
  redis.disconnect();
  await portkey?.stop();
  await platform.stop();
}
