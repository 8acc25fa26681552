#!/usr/bin/env node
// Response cache: the same deterministic request answered by the mock
// upstream directly, and by Switchyard from its cache (after one miss fills
// it), at a fixed rate in one run. A hit never reaches the queue, so its time
// is the gateway's own: auth, validation, routing, one Redis round trip.
// Then the cost of per-key limits: the same hits with a key that has all
// five limits (requests, tokens, budgets) against one with none, and the
// auth and limit steps timed in process with the gateway's own code.
//   node bench/cache/run.mjs [--duration 10] [--rate 500]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fmt } from '../lib/load.mjs';
import { runOpenLoop } from '../lib/open-loop.mjs';
import { BENCH_KEY, startPlatformProcesses } from '../lib/platform-processes.mjs';
import { measureAuthAndLimits } from './auth-limits-cost.mjs';

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
const LIMITS_GOAL_MS = 0.3;
const ADMIN_KEY = 'sk-bench-admin-0000000000000000';

const messages = [{ role: 'user', content: 'What is the capital of France?' }];
const platform = await startPlatformProcesses({ logLevel: values['log-level'], env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY } });
try {
  const viaCache = { url: `${platform.gatewayUrl}/v1/chat/completions`, body: JSON.stringify({ model: 'mock-echo', temperature: 0, messages }), headers: { authorization: `Bearer ${BENCH_KEY}` } };
  const direct = { url: `${platform.mockUrl}/v1/chat/completions`, body: JSON.stringify({ model: 'echo', temperature: 0, messages }) };
  const limitedKey = await keyWithAllLimits();
  const viaLimitedKey = { ...viaCache, headers: { authorization: `Bearer ${limitedKey}` } };
  // The first request of each tenant fills its cache; check the rest are hits.
  await fillCache(viaCache);
  await fillCache(viaLimitedKey);

  process.stdout.write('warming up (2 s)…\n');
  await runOpenLoop({ ...viaCache, rate, durationSeconds: 2 });
  process.stdout.write(`${rate} req/s for ${duration} s each…\n`);
  const mock = await runOpenLoop({ ...direct, rate, durationSeconds: duration });
  // The two keys take turns, three rounds each, so a drift of the machine falls on both alike.
  const rounds = { hits: [], limitedHits: [] };
  const cpu = { hits: 0, limitedHits: 0 };
  for (let round = 0; round < 3; round++) {
    for (const [name, target] of [['hits', viaCache], ['limitedHits', viaLimitedKey]]) {
      const before = gatewayCpuMs();
      rounds[name].push(await runOpenLoop({ ...target, rate, durationSeconds: duration / 3 }));
      cpu[name] += gatewayCpuMs() - before;
    }
  }
  const perRequestUs = (name) => (cpu[name] * 1000) / (rate * duration);
  const hits = medianRound(rounds.hits);
  const limitedHits = medianRound(rounds.limitedHits);
  const inProcess = await measureAuthAndLimits({ configPath: platform.config, prefix: platform.prefix });

  console.log('\n| | p50 | p90 | p99 | errors |');
  console.log('|---|---:|---:|---:|---:|');
  console.log(`| mock upstream, direct | ${fmt(mock.p50)} ms | ${fmt(mock.p90)} ms | ${fmt(mock.p99)} ms | ${mock.errors} |`);
  console.log(`| Switchyard, cache hit | ${fmt(hits.p50)} ms | ${fmt(hits.p90)} ms | ${fmt(hits.p99)} ms | ${hits.errors} |`);
  console.log(`| Switchyard, cache hit, key with all five limits | ${fmt(limitedHits.p50)} ms | ${fmt(limitedHits.p90)} ms | ${fmt(limitedHits.p99)} ms | ${limitedHits.errors} |`);
  console.log(`\ncache hit vs a bare HTTP answer: p50 +${fmt(hits.p50 - mock.p50)} ms (goal: hit server time p50 ≤ ${GOAL_MS} ms)`);
  console.log(`all five key limits vs none, over HTTP: p50 +${fmt(limitedHits.p50 - hits.p50)} ms`);
  if (cpu.hits > 0) console.log(`gateway CPU per cache hit: ${perRequestUs('hits').toFixed(0)} µs without limits, ${perRequestUs('limitedHits').toFixed(0)} µs with all five`);
  console.log('\nin process, each step on its own (sequential, real Redis):\n');
  console.log('| step | p50 | p99 |');
  console.log('|---|---:|---:|');
  for (const [step, t] of Object.entries(inProcess)) console.log(`| ${step} | ${t.p50.toFixed(3)} ms | ${t.p99.toFixed(3)} ms |`);
  // Both keys pay for auth, so the HTTP difference is the limits alone; auth is added from its in-process time.
  const added = limitedHits.p50 - hits.p50 + inProcess.auth.p50;
  console.log(`\nadded by auth + all five limits: p50 +${fmt(added)} ms (limits over HTTP + auth in process; goal ≤ ${LIMITS_GOAL_MS} ms)`);
  console.log('(the limits round trip runs while the request is validated, routed and looked up in the cache, so it costs less than in sequence)');
} finally {
  await platform.stop();
}

/** The gateway's CPU time so far (user + system), from /proc; 0 where there is none. */
function gatewayCpuMs() {
  try {
    const fields = readFileSync(`/proc/${platform.pids.gateway}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * (1000 / 100);
  } catch {
    return 0;
  }
}

/** The round with the median p50. */
function medianRound(results) {
  return [...results].sort((a, b) => a.p50 - b.p50)[Math.floor(results.length / 2)];
}

async function post(target) {
  const response = await fetch(target.url, { method: 'POST', headers: { ...target.headers, 'content-type': 'application/json' }, body: target.body });
  await response.text();
  return response;
}

async function fillCache(target) {
  await post(target);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const check = await post(target);
  if (check.headers.get('x-switchyard-cache') !== 'hit') throw new Error(`expected a cache hit, got ${check.headers.get('x-switchyard-cache')}`);
}

/** A key whose every request runs all five limits (set far above the load, so none refuses). */
async function keyWithAllLimits() {
  const admin = (path, body) =>
    fetch(`${platform.gatewayUrl}/admin${path}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const tenant = `bench-${platform.prefix}`.slice(0, 60);
  await admin('/tenants', { id: tenant, name: 'bench' });
  const limits = { requestsPerMinute: 1e9, requestsPerDay: 1e9, tokensPerMinute: 1e9, budgetUsdPerDay: 1e6, budgetUsdPerMonth: 1e6 };
  const created = await admin(`/tenants/${tenant}/keys`, { name: 'limited', limits });
  if (created.status !== 201) throw new Error(`could not create the limited key: ${created.status} ${await created.text()}`);
  return (await created.json()).key;
}
