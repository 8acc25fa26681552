#!/usr/bin/env node
// Streaming: time to first token against the mock upstream directly and
// through Switchyard (gateway → BullMQ → worker-cloud → mock → Redis pub/sub
// → gateway SSE), in one run; then many concurrent streams at once with the
// gateway's resident memory sampled throughout.
//   node bench/streaming/run.mjs [--duration 10] [--rate 100] [--streams 1000] [--words 40] [--tps 20] [--json figures.json]
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { figure, writeFigures } from '../lib/figures.mjs';
import { fmt } from '../lib/load.mjs';
import { BENCH_KEY, startPlatformProcesses } from '../lib/platform-processes.mjs';
import { residentMb } from '../lib/process-cpu.mjs';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    rate: { type: 'string', default: '100' },
    streams: { type: 'string', default: '1000' },
    words: { type: 'string', default: '40' },
    tps: { type: 'string', default: '20' },
    'log-level': { type: 'string', default: 'info' },
    json: { type: 'string' },
  },
});
const duration = Number(values.duration);
const rate = Number(values.rate);
const streams = Number(values.streams);
const words = Number(values.words);
const tps = Number(values.tps);

const prompt = Array.from({ length: words }, (_, i) => `word${i}`).join(' ');
const body = (model) => JSON.stringify({ model, messages: [{ role: 'user', content: prompt }], stream: true });

/**
 * One streamed request: resolves with the time to the first content chunk and
 * the whole text, checked against what was asked for (the echo model repeats it).
 */
async function streamOnce(pool, path, payload, headers, startedAt) {
  const response = await pool.request({ path, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });
  if (response.statusCode !== 200) {
    await response.body.text();
    throw new Error(`status ${response.statusCode}`);
  }
  let firstTokenMs;
  let text = '';
  let pending = '';
  for await (const piece of response.body) {
    pending += piece.toString('utf8');
    let end = pending.indexOf('\n\n');
    while (end >= 0) {
      const event = pending.slice(0, end);
      pending = pending.slice(end + 2);
      end = pending.indexOf('\n\n');
      if (!event.startsWith('data: ') || event === 'data: [DONE]') continue;
      const content = JSON.parse(event.slice(6)).choices?.[0]?.delta?.content;
      if (content) {
        firstTokenMs ??= performance.now() - startedAt;
        text += content;
      }
    }
  }
  return { firstTokenMs, text };
}

/** Open loop: streams start on schedule whether or not earlier ones finished. */
async function timeToFirstToken(origin, path, payload, headers) {
  const pool = new Pool(origin, { connections: 256, pipelining: 1, keepAliveTimeout: 30_000 });
  const total = Math.round(rate * duration);
  const firstTokens = [];
  let errors = 0;
  const started = performance.now();
  const runs = [];
  for (let sent = 0; sent < total; sent++) {
    const scheduledAt = started + (sent * 1000) / rate;
    const wait = scheduledAt - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    runs.push(
      streamOnce(pool, path, payload, headers, scheduledAt).then(
        (result) => (result.text === prompt ? firstTokens.push(result.firstTokenMs) : errors++),
        () => errors++,
      ),
    );
  }
  await Promise.all(runs);
  await pool.close();
  firstTokens.sort((a, b) => a - b);
  const at = (q) => firstTokens[Math.min(firstTokens.length - 1, Math.floor(q * firstTokens.length))];
  return { p50: at(0.5), p99: at(0.99), total, errors };
}

const platform = await startPlatformProcesses({
  logLevel: values['log-level'],
  workerConcurrency: Math.max(64, streams),
  models: [{ name: 'paced-echo', provider: 'mock', model: `echo@tps=${tps}` }],
});
const gatewayHeaders = { authorization: `Bearer ${BENCH_KEY}` };
try {
  process.stdout.write('warming up…\n');
  await timeToFirstToken(platform.gatewayUrl, '/v1/chat/completions', body('mock-echo'), gatewayHeaders);

  process.stdout.write(`time to first token, ${rate} streams/s for ${duration} s each…\n`);
  const direct = await timeToFirstToken(platform.mockUrl, '/v1/chat/completions', body('echo'), {});
  const via = await timeToFirstToken(platform.gatewayUrl, '/v1/chat/completions', body('mock-echo'), gatewayHeaders);

  process.stdout.write(`${streams} concurrent streams of ${words} tokens at ${tps} tokens/s…\n`);
  const gatewayPid = platform.pids.gateway;
  const idleMb = residentMb(gatewayPid);
  let peakMb = idleMb;
  const sampler = setInterval(() => {
    peakMb = Math.max(peakMb, residentMb(gatewayPid));
  }, 50);
  const pool = new Pool(platform.gatewayUrl, { connections: streams, pipelining: 1, keepAliveTimeout: 30_000 });
  const started = performance.now();
  const results = await Promise.allSettled(
    Array.from({ length: streams }, () => streamOnce(pool, '/v1/chat/completions', body('paced-echo'), gatewayHeaders, performance.now())),
  );
  const wallS = (performance.now() - started) / 1000;
  clearInterval(sampler);
  await pool.close();
  const whole = results.filter((r) => r.status === 'fulfilled' && r.value.text === prompt).length;

  console.log('\n| | direct to mock | through Switchyard | added |');
  console.log('|---|---:|---:|---:|');
  console.log(`| time to first token p50 | ${fmt(direct.p50)} ms | ${fmt(via.p50)} ms | +${fmt(via.p50 - direct.p50)} ms |`);
  console.log(`| time to first token p99 | ${fmt(direct.p99)} ms | ${fmt(via.p99)} ms | +${fmt(via.p99 - direct.p99)} ms |`);
  console.log(`| streams (errors) | ${direct.total} (${direct.errors}) | ${via.total} (${via.errors}) | |`);
  console.log(`\n${streams} concurrent streams: ${whole} whole and in order, ${streams - whole} not, in ${fmt(wallS, 1)} s`);
  console.log(`gateway resident memory: ${fmt(idleMb, 0)} MB before, ${fmt(peakMb, 0)} MB at peak`);
  writeFigures(values.json, 'streaming', {
    'first token p50, through': figure(via.p50, 'ms', 'lower'),
    'first token p99, through': figure(via.p99, 'ms', 'lower'),
    'first token p50, added': figure(via.p50 - direct.p50, 'ms', 'lower'),
    'first token p99, added': figure(via.p99 - direct.p99, 'ms', 'lower'),
    'stream errors': figure(via.errors, 'count', 'lower'),
    [`${streams} concurrent streams, not whole`]: figure(streams - whole, 'count', 'lower'),
    [`${streams} concurrent streams, wall time`]: figure(wallS, 's', 'lower'),
    'gateway memory at peak': figure(peakMb, 'MB', 'lower'),
  });
} finally {
  await platform.stop();
}
