import type { TaskRunRequest } from '@switchyard/contracts';
import type { AnyTask, TaskRequest } from '@switchyard/tasks';

/**
 * The chat body a task run becomes: the task's prompt (the version the
 * caller picked, else its `production` label) filled with the task's
 * variables, and the task's output schema as the response_format, so the
 * worker checks, repairs and re-asks the answer as for any structured request.
 * The caller's `model` wins over the prompt's.
 */
export function taskChatBody(task: AnyTask, run: TaskRunRequest, prepared: TaskRequest<unknown>): Record<string, unknown> {
  const { version, label } = run.prompt ?? {};
  return {
    ...(run.model === undefined ? {} : { model: run.model }),
    prompt: {
      name: task.prompt,
      ...(version === undefined ? {} : { version }),
      ...(label === undefined ? {} : { label }),
      variables: prepared.variables,
    },
    ...(prepared.messages === undefined ? {} : { messages: prepared.messages }),
    // Not `strict`: the task schemas use keywords (minLength, bounds) that providers' strict modes do not all take,
    // and the worker holds the answer to the whole schema either way.
    response_format: {
      type: 'json_schema',
      json_schema: { name: task.name.replaceAll('-', '_'), schema: prepared.outputSchema, strict: false },
    },
    ...(run.user === undefined ? {} : { user: run.user }),
  };
}
