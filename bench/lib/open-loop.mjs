import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

/**
 * Open-loop load: requests start on a fixed schedule whether or not earlier
 * ones have finished, so a slow server cannot slow the load down and hide its
 * own queueing (coordinated omission). Latency is measured from the scheduled
 * start, with microsecond resolution.
 */
export async function runOpenLoop({ url, body, headers = {}, rate, durationSeconds, connections = 64, method = 'POST' }) {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const total = Math.round(rate * durationSeconds);
  const intervalMs = 1000 / rate;
  const latencies = new Float64Array(total);
  let errors = 0;
  let done = 0;
  const started = performance.now();
  const requestHeaders = { 'content-type': 'application/json', ...headers };

  await new Promise((resolve) => {
    let sent = 0;
    const fire = (scheduledAt) => {
      pool
        .request({ path: target.pathname, method, headers: requestHeaders, body })
        .then(async (response) => {
          await response.body.text();
          if (response.statusCode !== 200) errors++;
        })
        .catch(() => errors++)
        .finally(() => {
          latencies[done++] = performance.now() - scheduledAt;
          if (done === total) resolve();
        });
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && started + sent * intervalMs <= now) {
        fire(started + sent * intervalMs);
        sent++;
      }
      if (sent < total) setTimeout(tick, Math.max(0, started + sent * intervalMs - performance.now() - 0.2));
    };
    tick();
  });
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.at(-1), rps: total / elapsed, total, errors };
}
