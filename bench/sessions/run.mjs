#!/usr/bin/env node
// What a session turn adds over a plain chat request: the same gateway,
// worker-cloud and mock upstream processes, one request at a time, a plain
// request and a turn in a long session taking turns, so both see the same
// machine. The session is warmed to 100 turns first and keeps growing while it
// is measured (its window is cut as it goes). The plain request carries the
// history itself, as a client without sessions must.
//   node bench/sessions/run.mjs [--iterations 300] [--warm-turns 100]
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { BENCH_KEY, startPlatformProcesses } from '../lib/platform-processes.mjs';

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '300' },
    'warm-turns': { type: 'string', default: '100' },
    'log-level': { type: 'string', default: 'info' },
  },
});
const iterations = Number(values.iterations);
const warmTurns = Number(values['warm-turns']);
const SYSTEM = 'You are a concise assistant for the benchmark. Answer in one line.';
const WINDOW = { max_tokens: 4000 };

const platform = await startPlatformProcesses({ logLevel: values['log-level'] });
const headers = { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' };
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

async function post(path, body) {
  const t0 = performance.now();
  const response = await fetch(`${platform.gatewayUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await response.text();
  const ms = performance.now() - t0;
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${text.slice(0, 300)}`);
  return { ms, body: JSON.parse(text) };
}

const said = (i) => `Message number ${i}: what should the benchmark check next, and why?`;

async function evalshaCalls() {
  const info = await redis.info('commandstats');
  return Number(/cmdstat_evalsha:calls=(\d+)/.exec(info)?.[1] ?? 0);
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const summary = (samples) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), mean: samples.reduce((a, b) => a + b, 0) / samples.length };
};

try {
  const created = await post('/v1/sessions', { model: 'mock-echo', system: SYSTEM, window: WINDOW });
  const id = created.body.id;
  // What a client without sessions keeps and sends: the whole conversation (trimmed here to about the session's window).
  const history = [];
  let turn = 0;
  const sessionTurn = async () => {
    turn++;
    const answer = await post(`/v1/sessions/${id}/messages`, { messages: [{ role: 'user', content: said(turn) }] });
    history.push({ role: 'user', content: said(turn) }, { role: 'assistant', content: answer.body.choices[0].message.content });
    return answer.ms;
  };
  for (let i = 0; i < warmTurns; i++) await sessionTurn();
  // The plain request gets as many history messages as the session's window holds at most (a bit more, never less).
  const plainMessages = () => [{ role: 'system', content: SYSTEM }, ...history.slice(-120), { role: 'user', content: said(turn + 1) }];
  for (let i = 0; i < 50; i++) await post('/v1/chat/completions', { model: 'mock-echo', messages: plainMessages() });

  const plain = [];
  const plainShort = [];
  const session = [];
  const scriptsBefore = await evalshaCalls();
  let scriptsInTurns = 0;
  for (let i = 0; i < iterations; i++) {
    plain.push((await post('/v1/chat/completions', { model: 'mock-echo', messages: plainMessages() })).ms);
    plainShort.push((await post('/v1/chat/completions', { model: 'mock-echo', messages: [{ role: 'user', content: said(turn + 1) }] })).ms);
    const before = await evalshaCalls();
    session.push(await sessionTurn());
    scriptsInTurns += (await evalshaCalls()) - before;
  }
  const scriptsAll = (await evalshaCalls()) - scriptsBefore;
  const s = summary(session);
  const p = summary(plain);
  const q = summary(plainShort);
  const row = (name, x) => `| ${name} | ${x.p50.toFixed(2)} | ${x.p90.toFixed(2)} | ${x.p99.toFixed(2)} | ${x.mean.toFixed(2)} |`;
  console.log(`\nSession turns ${warmTurns + 1}-${turn} (window ${JSON.stringify(WINDOW)}), ${iterations} of each, one at a time:\n`);
  console.log('| Request | p50 ms | p90 ms | p99 ms | mean ms |');
  console.log('| --- | --- | --- | --- | --- |');
  console.log(row('plain chat, same history sent by the client', p));
  console.log(row('plain chat, one message', q));
  console.log(row('session turn', s));
  console.log(`\nAdded by a session turn, p50: ${(s.p50 - p.p50).toFixed(2)} ms over the plain request with the history, ${(s.p50 - q.p50).toFixed(2)} ms over one message.`);
  console.log(`Lua scripts (EVALSHA) per session turn, all processes: ${(scriptsInTurns / iterations).toFixed(2)} (whole run incl. plain requests: ${(scriptsAll / iterations).toFixed(2)} per iteration).`);
} finally {
  redis.disconnect();
  await platform.stop();
}
