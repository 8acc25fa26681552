import { z } from 'zod';
import {
  type ChatCompletionRequest,
  chatCompletionRequestSchema,
  chatCompletionSchema,
  checkStreamOptions,
  namesPrompt,
  type PromptedChatRequest,
  promptedChatRequestSchema,
  requireJsonObject,
  toInvalidRequestError,
} from '../chat';
import { openAIErrorBodySchema } from '../errors';
import { routeAttemptSchema } from './llm-job';

const MAX_DELAY_MS = 7 * 24 * 3600 * 1000;

export const webhookTargetSchema = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'Expected an http or https URL.' }).max(2048),
    /** A Standard Webhooks secret (`whsec_` and base64) for this job alone; the platform's is used otherwise. */
    secret: z
      .string()
      // Padded base64 of at least 18 bytes, exactly what the dispatcher's signer accepts.
      .regex(
        /^whsec_(?:[A-Za-z0-9+/]{4}){6,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
        'Expected a Standard Webhooks secret: "whsec_" followed by base64 (at least 18 bytes).',
      )
      .optional(),
  })
  .strict();

export type WebhookTarget = z.infer<typeof webhookTargetSchema>;

/**
 * `POST /v1/jobs`: a chat completion request (its `metadata` is the job's)
 * plus how to run and report it. Streaming makes no sense for a job nobody
 * waits on.
 */
export const asyncJobRequestSchema = chatCompletionRequestSchema
  .extend({
    webhook: webhookTargetSchema.optional(),
    /** 1 runs first; a job without one runs at 500, so lower numbers go ahead of it and higher ones behind. */
    priority: z.number().int().min(1).max(1000).optional(),
    /** Milliseconds to wait before the job may run. */
    delay: z.number().int().min(0).max(MAX_DELAY_MS).optional(),
    stream: z.literal(false, { error: 'A job is not streamed; leave "stream" out.' }).nullish(),
  })
  .strict()
  .describe('A chat completion request run as a job, answered through its status URL or a webhook.');

export type AsyncJobRequest = z.infer<typeof asyncJobRequestSchema>;

/** `POST /v1/jobs` with a stored prompt (a Switchyard extension): `model` and `messages` may come from it. */
export const promptedAsyncJobRequestSchema = promptedChatRequestSchema
  .extend({
    webhook: asyncJobRequestSchema.shape.webhook,
    priority: asyncJobRequestSchema.shape.priority,
    delay: asyncJobRequestSchema.shape.delay,
    stream: asyncJobRequestSchema.shape.stream,
  })
  .strict();

export const ASYNC_JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type AsyncJobStatus = (typeof ASYNC_JOB_STATUSES)[number];

// Unix seconds, as OpenAI objects have them.
const unixSeconds = z.number().int();

/** What `GET /v1/jobs/{id}` answers, and what a webhook event carries as `data`. */
export const asyncJobViewSchema = z.object({
  id: z.string(),
  object: z.literal('job'),
  status: z.enum(ASYNC_JOB_STATUSES),
  model: z.string(),
  created_at: unixSeconds,
  started_at: unixSeconds.nullable(),
  finished_at: unixSeconds.nullable(),
  attempts: z.number().int(),
  /** Routes left before the current one, and why. */
  providers_tried: z.array(routeAttemptSchema),
  provider: z.string().nullable(),
  metadata: z.record(z.string(), z.string()).nullable(),
  result: chatCompletionSchema.nullable(),
  error: openAIErrorBodySchema.shape.error.nullable(),
});
export type AsyncJobView = z.infer<typeof asyncJobViewSchema>;

/** A validated job request, split into the chat request the worker runs and how to run it. */
export interface ParsedAsyncJobRequest {
  request: ChatCompletionRequest;
  webhook?: WebhookTarget;
  priority?: number;
  delay?: number;
}

/** A validated job request whose messages are still to be rendered from the prompt it names. */
export interface ParsedPromptedAsyncJobRequest extends Omit<ParsedAsyncJobRequest, 'request'> {
  request: PromptedChatRequest;
}

/** Validates an untrusted `POST /v1/jobs` body; throws `InvalidRequestError` naming the field at fault. */
export function parseAsyncJobRequest(body: unknown): ParsedAsyncJobRequest {
  requireJsonObject(body);
  const result = asyncJobRequestSchema.safeParse(body);
  if (!result.success) throw toInvalidRequestError(result.error);
  const { webhook, priority, delay, stream: _stream, ...request } = result.data;
  return jobOptions(request, webhook, priority, delay);
}

/** Like `parseAsyncJobRequest`, and a body may name a prompt instead of (or before) its messages. */
export function parseAsyncJobBody(body: unknown): ParsedAsyncJobRequest | ParsedPromptedAsyncJobRequest {
  requireJsonObject(body);
  if (!namesPrompt(body)) return parseAsyncJobRequest(body);
  const result = promptedAsyncJobRequestSchema.safeParse(body);
  if (!result.success) throw toInvalidRequestError(result.error);
  const { webhook, priority, delay, stream: _stream, ...request } = result.data;
  return jobOptions(request, webhook, priority, delay);
}

function jobOptions<R extends { stream_options?: unknown }>(
  request: R,
  webhook: WebhookTarget | undefined,
  priority: number | undefined,
  delay: number | undefined,
): Omit<ParsedAsyncJobRequest, 'request'> & { request: R } {
  checkStreamOptions(request);
  return {
    request,
    ...(webhook === undefined ? {} : { webhook }),
    ...(priority === undefined ? {} : { priority }),
    ...(delay === undefined ? {} : { delay }),
  };
}
