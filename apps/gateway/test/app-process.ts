import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const WORKER_MAIN = join(__dirname, '..', '..', 'worker-cloud', 'dist', 'main.js');
const GATEWAY_MAIN = join(__dirname, '..', 'dist', 'main.js');

export interface AppProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export type WorkerProcess = AppProcess;

/** Runs an app's built `main.js` as its own process, as in production, collecting what it prints. */
function spawnApp(main: string, env: NodeJS.ProcessEnv): AppProcess {
  const child = spawn(process.execPath, [main], { env: { ...env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  return { child, output: () => output, exited: once(child, 'exit').then(([code]) => code as number | null) };
}

/** worker-cloud as its own process, so a test can kill it; resolves once it is ready. */
export async function spawnWorker(env: NodeJS.ProcessEnv): Promise<WorkerProcess> {
  const worker = spawnApp(WORKER_MAIN, env);
  const deadline = Date.now() + 15_000;
  while (!worker.output().includes('worker-cloud ready')) {
    if (worker.child.exitCode !== null || Date.now() > deadline) throw new Error(`worker did not start:\n${worker.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return worker;
}

/** The gateway as its own process (on a port of its choosing, named in its log). */
export function spawnGateway(env: NodeJS.ProcessEnv): AppProcess {
  return spawnApp(GATEWAY_MAIN, { ...env, PORT: '0' });
}
