#!/usr/bin/env node
// Idle resident memory of each long-running process, started as `npm start`
// starts it (scripts/start.mjs: the same entry files, the repository's
// switchyard.yaml, the mock upstream as the stand-in provider), on free ports
// and a private Redis key prefix. Each is read once all are ready and have
// settled, against the goals in docs/benchmarks.md, with its V8 heap beside
// it: what RSS holds beyond the heap is code, native libraries and buffers.
// With --rounds N the platform is started N times and each figure is the median.
//   node bench/memory/run.mjs [--rounds 3] [--settle 5] [--modules 12] [--json figures.json]
// worker-local exits at once under `npm start` when no local provider is on;
// here Ollama is switched on (at an address nothing answers) so that it stays.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { figure, writeFigures } from '../lib/figures.mjs';
import { fmt } from '../lib/load.mjs';
import { freePort, launch, root, waitUntil } from '../lib/platform-processes.mjs';
import { residentMb } from '../lib/process-cpu.mjs';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '1' },
    settle: { type: 'string', default: '5' },
    modules: { type: 'string', default: '0' },
    json: { type: 'string' },
  },
});
const settleMs = Number(values.settle) * 1000;
const MB = 2 ** 20;

/** Idle RSS each process should stay under, in MB (issue 18). The mock upstream is a stand-in: no goal. */
const GOALS_MB = { gateway: 100, 'worker-cloud': 100, 'worker-local': 100, 'webhook-dispatcher': 60 };

// This checkout's reporter, also when SWITCHYARD_BENCH_ROOT points the processes at another's build.
const flags = ['--require', join(dirname(fileURLToPath(import.meta.url)), 'report-memory.cjs')];

/** A process's own report (report-memory.cjs), asked for with SIGUSR2. */
async function ownReport(p, reportDir) {
  const file = join(reportDir, `${p.child.pid}.json`);
  p.child.kill('SIGUSR2');
  await waitUntil(async () => existsSync(file), `${p.name}'s memory report`, 5000);
  await new Promise((r) => setTimeout(r, 50));
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Starts the platform, waits until every process is ready and settled, and reads each one. */
async function measureOnce() {
  const [mockPort, gatewayPort, nobodyPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const reportDir = mkdtempSync(join(tmpdir(), 'switchyard-memory-'));
  const env = {
    SWITCHYARD_MOCK_URL: `http://127.0.0.1:${mockPort}/v1`,
    ...process.env,
    SWITCHYARD_CONFIG: process.env.SWITCHYARD_CONFIG ?? join(root, 'switchyard.yaml'),
    SWITCHYARD_KEY_PREFIX: `sybench-${randomUUID().slice(0, 8)}`,
    // No embedded model: its weights would be the model's memory, not the process's.
    SWITCHYARD_EMBEDDED_DEFAULT: 'off',
    OLLAMA_ENABLED: 'true',
    OLLAMA_URL: `http://127.0.0.1:${nobodyPort}`,
    WEBHOOK_SECRET: process.env.WEBHOOK_SECRET ?? `whsec_${randomBytes(32).toString('base64')}`,
    HOST: '127.0.0.1',
    MOCK_PORT: String(mockPort),
    MOCK_RECORD: '0',
    MEMORY_REPORT_DIR: reportDir,
  };
  const services = [
    ['mock', 'packages/testing/dist/mock-upstream-cli.js', {}],
    ['worker-cloud', 'apps/worker-cloud/dist/main.js', {}],
    ['worker-local', 'apps/worker-local/dist/main.js', {}],
    ['webhook-dispatcher', 'apps/webhook-dispatcher/dist/main.js', {}],
    ['gateway', 'apps/gateway/dist/main.js', { PORT: String(gatewayPort) }],
  ];
  const processes = services.map(([name, script, own]) => launch(name, script, { ...env, ...own }, flags));
  const ready = {
    mock: async () => (await fetch(`http://127.0.0.1:${mockPort}/health`)).ok,
    gateway: async () => (await fetch(`http://127.0.0.1:${gatewayPort}/readyz`)).ok,
  };
  try {
    await Promise.all(
      processes.map((p) =>
        waitUntil(async () => {
          if (p.child.exitCode !== null) throw new Error(`${p.name} exited (${p.child.exitCode})`);
          return ready[p.name] ? ready[p.name]() : p.output().includes(`${p.name} ready`);
        }, p.name),
      ),
    );
    await new Promise((r) => setTimeout(r, settleMs));
    const rows = [];
    for (const p of processes) rows.push({ name: p.name, rssMb: residentMb(p.child.pid), report: await ownReport(p, reportDir) });
    return rows;
  } finally {
    for (const p of processes) p.child.kill('SIGTERM');
    await Promise.all(processes.map((p) => new Promise((resolve) => (p.child.exitCode !== null ? resolve() : p.child.once('exit', resolve)))));
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

const rounds = [];
for (let i = 0; i < Number(values.rounds); i++) {
  process.stdout.write(`round ${i + 1}: starting the platform, ${values.settle} s settling after ready…\n`);
  rounds.push(await measureOnce());
}
const rows = rounds[0].map(({ name, report }, index) => {
  const of = (pick) => median(rounds.map((round) => pick(round[index])));
  return {
    name,
    rssMb: of((r) => r.rssMb),
    heapUsedMb: of((r) => r.report.heapUsed / MB),
    heapTotalMb: of((r) => r.report.heapTotal / MB),
    externalMb: of((r) => r.report.external / MB),
    modules: report.modules,
    packages: report.packages,
  };
});

console.log(`\nidle resident memory, median of ${rounds.length} start${rounds.length === 1 ? '' : 's'}`);
console.log('| process | idle RSS | goal | heap used | heap total | external | RSS beyond heap | modules |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const row of rows) {
  const goal = GOALS_MB[row.name];
  const goalCell = goal === undefined ? '–' : `${goal} MB ${row.rssMb <= goal ? '✓' : '✗'}`;
  console.log(
    `| ${row.name} | ${fmt(row.rssMb, 0)} MB | ${goalCell} | ${fmt(row.heapUsedMb, 0)} MB | ${fmt(row.heapTotalMb, 0)} MB | ${fmt(row.externalMb, 0)} MB | ${fmt(row.rssMb - row.heapTotalMb, 0)} MB | ${row.modules} |`,
  );
}
const top = Number(values.modules);
if (top > 0) {
  for (const row of rows) {
    const packages = Object.entries(row.packages).sort((a, b) => b[1] - a[1]);
    console.log(`\n${row.name}: ${row.modules} modules (CommonJS) from ${packages.length} packages; most:`);
    console.log(
      packages
        .slice(0, top)
        .map(([pkg, n]) => `  ${n}\t${pkg}`)
        .join('\n'),
    );
  }
}
writeFigures(
  values.json,
  'memory',
  Object.fromEntries(rows.filter((r) => r.name in GOALS_MB).map((r) => [`${r.name} idle RSS`, figure(r.rssMb, 'MB', 'lower')])),
);
