import { Inject, Injectable } from '@nestjs/common';
import {
  type AsyncJobView,
  ErrorCode,
  HTTP_ERROR_MAP,
  InvalidRequestError,
  parseJsonObjectBody,
  SwitchyardError,
  TaskIncompleteError,
  type TaskList,
  type TaskResult,
  type TaskRunRequest,
  taskRunRequestSchema,
} from '@switchyard/contracts';
import { buildRejectedRecord, type UsageSink } from '@switchyard/database';
import { type AnyTask, TASKS, taskNamed, validateTaskInput } from '@switchyard/tasks';
import type { AuthenticatedRequest } from '../auth/api-key.guard';
import { ChatCompletionsService, type CompletedChat } from '../chat/chat-completions.service';
import { JobsService } from '../jobs/jobs.service';
import { USAGE } from '../tokens';
import { taskChatBody } from './task-chat-body';

interface RequestIds {
  jobId: string;
  requestId: string;
}

/** A task run, sync or async, as the chat and jobs paths run any prompted structured request. */
export type TaskRunOutcome =
  | { async: false; result: TaskResult; structured?: CompletedChat['structured'] }
  | { async: true; view: AsyncJobView; replayed: boolean };

/**
 * Runs the tasks of `@switchyard/tasks`: the input checked against the
 * task's schema, the gateway-side steps before the model, the model step
 * through the same services as `/v1/chat/completions` (sync) and `/v1/jobs`
 * (async), then the task's own steps on the checked answer.
 */
@Injectable()
export class TasksService {
  constructor(
    private readonly chat: ChatCompletionsService,
    private readonly jobs: JobsService,
    @Inject(USAGE) private readonly usage: UsageSink,
  ) {}

  list(): TaskList {
    return {
      object: 'list',
      data: [...TASKS.values()].map((task) => ({
        object: 'task',
        name: task.name,
        description: task.description,
        prompt: task.prompt,
        input_schema: task.inputSchema,
        output_schema: task.outputSchema,
        async: task.async,
      })),
    };
  }

  async run(name: string, request: AuthenticatedRequest, ids: RequestIds): Promise<TaskRunOutcome> {
    const { task, run, input, prepared, body } = this.accept(name, request, ids);
    if (run.async === true) return { async: true, ...(await this.submitJob(task, run, body, request, ids)) };

    const done = await this.chat
      .complete({ body, headers: request.headers }, { caller: request.caller, admitted: Promise.resolve(request.caller) }, ids)
      .catch((error: unknown) => {
        throw this.modelStepFailure(task, error);
      });
    const parsed = parseCompletion(done.reply.body);
    if (parsed === undefined) throw this.modelStepFailure(task, new SwitchyardError(ErrorCode.UpstreamMalformed, 'The model step answered no JSON object.'));
    return {
      async: false,
      ...(done.structured === undefined ? {} : { structured: done.structured }),
      result: {
        object: 'task.result',
        id: done.jobId,
        task: task.name,
        provider: done.reply.provider,
        model: done.reply.model,
        prompt: { name: done.prompt?.name ?? task.prompt, version: done.prompt?.version ?? 0, label: done.prompt?.label ?? null },
        output: task.finish(input, parsed.output, prepared.context) as Record<string, unknown>,
        usage: parsed.usage ?? null,
      },
    };
  }

  /**
   * The run checked and its model step built. A refusal here gets its usage
   * row here (the chat and jobs services write the rows of what reaches them).
   */
  private accept(name: string, request: AuthenticatedRequest, ids: RequestIds) {
    const receivedAt = Date.now();
    try {
      const task = taskNamed(name);
      const run = parseJsonObjectBody(taskRunRequestSchema, request.body);
      const input = validateTaskInput<unknown>(task.inputSchema, run.input);
      if (run.async === true && !task.async) {
        throw new InvalidRequestError(
          `The ${task.name} task runs synchronously only: its answer is finished in the gateway after the model step, which a job's result would lack. Leave "async" out.`,
          { param: 'async' },
        );
      }
      const prepared = task.prepare(input);
      return { task, run, input, prepared, body: taskChatBody(task, run, prepared) };
    } catch (error) {
      const task = TASKS.get(name);
      const body = task === undefined ? request.body : { ...(request.body as object), prompt: { name: task.prompt } };
      this.usage.record(buildRejectedRecord({ jobId: ids.jobId, requestId: ids.requestId, caller: request.caller, body, error, receivedAt }));
      throw error;
    }
  }

  private submitJob(task: AnyTask, run: TaskRunRequest, body: Record<string, unknown>, request: AuthenticatedRequest, ids: RequestIds) {
    const job = {
      ...body,
      metadata: { task: task.name },
      ...(run.webhook === undefined ? {} : { webhook: run.webhook }),
      ...(run.priority === undefined ? {} : { priority: run.priority }),
    };
    return this.jobs.create({ body: job, headers: request.headers }, request.caller, ids);
  }

  /**
   * A fail-closed task turns a failure of its model step (an upstream error,
   * a timeout, an answer that never matched the schema) into task_incomplete:
   * the caller must not read the other steps' findings as the whole answer.
   * The caller's own mistakes (an unknown model or prompt version, a limit)
   * are passed on as they are, for every task.
   */
  private modelStepFailure(task: AnyTask, error: unknown): unknown {
    if (!task.failClosed || !SwitchyardError.isInstance(error)) return error;
    const status = HTTP_ERROR_MAP[error.code].status;
    if (status < 500 && error.code !== ErrorCode.StructuredOutputInvalid) return error;
    return new TaskIncompleteError(task.name, 'model', error);
  }
}

/** The checked JSON answer and usage of a chat completion's body (the worker's, as it came). */
function parseCompletion(body: string): { output: Record<string, unknown>; usage?: TaskResult['usage'] } | undefined {
  try {
    const completion = JSON.parse(body) as { choices?: { message?: { content?: unknown } }[]; usage?: TaskResult['usage'] };
    const content = completion.choices?.[0]?.message?.content;
    if (typeof content !== 'string') return undefined;
    const output: unknown = JSON.parse(content);
    if (typeof output !== 'object' || output === null || Array.isArray(output)) return undefined;
    return { output: output as Record<string, unknown>, ...(completion.usage === undefined ? {} : { usage: completion.usage }) };
  } catch {
    return undefined;
  }
}
