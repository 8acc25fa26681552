import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runMigrations } from '@switchyard/database';
import { freePort } from '@switchyard/testing';

const exec = promisify(execFile);
/** PostgreSQL refuses to run as root: as root, its commands run as the `postgres` user, owner of the folder. */
const AS_ROOT = process.getuid?.() === 0;
const run = (file: string, args: string[]) => (AS_ROOT ? exec('runuser', ['-u', 'postgres', '--', file, ...args]) : exec(file, args));

/** The newest installed PostgreSQL's binaries (Debian keeps them outside PATH). */
function binaries(): string {
  const root = '/usr/lib/postgresql';
  const newest = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  if (newest === undefined) throw new Error(`no PostgreSQL under ${root}`);
  return join(root, newest, 'bin');
}

export interface PrivatePostgres {
  /** postgres://… of a migrated `switchyard` database. */
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its files. */
  destroy(): Promise<void>;
}

/**
 * A PostgreSQL cluster of the test's own (initdb in a temp dir, on a free
 * port, trust auth), migrated: a test can stop and start it without touching
 * the shared one.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binaries();
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-pg-'));
  const data = join(dir, 'data');
  const port = await freePort();
  const ctl = (...args: string[]) => run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', ...args]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = async () => {
    await ctl('-o', options, 'start');
  };
  const stop = async () => {
    await ctl('-m', 'fast', 'stop');
  };
  const destroy = async () => {
    await stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `postgres://postgres@127.0.0.1:${port}/switchyard`;
  try {
    if (AS_ROOT) await exec('chown', ['postgres:', dir]);
    await run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    await start();
    await run(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'switchyard']);
    await runMigrations(url);
  } catch (error) {
    // A half-made cluster is not left running or on disk.
    await destroy();
    throw error;
  }
  return { url, stop, start, destroy };
}
