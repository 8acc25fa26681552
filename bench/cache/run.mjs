#!/usr/bin/env node
// Response cache: the same deterministic request answered by the mock
// upstream directly, and by Switchyard from its cache (after one miss fills
// it), at a fixed rate in one run. A hit never reaches the queue, so its time
// is the gateway's own: auth, validation, routing, one Redis round trip.
//   node bench/cache/run.mjs [--duration 10] [--rate 500]
import { parseArgs } from 'node:util';
import { fmt } from '../lib/load.mjs';
import { runOpenLoop } from '../lib/open-loop.mjs';
import { BENCH_KEY, startPlatformProcesses } from '../lib/platform-processes.mjs';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    rate: { type: 'string', default: '500' },
    'log-level': { type: 'string', default: 'info' },
  },
});
const duration = Number(values.duration);
const rate = Number(values.rate);
const GOAL_MS = 0.5;

const messages = [{ role: 'user', content: 'What is the capital of France?' }];
const platform = await startPlatformProcesses({ logLevel: values['log-level'] });
try {
  const viaCache = { url: `${platform.gatewayUrl}/v1/chat/completions`, body: JSON.stringify({ model: 'mock-echo', temperature: 0, messages }), headers: { authorization: `Bearer ${BENCH_KEY}` } };
  const direct = { url: `${platform.mockUrl}/v1/chat/completions`, body: JSON.stringify({ model: 'echo', temperature: 0, messages }) };
  // The first request fills the cache; check the rest are hits.
  const first = await fetch(viaCache.url, { method: 'POST', headers: { ...viaCache.headers, 'content-type': 'application/json' }, body: viaCache.body });
  await first.text();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const check = await fetch(viaCache.url, { method: 'POST', headers: { ...viaCache.headers, 'content-type': 'application/json' }, body: viaCache.body });
  await check.text();
  if (check.headers.get('x-switchyard-cache') !== 'hit') throw new Error(`expected a cache hit, got ${check.headers.get('x-switchyard-cache')}`);

  process.stdout.write('warming up (2 s)…\n');
  await runOpenLoop({ ...viaCache, rate, durationSeconds: 2 });
  process.stdout.write(`${rate} req/s for ${duration} s each…\n`);
  const mock = await runOpenLoop({ ...direct, rate, durationSeconds: duration });
  const hits = await runOpenLoop({ ...viaCache, rate, durationSeconds: duration });

  console.log('\n| | p50 | p90 | p99 | errors |');
  console.log('|---|---:|---:|---:|---:|');
  console.log(`| mock upstream, direct | ${fmt(mock.p50)} ms | ${fmt(mock.p90)} ms | ${fmt(mock.p99)} ms | ${mock.errors} |`);
  console.log(`| Switchyard, cache hit | ${fmt(hits.p50)} ms | ${fmt(hits.p90)} ms | ${fmt(hits.p99)} ms | ${hits.errors} |`);
  console.log(`\ncache hit vs a bare HTTP answer: p50 +${fmt(hits.p50 - mock.p50)} ms (goal: hit server time p50 ≤ ${GOAL_MS} ms)`);
} finally {
  await platform.stop();
}
