import { runGoldenChecks, TASKS } from '@switchyard/tasks';
import type { BenchCase } from './bench-case';

/** Every golden case of every task, run through `POST /v1/tasks/{name}` and held to the task's own checks. */
export function goldenSuite(): BenchCase[] {
  return [...TASKS.values()].flatMap((task) =>
    task.golden.map(
      (golden): BenchCase => ({
        kind: 'task',
        name: `${task.name}: ${golden.name}`,
        task: task.name,
        input: golden.input,
        checks: golden.checks.length,
        // Check by check, so the score is the share of checks held, not of cases.
        score: (output) => ({
          passed: golden.checks.filter((check) => runGoldenChecks([check], golden.input, output).length === 0).length,
          total: golden.checks.length,
        }),
      }),
    ),
  );
}
