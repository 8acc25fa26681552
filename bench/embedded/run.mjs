// The embedded provider on this machine: model load time, tokens per second
// on 1 and 2 threads, and the resident memory of worker-local with the model
// loaded against one that serves only a model server.
//   node bench/embedded/run.mjs [--model path.gguf] [--tokens 256] [--runs 5]
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createProviderAdapter } from '@switchyard/providers';
import { writeTinyLlamaGguf } from '@switchyard/testing';

const { values } = parseArgs({ options: { model: { type: 'string' }, tokens: { type: 'string', default: '256' }, runs: { type: 'string', default: '5' } } });
const tokens = Number(values.tokens);
const runs = Number(values.runs);
const dir = await mkdtemp(join(tmpdir(), 'switchyard-bench-embedded-'));
const model = values.model ?? join(dir, 'tiny.gguf');
if (values.model === undefined) await writeTinyLlamaGguf(model);
const quiet = { info() {}, warn() {} };
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

const request = { model: 'bench', messages: [{ role: 'user', content: 'hello there' }], max_tokens: tokens, temperature: 0 };
for (const threads of [1, 2]) {
  const adapter = createProviderAdapter({ name: 'bench', kind: 'embedded', threads, contextSize: tokens + 128, log: quiet });
  const started = performance.now();
  await adapter.preload(model);
  const loadMs = performance.now() - started;
  const rates = [];
  for (let run = 0; run < runs; run++) {
    const t0 = performance.now();
    const completion = await adapter.generate({ model, request });
    rates.push(completion.usage.completion_tokens / ((performance.now() - t0) / 1000));
  }
  const { models } = await adapter.state();
  console.log(
    JSON.stringify({ threads, firstLoadMs: Math.round(loadMs), modelLoadMs: models[0].loadMs, tokensPerSecond: Math.round(median(rates)), fileBytes: models[0].fileBytes }),
  );
  await adapter.close();
}

/** Starts worker-local on `config` and answers its resident set once it is ready (and after its preloads). */
async function workerRss(config) {
  const path = join(dir, `switchyard-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(path, config);
  const child = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'apps', 'worker-local', 'dist', 'main.js')], {
    env: { DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:5432/switchyard_test', ...process.env, SWITCHYARD_CONFIG: path, LOG_LEVEL: 'info', SWITCHYARD_KEY_PREFIX: 'sybench-embedded', METRICS_PORT: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (data) => {
      output += data;
      if (output.includes('worker-local ready')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`worker-local exited with ${code}: ${output}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
}

const auth = 'auth:\n  keys:\n    - id: bench\n      key: sk-bench-0000000000000000\n';
const serverOnly = `providers:\n  server:\n    kind: ollama\n    baseUrl: http://127.0.0.1:1\n    requiresKey: false\nmodels:\n  - name: m\n    provider: server\n    model: m\n${auth}`;
const embedded = `providers:\n  embedded:\n    kind: embedded\n    threads: 1\n    contextSize: 2048\n    preload: ["${model}"]\nmodels:\n  - name: m\n    provider: embedded\n    model: "${model}"\n${auth}`;
const without = await workerRss(serverOnly);
const withModel = await workerRss(embedded);
console.log(JSON.stringify({ workerLocalRssMiB: { serverOnly: +(without / 2 ** 20).toFixed(1), embeddedLoaded: +(withModel / 2 ** 20).toFixed(1) } }));
await rm(dir, { recursive: true, force: true });
