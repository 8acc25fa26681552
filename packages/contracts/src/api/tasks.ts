import { z } from 'zod';
import { boundedJsonObjectSchema } from '../chat/bounded-json-object';
import { completionUsageSchema } from '../chat/chat-completion-response';
import { webhookTargetSchema } from '../jobs/async-job';

const jsonSchemaObject = z.record(z.string(), z.unknown());

/**
 * `POST /v1/tasks/{name}`: the task's input, checked against its input
 * schema, and how to run it. `prompt` picks a version of the task's prompt
 * (the tenant's own prompt of the same name, when it has one, else the
 * prompts folder's).
 */
export const taskRunRequestSchema = z
  .object({
    input: boundedJsonObjectSchema.describe("The task's input, checked against its `input_schema` (a bad field is a 400 naming `input.<field>`)."),
    model: z.string().min(1).max(256).optional().describe("The model or alias to run it on; the task prompt's model when left out."),
    prompt: z
      .object({
        version: z.number().int().positive().optional().describe('A version of the task prompt.'),
        label: z.string().min(1).max(128).optional().describe("A label of the task prompt (default 'production')."),
      })
      .strict()
      .refine((prompt) => prompt.version === undefined || prompt.label === undefined, { error: 'Give "version" or "label", not both.', path: ['label'] })
      .optional()
      .describe("Which version of the task's prompt to use; a tenant's own prompt of the same name takes precedence over the prompts folder's."),
    user: z.string().min(1).max(256).optional().describe('Your end user, for usage rows and A/B stickiness.'),
    async: z.boolean().optional().describe('Run as a job: 202 at once, answered at its status URL or through `webhook`.'),
    webhook: webhookTargetSchema.optional().describe('With `async: true`: where the job.succeeded / job.failed event goes.'),
    priority: z.number().int().min(1).max(1000).optional().describe('With `async: true`: the job priority (1 first).'),
  })
  .strict()
  .refine((body) => body.async === true || (body.webhook === undefined && body.priority === undefined), {
    error: '"webhook" and "priority" apply to a task run with "async": true.',
    path: ['async'],
  })
  .describe('Run a task.');

export type TaskRunRequest = z.infer<typeof taskRunRequestSchema>;

/** One task of `GET /v1/tasks`. */
export const taskObjectSchema = z.object({
  object: z.literal('task'),
  name: z.string(),
  description: z.string(),
  prompt: z.string().describe('The prompt it renders (from the prompts folder, or your own of the same name).'),
  input_schema: jsonSchemaObject,
  output_schema: jsonSchemaObject.describe('What the model is asked to answer (checked, repaired and re-asked by the structured-output path).'),
  async: z
    .boolean()
    .describe('Whether it may run with `async: true`: tasks whose answer the gateway finishes (pii-detect, rag-answer, model-card) run synchronously only.'),
});

export type TaskObject = z.infer<typeof taskObjectSchema>;

export const taskListSchema = z.object({ object: z.literal('list'), data: z.array(taskObjectSchema) });
export type TaskList = z.infer<typeof taskListSchema>;

/** A synchronous task run's answer. */
export const taskResultSchema = z.object({
  object: z.literal('task.result'),
  id: z.string().describe("The request's job id (its usage row's)."),
  task: z.string(),
  provider: z.string(),
  model: z.string().describe('The upstream model that answered.'),
  prompt: z.object({ name: z.string(), version: z.number().int(), label: z.string().nullable() }).describe('The prompt version that was rendered.'),
  output: jsonSchemaObject.describe("The task's answer."),
  usage: completionUsageSchema.nullable(),
});

export type TaskResult = z.infer<typeof taskResultSchema>;
