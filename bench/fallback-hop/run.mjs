#!/usr/bin/env node
// Extra latency of one fallback hop. Two providers (`a`, `b`) aim at the same
// 0 ms mock; `primary-fails` is provider a with upstream model echo@status=401
// (fails at once, not retryable) and `fallbacks: [secondary]` (provider b,
// echo); `direct-ok` is provider b, echo. Both go through the gateway at the
// same fixed open-loop rate in one run; the difference is the hop:
// gateway → queue a → worker → mock (401) → queue b → worker → mock → reply.
//   node bench/fallback-hop/run.mjs [--rate 100] [--duration 10] [--rounds 1]
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fmt, runLoad } from '../lib/load.mjs';
import { runOpenLoop } from '../lib/open-loop.mjs';
import { BENCH_KEY, startPlatformProcesses } from '../lib/platform-processes.mjs';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '100' },
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '1' },
    'log-level': { type: 'string', default: 'info' },
  },
});
const rate = Number(values.rate);
const duration = Number(values.duration);
const rounds = Number(values.rounds);

const messages = [{ role: 'user', content: 'Summarise the benchmark in one line.' }];
const viaGateway = (url, model) => ({
  url: `${url}/v1/chat/completions`,
  body: JSON.stringify({ model, messages }),
  headers: { authorization: `Bearer ${BENCH_KEY}` },
});

const platform = await startPlatformProcesses({
  logLevel: values['log-level'],
  providers: ['a', 'b'],
  models: [
    { name: 'primary-fails', provider: 'a', model: 'echo@status=401', fallbacks: ['secondary'] },
    { name: 'secondary', provider: 'b', model: 'echo' },
    { name: 'direct-ok', provider: 'b', model: 'echo' },
  ],
});
const rows = [];
try {
  // A fallback answer is a 200 from the secondary route; check that before measuring anything.
  const probe = await fetch(`${platform.gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` },
    body: JSON.stringify({ model: 'primary-fails', messages }),
  });
  const probeBody = await probe.text();
  if (probe.status !== 200) throw new Error(`primary-fails did not fall back: ${probe.status} ${probeBody}`);

  process.stdout.write('warming up (3 s each)…\n');
  await runLoad({ ...viaGateway(platform.gatewayUrl, 'direct-ok'), connections: 16, durationSeconds: 3 });
  await runLoad({ ...viaGateway(platform.gatewayUrl, 'primary-fails'), connections: 16, durationSeconds: 3 });

  for (let round = 1; round <= rounds; round++) {
    // Alternate the order from round to round, so drift over the run does not favour one side.
    const order = round % 2 === 1 ? ['direct-ok', 'primary-fails'] : ['primary-fails', 'direct-ok'];
    const measured = {};
    for (const model of order) {
      process.stdout.write(`round ${round}: ${model} at ${rate} req/s for ${duration} s…\n`);
      measured[model] = await runOpenLoop({ ...viaGateway(platform.gatewayUrl, model), rate, durationSeconds: duration });
    }
    rows.push({
      round,
      direct: measured['direct-ok'],
      fallback: measured['primary-fails'],
      added: {
        p50: measured['primary-fails'].p50 - measured['direct-ok'].p50,
        p90: measured['primary-fails'].p90 - measured['direct-ok'].p90,
        p99: measured['primary-fails'].p99 - measured['direct-ok'].p99,
      },
    });
  }
} finally {
  await platform.stop();
}

const summary = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, rate, duration, rounds: rows };
const signed = (n) => `${n >= 0 ? '+' : '−'}${fmt(Math.abs(n))}`;
const line = (label, r) => `| ${label} | ${fmt(r.p50)} | ${fmt(r.p90)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${fmt(r.rps, 0)} | ${r.errors} |`;
process.stdout.write(
  [
    '',
    `## fallback-hop (${summary.cpus} cores, Node ${process.version}): ${rate} req/s for ${duration} s, open loop, through the gateway`,
    '',
    '| run | p50 ms | p90 ms | p99 ms | max ms | req/s | errors |',
    '|---|---|---|---|---|---|---|',
    ...rows.flatMap((r) => [
      line(`direct-ok (b)${rows.length > 1 ? `, round ${r.round}` : ''}`, r.direct),
      line(`primary-fails (a: 401) → secondary (b)${rows.length > 1 ? `, round ${r.round}` : ''}`, r.fallback),
    ]),
    '',
    ...rows.map(
      (r) =>
        `added by the fallback hop${rows.length > 1 ? ` (round ${r.round})` : ''}: p50 ${signed(r.added.p50)} ms, p90 ${signed(r.added.p90)} ms, p99 ${signed(r.added.p99)} ms`,
    ),
    '',
  ].join('\n'),
);
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, `fallback-hop-${Date.now()}.json`), `${JSON.stringify(summary, null, 2)}\n`);
