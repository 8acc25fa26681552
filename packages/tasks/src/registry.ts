import { NotFoundError } from '@switchyard/contracts';
import type { AnyTask } from './core/task-definition';
import { piiDetectTask } from './pii-detect/pii-detect-task';
import { summarizeTask } from './summarize/summarize-task';

/** Every task, by name, in the order `GET /v1/tasks` lists them. */
export const TASKS: ReadonlyMap<string, AnyTask> = new Map<string, AnyTask>([summarizeTask, piiDetectTask].map((task) => [task.name, task]));

/** The task of this name, or a 404 naming it. */
export function taskNamed(name: string): AnyTask {
  const task = TASKS.get(name);
  if (task === undefined) throw new NotFoundError(`No task named '${name}'. GET /v1/tasks lists them: ${[...TASKS.keys()].join(', ')}.`);
  return task;
}
