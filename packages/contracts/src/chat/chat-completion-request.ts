import { z } from 'zod';
import { boundedJsonObjectSchema } from './bounded-json-object';
import { chatMessageSchema } from './chat-message';

const responseFormatSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('text') }),
    z.object({ type: z.literal('json_object') }),
    z.object({
      type: z.literal('json_schema'),
      json_schema: z.object({
        name: z.string().min(1).max(64),
        description: z.string().optional(),
        schema: boundedJsonObjectSchema.optional(),
        strict: z.boolean().nullish(),
      }),
    }),
  ],
  { error: 'Expected "type" to be one of: text, json_object, json_schema.' },
);

const toolSchema = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'Function names are 1-64 characters of a-z, A-Z, 0-9, _ and -.'),
    description: z.string().optional(),
    parameters: boundedJsonObjectSchema.optional(),
    strict: z.boolean().nullish(),
  }),
});

const toolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }) }),
]);

const stopSchema = z.union([z.string(), z.array(z.string()).min(1).max(4)]).nullish();

/**
 * OpenAI's `POST /v1/chat/completions` body. Unknown fields are refused, as
 * OpenAI does, so a misspelt parameter is a clear 400 instead of silently
 * ignored.
 */
export const chatCompletionRequestSchema = z
  .object({
    model: z.string().min(1).max(256).describe('A model name or alias from GET /v1/models.'),
    messages: z.array(chatMessageSchema).min(1, '"messages" must contain at least one message.'),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    max_tokens: z.number().int().positive().nullish(),
    max_completion_tokens: z.number().int().positive().nullish(),
    stop: stopSchema,
    n: z.number().int().min(1).max(128).nullish(),
    seed: z.number().int().nullish(),
    presence_penalty: z.number().min(-2).max(2).nullish(),
    frequency_penalty: z.number().min(-2).max(2).nullish(),
    logit_bias: z.record(z.string(), z.number().min(-100).max(100)).nullish(),
    logprobs: z.boolean().nullish(),
    top_logprobs: z.number().int().min(0).max(20).nullish(),
    response_format: responseFormatSchema.optional(),
    tools: z.array(toolSchema).max(128).optional(),
    tool_choice: toolChoiceSchema.optional(),
    parallel_tool_calls: z.boolean().optional(),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
    user: z.string().max(256).optional(),
    metadata: z.record(z.string().max(64), z.string().max(512)).nullish(),
    store: z.boolean().nullish(),
    reasoning_effort: z.enum(['minimal', 'low', 'medium', 'high']).nullish(),
    service_tier: z.string().nullish(),
    modalities: z.array(z.string()).nullish(),
    prediction: boundedJsonObjectSchema.nullish(),
  })
  .strict()
  .describe('An OpenAI-compatible chat completion request.');

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
