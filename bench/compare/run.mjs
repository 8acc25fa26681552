#!/usr/bin/env node
// Compares the working tree against a base revision on the same machine, in
// one run: the base is checked out with `git worktree add` into a temporary
// folder, installed and built, and each bench runs against both, alternating
// base and current per round so machine noise hits both alike. The harness
// (bench/) is always today's; only the platform under it differs.
//   node bench/compare/run.mjs [--base HEAD~1] [--rounds 1] [--only sync-overhead,streaming,ingest,memory]
//                              [--duration 10] [--threshold 0.10] [--no-portkey]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fmt } from '../lib/load.mjs';

const BENCHES = ['sync-overhead', 'streaming', 'ingest', 'memory'];
const { values } = parseArgs({
  options: {
    base: { type: 'string', default: 'HEAD~1' },
    rounds: { type: 'string', default: '1' },
    only: { type: 'string', default: BENCHES.join(',') },
    duration: { type: 'string' },
    threshold: { type: 'string', default: '0.10' },
    // Portkey's figures are the same on both sides (its code does not change): skipping it halves sync-overhead's time.
    'no-portkey': { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
const threshold = Number(values.threshold);
const only = values.only.split(',').map((name) => name.trim());
const unknown = only.filter((name) => !BENCHES.includes(name));
if (unknown.length > 0) throw new Error(`--only: unknown bench ${unknown.join(', ')} (known: ${BENCHES.join(', ')})`);

const current = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = mkdtempSync(join(tmpdir(), 'switchyard-compare-'));
const baseRoot = join(work, 'base');

/** Runs a command, its output shown as it comes; throws when it fails. */
function sh(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

function git(...args) {
  return spawnSync('git', args, { cwd: current, encoding: 'utf8' }).stdout.trim();
}

function prepareBase() {
  const sha = git('rev-parse', '--verify', `${values.base}^{commit}`);
  if (!sha) throw new Error(`--base ${values.base}: no such revision`);
  process.stdout.write(`base ${values.base} = ${sha.slice(0, 10)}, checked out in ${baseRoot}\n`);
  sh('git', ['worktree', 'add', '--detach', baseRoot, sha], { cwd: current });
  // The store usually holds every package already; only go online when it does not.
  const offline = spawnSync('pnpm', ['install', '--frozen-lockfile', '--offline'], { cwd: baseRoot, stdio: 'inherit' });
  if (offline.status !== 0) sh('pnpm', ['install', '--frozen-lockfile'], { cwd: baseRoot });
  sh('pnpm', ['turbo', 'run', 'build'], { cwd: baseRoot });
  return sha;
}

/** One bench against one checkout; returns its figures. */
function runBench(bench, side, root, round) {
  const file = join(work, `${bench}-${side}-${round}.json`);
  // memory measures idle processes: it has no duration.
  const args = [
    join(current, 'bench', bench, 'run.mjs'),
    '--json',
    file,
    ...(values.duration && bench !== 'memory' ? ['--duration', values.duration] : []),
    ...(values['no-portkey'] && bench === 'sync-overhead' ? ['--no-portkey'] : []),
  ];
  process.stdout.write(`\n=== ${bench}, ${side}, round ${round + 1} of ${rounds} ===\n`);
  sh(process.execPath, args, { cwd: current, env: { ...process.env, SWITCHYARD_BENCH_ROOT: root } });
  return JSON.parse(readFileSync(file, 'utf8')).figures;
}

function median(numbers) {
  const sorted = numbers.filter((n) => n !== null).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Worse by more than the threshold, in the figure's own direction; counts going up from zero count too. */
function worse(f, base, now) {
  if (base === null || now === null) return false;
  if (base === 0) return f.better === 'lower' ? now > 0 : false;
  const change = (now - base) / Math.abs(base);
  return f.better === 'lower' ? change > threshold : change < -threshold;
}

function table(bench, baseRuns, currentRuns) {
  const lines = [`## ${bench}`, '', '| figure | base | current | ratio | |', '|---|---:|---:|---:|---|'];
  let regressions = 0;
  for (const [name, f] of Object.entries(currentRuns[0])) {
    const base = median(baseRuns.map((r) => r[name]?.value ?? null));
    const now = median(currentRuns.map((r) => r[name].value));
    const ratio = base !== null && now !== null && base !== 0 ? now / base : null;
    const flag = worse(f, base, now);
    if (flag) regressions++;
    const digits = f.unit === 'count' ? 0 : 2;
    lines.push(
      `| ${name} (${f.unit}, ${f.better} is better) | ${base === null ? 'n/a' : fmt(base, digits)} | ${now === null ? 'n/a' : fmt(now, digits)} | ${ratio === null ? 'n/a' : fmt(ratio, 3)} | ${flag ? `**worse by > ${fmt(threshold * 100, 0)}%**` : ''} |`,
    );
  }
  return { text: lines.join('\n'), regressions };
}

let sha;
const results = Object.fromEntries(only.map((bench) => [bench, { base: [], current: [] }]));
try {
  sha = prepareBase();
  for (let round = 0; round < rounds; round++) {
    // Alternate which goes first, so a warming or cooling machine favours neither.
    const order = round % 2 === 0 ? ['base', 'current'] : ['current', 'base'];
    for (const bench of only) {
      for (const side of order) results[bench][side].push(runBench(bench, side, side === 'base' ? baseRoot : current, round));
    }
  }
} finally {
  spawnSync('git', ['worktree', 'remove', '--force', baseRoot], { cwd: current, stdio: 'inherit' });
  rmSync(work, { recursive: true, force: true });
}

const head = git('rev-parse', '--short', 'HEAD');
const dirty = git('status', '--porcelain') ? ' + uncommitted changes' : '';
console.log(`\n# current (${head}${dirty}) against base ${values.base} (${sha.slice(0, 10)}), ${rounds} round${rounds === 1 ? '' : 's'}, medians\n`);
let regressions = 0;
for (const bench of only) {
  const { text, regressions: count } = table(bench, results[bench].base, results[bench].current);
  regressions += count;
  console.log(`${text}\n`);
}
console.log(regressions === 0 ? `no figure worse by more than ${fmt(threshold * 100, 0)}%` : `${regressions} figure${regressions === 1 ? '' : 's'} worse by more than ${fmt(threshold * 100, 0)}%`);
process.exitCode = regressions === 0 ? 0 : 1;
