import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataSource, runMigrations } from '@switchyard/database';
import { freePort } from './free-port';

/**
 * Redis and PostgreSQL of a test's own, on free ports, for the tests that
 * stop or kill them: the shared instances every other test uses are never
 * touched.
 */

async function listening(port: number, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not start on port ${port}`);
}

/** A Redis of the test's own, with the persistence the deployment files set (AOF, fsync every second). */
export async function startRedis(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--dir', dir],
    {
      stdio: 'ignore',
    },
  );
  await listening(port, 'redis-server');
  return child;
}

function userIds(user: string): { uid: number; gid: number } {
  const [uid, gid] = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, user]).toString().trim()));
  return { uid: uid as number, gid: gid as number };
}

export interface PrivatePostgres {
  /** postgres://… of a migrated `switchyard` database. */
  url: string;
  stop(): void;
  start(): Promise<void>;
  /** Stops the server and deletes its files. */
  remove(): void;
}

function postgresBin(name: string): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  return join('/usr/lib/postgresql', versions[0] as string, 'bin', name);
}

/** PostgreSQL's tools refuse to run as root: as root, they run as the `postgres` user, owner of the folder. */
const AS_ROOT = process.getuid?.() === 0;

function runPostgresTool(name: string, args: string[]): void {
  if (AS_ROOT) execFileSync('runuser', ['-u', 'postgres', '--', postgresBin(name), ...args], { stdio: 'ignore' });
  else execFileSync(postgresBin(name), args, { stdio: 'ignore' });
}

/** A PostgreSQL cluster in a temporary folder (trust auth), with the platform's tables. */
export async function startPostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-pg-'));
  const data = join(dir, 'data');
  const port = await freePort();
  if (AS_ROOT) {
    const { uid, gid } = userIds('postgres');
    chownSync(dir, uid, gid);
  }
  runPostgresTool('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  const ctl = (...args: string[]) => runPostgresTool('pg_ctl', ['-D', data, '-w', ...args]);
  const start = async () => {
    ctl('-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, '-l', join(dir, 'log'), 'start');
    await listening(port, 'postgres');
  };
  await start();
  const admin = createDataSource(`postgres://postgres@127.0.0.1:${port}/postgres`, { poolSize: 1 });
  await admin.initialize();
  await admin.query('CREATE DATABASE switchyard');
  await admin.destroy();
  const url = `postgres://postgres@127.0.0.1:${port}/switchyard`;
  await runMigrations(url);
  return {
    url,
    start,
    stop: () => ctl('-m', 'fast', 'stop'),
    remove: () => {
      try {
        ctl('-m', 'immediate', 'stop');
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
