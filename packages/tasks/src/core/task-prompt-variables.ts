import { TASKS } from '../registry';
import type { AnyTask } from './task-definition';
import { validateTaskInput } from './validate-task-input';

/**
 * The variables a task gives its prompt, one set per example of its golden
 * set; undefined when no task renders a prompt of this name. A tenant's own
 * version of a task prompt must render with each, or every run of the task
 * would fail on a variable its caller never sent.
 */
export function taskPromptVariables(promptName: string): { task: string; variables: Record<string, unknown> }[] | undefined {
  const task = [...TASKS.values()].find((candidate: AnyTask) => candidate.prompt === promptName);
  if (task === undefined) return undefined;
  return task.golden.map((example) => ({ task: task.name, variables: task.prepare(validateTaskInput(task.inputSchema, example.input)).variables }));
}
