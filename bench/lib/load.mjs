import autocannon from 'autocannon';

/** One autocannon run; returns latency percentiles in ms and throughput in requests/s. */
export async function runLoad({ url, body, headers = {}, connections, durationSeconds, overallRate }) {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    connections,
    duration: durationSeconds,
    ...(overallRate ? { overallRate } : {}),
  });
  const errors = result.errors + result.timeouts + result.non2xx;
  return {
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    rps: result.requests.average,
    total: result.requests.total,
    errors,
  };
}

export function ratio(a, b) {
  return b === 0 ? Number.NaN : a / b;
}

export function fmt(n, digits = 2) {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}
