import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BenchCase } from './bench-case';
import { fileSuite } from './file-suite';
import { goldenSuite } from './golden-suite';
import { parseBenchArgs, USAGE } from './parse-args';
import { htmlReport } from './reports/html';
import { tableOf } from './reports/table';
import { type BenchmarkRun, runBenchmark } from './run-benchmark';

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/**
 * `switchyard bench-models …`: the exit code. 2 for bad arguments (thrown
 * as UsageError by the caller's handler), 1 when no request of the run was
 * answered (a wrong key or address), else 0.
 */
export async function benchModels(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const args = parseBenchArgs(argv, env);
  if (args === null) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const cases: BenchCase[] = args.suite === 'golden' ? goldenSuite() : fileSuite(args.suite);
  const run: BenchmarkRun = await runBenchmark({
    baseUrl: args.baseUrl,
    apiKey: args.apiKey,
    suite: args.suite,
    cases,
    models: args.models,
    runs: args.runs,
    concurrency: args.concurrency,
    stream: args.stream,
    timeoutMs: args.timeoutMs,
  });
  process.stdout.write(`${tableOf(run)}\n`);
  if (args.json !== undefined) write(args.json, `${JSON.stringify(run, null, 2)}\n`);
  if (args.html !== undefined) write(args.html, htmlReport(run));
  if (args.databaseUrl !== undefined) {
    // Loaded only when asked for: TypeORM and pg add a second to every start.
    const { storeRun } = await import('./reports/store.js');
    await storeRun(args.databaseUrl, run);
    process.stderr.write(`Stored as ${run.id} in model_benchmark_runs.\n`);
  }
  const results = Object.values(run.results);
  if (results.every((r) => r.requests > 0 && r.errors === r.requests)) {
    process.stderr.write('No request was answered: check --base-url, --api-key and the model names.\n');
    return 1;
  }
  return 0;
}
