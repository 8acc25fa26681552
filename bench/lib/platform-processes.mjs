// Starts the mock upstream, worker-cloud and gateway as separate processes,
// exactly as `npm start` does, on free ports and a private Redis key prefix.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// SWITCHYARD_BENCH_ROOT points the benches at another checkout's built dist
// folders (bench/compare runs a base revision that way, with today's harness).
export const root = process.env.SWITCHYARD_BENCH_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BENCH_KEY = 'sk-bench-switchyard-000000000';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts one of the platform's processes from its built entry file; `flags` go to node before BENCH_NODE_FLAGS. */
export function launch(name, script, env, flags = []) {
  const benchFlags = process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : [];
  const child = spawn(process.execPath, [...flags, ...benchFlags, join(root, script)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => {
    if (output.length < 100_000) output += chunk;
  });
  child.stderr.on('data', (chunk) => process.stderr.write(`[${name}] ${chunk}`));
  return { name, child, output: () => output };
}

export async function waitUntil(check, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not become ready`);
}

/**
 * Options beyond the defaults, all backward compatible:
 * - `providers`: provider names, each an openai-compatible provider aimed at the
 *   same mock (default `['mock']`); each gets its own queue.
 * - `models`: extra routing-file models, `{ name, provider, model, fallbacks? }`,
 *   appended after `mock-echo`.
 * - `gateway`: false starts only the mock and worker-cloud.
 * - `env`: extra environment for all three processes.
 */
export async function startPlatformProcesses({
  mockLatencyMs = 0,
  workerConcurrency = 64,
  logLevel = 'info',
  providers = ['mock'],
  models = [],
  gateway = true,
  env: extraEnv = {},
} = {}) {
  const [mockPort, gatewayPort] = await Promise.all([freePort(), freePort()]);
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const config = join(dir, 'switchyard.yaml');
  writeFileSync(
    config,
    `providers:\n${[...new Set(providers)].map((name) => `  ${name}:\n    kind: openai-compatible\n    baseUrl: http://127.0.0.1:${mockPort}/v1\n    requiresKey: false\n`).join('')}` +
      `models:\n  - name: mock-echo\n    provider: ${providers.includes('mock') ? 'mock' : providers[0]}\n    model: echo\n    price: { inputPerMillion: 2.5, outputPerMillion: 10 }\n` +
      models
        .map((m) => `  - name: ${m.name}\n    provider: ${m.provider}\n    model: "${m.model}"\n${m.fallbacks?.length ? `    fallbacks: [${m.fallbacks.join(', ')}]\n` : ''}`)
        .join('') +
      `auth:\n  keys:\n    - id: bench\n      key: ${BENCH_KEY}\n`,
  );
  const prefix = `sybench-${randomUUID().slice(0, 8)}`;
  const env = {
    ...process.env,
    SWITCHYARD_CONFIG: config,
    SWITCHYARD_KEY_PREFIX: prefix,
    LOG_LEVEL: logLevel,
    HOST: '127.0.0.1',
    PORT: String(gatewayPort),
    WORKER_CONCURRENCY: String(workerConcurrency),
    MOCK_PORT: String(mockPort),
    MOCK_LATENCY_MS: String(mockLatencyMs),
    MOCK_RECORD: '0',
    ...extraEnv,
  };
  const processes = [
    launch('mock', 'packages/testing/dist/mock-upstream-cli.js', env),
    launch('worker-cloud', 'apps/worker-cloud/dist/main.js', env),
    ...(gateway ? [launch('gateway', 'apps/gateway/dist/main.js', env)] : []),
  ];
  const mockUrl = `http://127.0.0.1:${mockPort}`;
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  await waitUntil(async () => (await fetch(`${mockUrl}/health`)).ok, 'mock upstream');
  if (gateway) await waitUntil(async () => (await fetch(`${gatewayUrl}/readyz`)).ok, 'gateway');
  await waitUntil(async () => processes[1].output().includes('worker-cloud ready'), 'worker-cloud');
  return {
    mockUrl,
    gatewayUrl: gateway ? gatewayUrl : undefined,
    prefix,
    config,
    pids: Object.fromEntries(processes.map((p) => [p.name, p.child.pid])),
    async stop() {
      for (const p of processes) p.child.kill('SIGTERM');
      await Promise.all(processes.map((p) => new Promise((resolve) => (p.child.exitCode !== null ? resolve() : p.child.once('exit', resolve)))));
    },
  };
}
