import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BenchmarkRun } from '../run-benchmark';
import { tableOf } from './table';

const resolveModule = createRequire(__filename).resolve;

/** uPlot's script and stylesheet, read from node_modules so the report needs no network. */
function uplotAssets(): { script: string; style: string } {
  const script = readFileSync(resolveModule('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const style = readFileSync(resolveModule('uplot/dist/uPlot.min.css'), 'utf8');
  return { script, style };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON safe inside a <script> element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/**
 * A self-contained page: the table, a latency chart (each model's sorted
 * latencies, so percentiles read off the x axis) and a bar chart per figure.
 */
export function htmlReport(run: BenchmarkRun): string {
  const { script, style } = uplotAssets();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Switchyard model benchmark ${escapeHtml(run.id)}</title>
<style>${style}
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}pre{background:#f6f6f6;padding:1rem;overflow:auto}
.charts{display:flex;flex-wrap:wrap;gap:1.5rem}h2{font-size:1.1rem}</style></head>
<body>
<h1>Model benchmark: ${escapeHtml(run.suite)}</h1>
<p>${escapeHtml(run.created_at)} · ${run.cases} cases × ${run.runs} run(s) · concurrency ${run.concurrency} · ${escapeHtml(run.models.join(', '))}</p>
<pre id="table">${escapeHtml(tableOf(run))}</pre>
<div class="charts">
<div><h2>Latency by percentile (ms)</h2><div id="latency"></div></div>
<div><h2>Quality score (%)</h2><div id="quality"></div></div>
<div><h2>Output tokens/s</h2><div id="throughput"></div></div>
<div><h2>Cost per 1,000 requests (USD)</h2><div id="cost"></div></div>
</div>
<script id="benchmark-data" type="application/json">${scriptJson(run)}</script>
<script>${script}</script>
<script>
const run = JSON.parse(document.getElementById('benchmark-data').textContent);
const colours = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];
const models = run.models;
// Each model's latencies sorted and spread over 0..100, so one x axis serves models of different counts.
const grid = Array.from({ length: 101 }, (_, i) => i);
const curves = models.map((m) => {
  const sorted = [...(run.latencies_ms[m] || [])].sort((a, b) => a - b);
  return grid.map((p) => (sorted.length === 0 ? null : sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]));
});
new uPlot({ width: 560, height: 300, scales: { x: { time: false } }, axes: [{ label: 'percentile' }, { label: 'ms' }],
  series: [{}, ...models.map((m, i) => ({ label: m, stroke: colours[i % colours.length], width: 2 }))] },
  [grid, ...curves], document.getElementById('latency'));
// Bars from zero, so two models' heights compare; quality has a fixed 0..100 scale.
function bars(id, values, top) {
  const xs = models.map((_, i) => i + 1);
  const highest = Math.max(0, ...values.filter((v) => v !== null));
  new uPlot({ width: 360, height: 240,
    scales: { x: { time: false, range: [0.5, models.length + 0.5] }, y: { range: () => [0, top ?? (highest > 0 ? highest * 1.1 : 1)] } },
    axes: [{ values: (_, ticks) => ticks.map((t) => models[t - 1] ?? ''), splits: () => xs }, {}],
    series: [{ label: 'model', value: (_, x) => (x == null ? '--' : models[x - 1]) },
      { label: id, fill: '#1f77b455', stroke: '#1f77b4', paths: uPlot.paths.bars({ size: [0.6] }), points: { show: false } }] },
    [xs, values], document.getElementById(id));
}
bars('quality', models.map((m) => run.results[m].quality_score === null ? null : run.results[m].quality_score * 100), 100);
bars('throughput', models.map((m) => run.results[m].output_tokens_per_s));
bars('cost', models.map((m) => run.results[m].cost_per_1k_requests_usd));
</script>
</body></html>
`;
}
