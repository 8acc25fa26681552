import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@switchyard/testing';

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const running = (child: ChildProcess | undefined): child is ChildProcess => child !== undefined && child.exitCode === null && child.signalCode === null;

export interface PrivateRedisOptions {
  /**
   * The persistence the deployment files set (AOF, fsync every second), so what
   * was written comes back after a kill and a restart. Off, a restart starts empty.
   * On by default.
   */
  appendOnly?: boolean;
}

/**
 * A Redis of the test's own on a free port, so a test can kill it without
 * touching the Redis other tests share.
 */
export class PrivateRedis {
  private child: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'switchyard-redis-'));

  private constructor(
    readonly port: number,
    private readonly appendOnly: boolean,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), options.appendOnly ?? true);
    try {
      await redis.restart();
    } catch (error) {
      await redis.stop();
      throw error;
    }
    return redis;
  }

  /**
   * Starts it again on the same port and data directory. One that is running is
   * left as it is: a second server could not bind the port, and the first would
   * outlive the test.
   */
  async restart(): Promise<void> {
    if (running(this.child)) return;
    const persistence = this.appendOnly ? ['--appendonly', 'yes', '--appendfsync', 'everysec'] : ['--appendonly', 'no'];
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', ...persistence, '--save', '', '--dir', this.dir], {
      stdio: 'ignore',
    });
    // Ten seconds: the test machines are often busy.
    for (let i = 0; i < 200; i++) {
      if (await accepts(this.port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis-server did not start on port ${this.port}`);
  }

  /** A crash, not a shutdown: nothing gets a chance to save. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!running(child)) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Kills it and removes its data directory. */
  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
