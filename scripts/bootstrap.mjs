#!/usr/bin/env node
// Brings a machine with only Node and npm to the point where Switchyard runs:
// the pinned pnpm, dependencies, a built workspace, Redis and PostgreSQL up,
// migrations applied. Safe to run again: every step checks before it acts.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const forTests = process.argv.includes('--test');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const env = { ...process.env };

function step(message) {
  process.stdout.write(`[bootstrap] ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, env, ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function output(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env }).trim();
  } catch {
    return '';
  }
}

function canConnect(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function waitFor(host, port, what, seconds = 30) {
  for (let i = 0; i < seconds * 4; i++) {
    if (await canConnect(host, port, 250)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not start listening on ${host}:${port}`);
}

let aptUpdated = false;
function aptInstall(...packages) {
  if (!isRoot) {
    throw new Error(`${packages.join(', ')} missing and this user cannot install it; install it (apt-get install -y ${packages.join(' ')}) or point the URL at a running server`);
  }
  if (!aptUpdated) run('apt-get', ['update', '-qq']);
  aptUpdated = true;
  run('apt-get', ['install', '-y', '-qq', ...packages], { env: { ...env, DEBIAN_FRONTEND: 'noninteractive' } });
}

function ensurePnpm() {
  const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
  if (output('pnpm', ['--version']) === pinned) return;
  const localPrefix = join(root, '.switchyard', 'pnpm');
  const localBin = join(localPrefix, 'node_modules', '.bin');
  const useLocal = () => {
    env.PATH = `${localBin}${delimiter}${env.PATH ?? ''}`;
  };
  if (output(join(localBin, 'pnpm'), ['--version']) === pinned) return useLocal();
  step(`installing pnpm ${pinned}`);
  const global = spawnSync('npm', ['install', '-g', '--silent', `pnpm@${pinned}`], { stdio: 'inherit', env });
  if (global.status === 0 && output('pnpm', ['--version']) === pinned) return;
  // No rights to npm's global folder (a normal user with a system Node): keep a copy in the checkout.
  step(`installing pnpm ${pinned} into ${localPrefix}`);
  run('npm', ['install', '--silent', '--no-save', '--no-package-lock', '--prefix', localPrefix, `pnpm@${pinned}`]);
  useLocal();
}

function isLocal(host) {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1';
}

async function ensureRedis() {
  const url = new URL(env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const host = url.hostname || '127.0.0.1';
  const port = Number(url.port || 6379);
  if (await canConnect(host, port)) return;
  if (!isLocal(host)) throw new Error(`Redis at ${host}:${port} is not reachable`);
  if (!has('redis-server')) {
    step('installing Redis');
    aptInstall('redis-server');
  }
  const dir = join(root, '.switchyard', 'redis');
  mkdirSync(dir, { recursive: true });
  step(`starting Redis on ${port} (append-only file in ${dir})`);
  // AOF keeps accepted jobs across a Redis restart.
  run('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--logfile', join(dir, 'redis.log')]);
  await waitFor(host, port, 'Redis');
}

function postgresVersions() {
  return existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
}

async function ensurePostgres() {
  const url = new URL(env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/switchyard');
  const host = url.hostname || '127.0.0.1';
  const port = Number(url.port || 5432);
  if (await canConnect(host, port)) return;
  if (!isLocal(host)) throw new Error(`PostgreSQL at ${host}:${port} is not reachable`);
  let installed = false;
  if (postgresVersions().length === 0) {
    step('installing PostgreSQL');
    aptInstall('postgresql');
    installed = true;
  }
  for (const version of postgresVersions()) {
    step(`starting PostgreSQL ${version}`);
    spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { stdio: 'inherit' });
  }
  await waitFor(host, port, 'PostgreSQL');
  if (installed || isRoot) {
    // A fresh Debian cluster wants a password over TCP; give the default role the one in the default URL.
    const password = decodeURIComponent(url.password || 'postgres');
    spawnSync('su', ['postgres', '-c', `psql -q -c "ALTER USER postgres PASSWORD '${password.replaceAll("'", "''")}'"`], { stdio: 'ignore' });
  }
}

// The console's browser tests drive the system Chromium (apps/gateway/test/browser.ts); they skip without it.
function ensureChromium() {
  if (existsSync('/usr/bin/chromium')) return;
  if (!isRoot) {
    step('Chromium not found at /usr/bin/chromium: the console browser tests will be skipped (apt-get install -y chromium)');
    return;
  }
  step('installing Chromium');
  aptInstall('chromium');
}

async function main() {
  ensurePnpm();
  step('installing dependencies');
  run('pnpm', ['install', '--frozen-lockfile', '--reporter=silent']);
  await Promise.all([ensureRedis(), ensurePostgres()]);
  if (forTests) ensureChromium();
  step('building');
  run('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']);
  if (!forTests) {
    step('applying migrations');
    run('node', ['packages/database/dist/migrate.js']);
  }
  step('ready');
}

main().catch((error) => {
  process.stderr.write(`[bootstrap] failed: ${error.message}\n`);
  process.exit(1);
});
