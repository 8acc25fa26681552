#!/usr/bin/env node
// Where one synchronous request's time goes, hop by hop. Sends requests one at
// a time through Switchyard (gateway → BullMQ → worker-cloud → mock → reply)
// while Redis MONITOR timestamps every command a client sends (µs, the same
// clock as this process), then lines each request up:
//   client sent → the gateway's add reaches Redis → the worker's moveToActive
//   (the one that takes the job) reaches Redis → the worker's PUBLISH (the
//   reply) reaches Redis → the client has the answer.
// MONITOR slows Redis a little, so read the hops against each other (and one
// run against another), not as the platform's latency: bench/sync-overhead
// gives that.
//   node bench/hops/run.mjs [--requests 300] [--gap-ms 5] [--worker-concurrency 64] [--show 0] [--stream]
//   --show N prints the commands of N requests from the middle of the run.
//   --stream asks for a streamed answer: `done` is then the first content
//   chunk at the client and the PUBLISH the stream's first part.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { Pool } from 'undici';
import { BENCH_KEY, startPlatformProcesses } from '../lib/platform-processes.mjs';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '300' },
    'gap-ms': { type: 'string', default: '5' },
    'worker-concurrency': { type: 'string', default: '64' },
    show: { type: 'string', default: '0' },
    stream: { type: 'boolean', default: false },
  },
});
const requestCount = Number(values.requests);
const gapMs = Number(values['gap-ms']);
const stream = values.stream;

const nowUs = () => (performance.timeOrigin + performance.now()) * 1000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1000;
}

/** The four hops of one request, from the commands seen between its send and its answer. */
function hopsOf(request, commands) {
  const between = commands.filter((c) => c.us >= request.sent && c.us <= request.done);
  // The gateway's add is the first script; the worker's taking of the job is the next script that moves `wait` to `active`.
  const add = between.find((c) => c.name === 'evalsha');
  const take = add && between.find((c) => c.us > add.us && c.name === 'evalsha' && c.source !== add.source);
  const reply = take && between.find((c) => c.us > take.us && c.name === 'publish');
  if (reply === undefined) return undefined;
  return {
    'client → add reaches Redis (gateway in)': add.us - request.sent,
    'add → moveToActive (worker wakes, takes the job)': take.us - add.us,
    [stream ? 'moveToActive → first PUBLISH (worker: job, upstream stream opened, first part)' : 'moveToActive → PUBLISH (worker: job, upstream call, reply)']: reply.us - take.us,
    [stream ? 'first PUBLISH → client has the first token (gateway out)' : 'PUBLISH → client has the answer (gateway out)']: request.done - reply.us,
    total: request.done - request.sent,
  };
}

const platform = await startPlatformProcesses({ workerConcurrency: Number(values['worker-concurrency']) });
const monitorClient = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
try {
  const pool = new Pool(platform.gatewayUrl, { connections: 1 });

  const body = JSON.stringify({ model: 'mock-echo', stream, messages: [{ role: 'user', content: 'Summarise the benchmark in one line.' }] });
  /** Resolves when the answer (or, streamed, its first content chunk) is in; the rest is read after. */
  const send = async (onFirst = () => {}) => {
    const response = await pool.request({
      path: '/v1/chat/completions',
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` },
      body,
    });
    if (response.statusCode !== 200) throw new Error(`status ${response.statusCode}: ${await response.body.text()}`);
    if (!stream) {
      await response.body.text();
      onFirst();
      return;
    }
    let seen = '';
    for await (const chunk of response.body) {
      if (seen !== undefined) {
        seen += chunk;
        if (seen.includes('"content":"')) {
          onFirst();
          seen = undefined;
        }
      }
    }
  };
  process.stdout.write('warming up…\n');
  for (let i = 0; i < 200; i++) await send();

  const commands = [];
  const monitor = await monitorClient.monitor();
  // Commands a Lua script runs show up as from `lua`: only what clients send is a round trip.
  monitor.on('monitor', (time, args, source) => {
    if (source !== 'lua') commands.push({ us: Number(time.replace('.', '')), name: String(args[0]).toLowerCase(), args, source });
  });
  await sleep(200);
  process.stdout.write(`${requestCount} requests, one at a time, ${gapMs} ms apart…\n`);
  const requests = [];
  for (let i = 0; i < requestCount; i++) {
    const sent = nowUs();
    let done = 0;
    await send(() => {
      done = nowUs();
    });
    requests.push({ sent, done });
    await sleep(gapMs);
  }
  await sleep(200);
  monitor.disconnect();

  const hops = {};
  for (const request of requests) {
    const found = hopsOf(request, commands);
    if (found === undefined) continue;
    for (const [name, us] of Object.entries(found)) (hops[name] ??= []).push(us);
  }
  const matched = hops.total?.length ?? 0;
  console.log(`\n| hop (${matched} of ${requestCount} requests, worker concurrency ${values['worker-concurrency']}) | p50 ms | p90 ms |\n|---|---:|---:|`);
  for (const [name, us] of Object.entries(hops)) console.log(`| ${name} | ${percentile(us, 0.5).toFixed(3)} | ${percentile(us, 0.9).toFixed(3)} |`);

  const show = Number(values.show);
  for (const request of requests.slice(Math.floor(requests.length / 2), Math.floor(requests.length / 2) + show)) {
    console.log('\nms after send  client            command');
    for (const c of commands.filter((c) => c.us >= request.sent && c.us <= request.done + 2000)) {
      console.log(`${((c.us - request.sent) / 1000).toFixed(3).padStart(12)}  ${c.source.padEnd(16)}  ${c.name} ${String(c.args.slice(1, 3)).slice(0, 80)}`);
    }
  }
} finally {
  await platform.stop();
  monitorClient.disconnect();
}
