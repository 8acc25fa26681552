import type { ChatMessage } from '@switchyard/contracts';

/** A JSON Schema, as Ajv and the structured-output path read it. */
export type JsonSchema = Record<string, unknown>;

/** What a task asks of the model for one input. */
export interface TaskRequest<C> {
  /** The task prompt's variables. */
  variables: Record<string, unknown>;
  /** The answer's JSON Schema for this input; usually the task's own, narrowed where the input says more (rag-answer's document ids). */
  outputSchema: JsonSchema;
  /** Messages sent after the rendered prompt (a conversation's turns). */
  messages?: ChatMessage[];
  /** What the gateway-side steps found before the model step, for `finish`. */
  context: C;
}

/** One example of a golden set: an input and what must hold of the task's answer to it. */
export interface GoldenCase {
  name: string;
  input: Record<string, unknown>;
  checks: GoldenCheck[];
}

/**
 * A check on `{input, output}` at `path` (dotted, with `[n]` and `[*]`):
 * every value the path reaches must pass, and a path that reaches nothing
 * fails (except for `absent`).
 */
export interface GoldenCheck {
  path: string;
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  nonEmpty?: boolean;
  minItems?: number;
  equals?: unknown;
  oneOf?: unknown[];
  contains?: string;
  notContains?: string;
  /** Every value is one of the values another path reaches (citation ids ⊆ supplied ids). */
  within?: string;
  /** Some value reached equals this one. */
  includes?: unknown;
  absent?: boolean;
}

/**
 * A task: a prompt of the prompts folder, an input schema, the answer's
 * schema, the gateway-side steps around the model step, and a golden set.
 * `I` is the input once checked, `O` the model's answer, `C` what `prepare`
 * found, `R` the task's answer.
 */
export interface TaskDefinition<I = Record<string, unknown>, O = Record<string, unknown>, C = undefined, R = unknown> {
  name: string;
  description: string;
  /** The prompt it renders: the prompts folder's file of this name, or a tenant's own prompt of the same name. */
  prompt: string;
  inputSchema: JsonSchema;
  outputSchema: JsonSchema;
  /**
   * Whether it may run as a job. A task whose answer the gateway finishes
   * after the model step cannot: the job's result is the model's answer alone.
   */
  async: boolean;
  /** When the model step fails, the task fails as `task_incomplete` instead of passing the step's error on. */
  failClosed: boolean;
  /** Checks what the input schema cannot say (throws InvalidRequestError naming `input.<field>`), and builds the model step. */
  prepare(input: I): TaskRequest<C>;
  /** The task's answer from the model's (schema-valid) answer. Throws TaskOutputInvalidError for an answer that breaks the task's rules. */
  finish(input: I, output: O, context: C): R;
  golden: GoldenCase[];
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds tasks of every input and output type
export type AnyTask = TaskDefinition<any, any, any, any>;
