#!/usr/bin/env node
// The tasks' golden sets as a model benchmark: every golden case of every task
// run through POST /v1/tasks/{name} on each model, its checks applied to the
// answer, and per model and task: cases passed, errors by code, latency,
// structured-output repairs and tokens.
//   node bench/tasks/run.mjs                                  # a local platform on the mock upstream
//   node bench/tasks/run.mjs --url http://127.0.0.1:8080 --key $SWITCHYARD_API_KEY --models gpt-4o-mini,llama-3.1-8b
// Options: --tasks summarize,rag-answer (all by default), --repeat N (runs of each case), --out results.json.
// Without --models, each task runs on its prompt's own model.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BENCH_KEY, startPlatformProcesses } from '../lib/platform-processes.mjs';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    key: { type: 'string', default: process.env.SWITCHYARD_API_KEY ?? '' },
    models: { type: 'string', default: '' },
    tasks: { type: 'string', default: '' },
    repeat: { type: 'string', default: '1' },
    out: { type: 'string' },
  },
});

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const load = createRequire(join(root, 'package.json'));
const { TASKS, runGoldenChecks } = load('./packages/tasks/dist/index.js');

let platform;
let url = values.url;
let key = values.key;
let models = values.models === '' ? [undefined] : values.models.split(',');
if (url === undefined) {
  // The prompts name the `default` alias; the local platform's only model is the mock's.
  platform = await startPlatformProcesses({ env: { SWITCHYARD_PROMPTS_DIR: join(root, 'prompts') } });
  url = platform.gatewayUrl;
  key = BENCH_KEY;
  if (values.models === '') models = ['mock-echo'];
}
const only = values.tasks === '' ? undefined : new Set(values.tasks.split(','));
const repeat = Number(values.repeat);

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

const rows = [];
try {
  for (const model of models) {
    for (const task of TASKS.values()) {
      if (only !== undefined && !only.has(task.name)) continue;
      const row = { model: model ?? '(prompt)', task: task.name, cases: 0, passed: 0, errors: {}, failures: [], latencies: [], repairs: 0, tokens: 0 };
      for (const golden of task.golden) {
        for (let i = 0; i < repeat; i++) {
          row.cases++;
          const started = performance.now();
          const response = await fetch(`${url}/v1/tasks/${task.name}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify({ input: golden.input, ...(model === undefined ? {} : { model }) }),
          });
          const body = await response.json();
          row.latencies.push(performance.now() - started);
          if (!response.ok) {
            const code = body.error?.code ?? String(response.status);
            row.errors[code] = (row.errors[code] ?? 0) + 1;
            continue;
          }
          row.repairs += Number(response.headers.get('x-switchyard-repairs') ?? 0);
          row.tokens += body.usage?.total_tokens ?? 0;
          const failed = runGoldenChecks(golden.checks, golden.input, body.output);
          if (failed.length === 0) row.passed++;
          else row.failures.push({ case: golden.name, failed });
        }
      }
      const sorted = [...row.latencies].sort((a, b) => a - b);
      rows.push({ ...row, p50_ms: Math.round(percentile(sorted, 50)), p95_ms: Math.round(percentile(sorted, 95)), latencies: undefined });
    }
  }
} finally {
  await platform?.stop();
}

console.log('model\ttask\tpassed/cases\terrors\tp50 ms\tp95 ms\trepairs\ttokens');
for (const row of rows) {
  const errors = Object.entries(row.errors).map(([code, n]) => `${code}×${n}`).join(',') || '-';
  console.log(`${row.model}\t${row.task}\t${row.passed}/${row.cases}\t${errors}\t${row.p50_ms}\t${row.p95_ms}\t${row.repairs}\t${row.tokens}`);
}
for (const row of rows) for (const failure of row.failures) console.log(`${row.model} ${row.task} "${failure.case}": ${failure.failed.join('; ')}`);
if (values.out !== undefined) writeFileSync(values.out, `${JSON.stringify(rows, null, 2)}\n`);
