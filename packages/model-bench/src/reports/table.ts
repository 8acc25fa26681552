import type { BenchmarkRun } from '../run-benchmark';

const ms = (value: number | undefined) => (value === undefined ? '-' : `${Math.round(value)}`);
const pct = (value: number | null) => (value === null ? '-' : `${(value * 100).toFixed(1)}%`);

/** The run as a plain text table, one row per model. */
export function tableOf(run: BenchmarkRun): string {
  const header = ['model', 'requests', 'p50 ms', 'p95 ms', 'p99 ms', 'ttft p50 ms', 'tok/s', 'errors', '$/1k req', 'quality'];
  const rows = run.models.map((model) => {
    const r = run.results[model];
    if (r === undefined) return [model];
    return [
      model,
      String(r.requests),
      ms(r.latency_ms?.p50),
      ms(r.latency_ms?.p95),
      ms(r.latency_ms?.p99),
      ms(r.ttft_ms?.p50),
      r.output_tokens_per_s === null ? '-' : r.output_tokens_per_s.toFixed(1),
      pct(r.error_rate),
      r.cost_per_1k_requests_usd === null ? 'unknown' : `$${r.cost_per_1k_requests_usd.toFixed(4)}`,
      pct(r.quality_score),
    ];
  });
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [
    `Suite ${run.suite}: ${run.cases} cases × ${run.runs} run(s), concurrency ${run.concurrency} (run ${run.id})`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ].join('\n');
}
