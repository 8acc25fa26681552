import { z } from 'zod';
import { toolCallSchema } from './chat-message';

export const completionUsageSchema = z.object({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().nonnegative(),
});

export const finishReasonSchema = z.enum(['stop', 'length', 'tool_calls', 'content_filter', 'function_call']);

export const chatCompletionSchema = z
  .object({
    id: z.string(),
    object: z.literal('chat.completion'),
    created: z.number().int(),
    model: z.string(),
    system_fingerprint: z.string().nullish(),
    choices: z.array(
      z.object({
        index: z.number().int(),
        message: z.object({
          role: z.literal('assistant'),
          content: z.string().nullable(),
          refusal: z.string().nullish(),
          tool_calls: z.array(toolCallSchema).optional(),
        }),
        finish_reason: finishReasonSchema.nullable(),
        logprobs: z.unknown().nullish(),
      }),
    ),
    usage: completionUsageSchema.optional(),
  })
  .describe('An OpenAI-compatible chat completion.');

export type ChatCompletion = z.infer<typeof chatCompletionSchema>;
export type CompletionUsage = z.infer<typeof completionUsageSchema>;
export type FinishReason = z.infer<typeof finishReasonSchema>;

export const modelListSchema = z.object({
  object: z.literal('list'),
  data: z.array(z.object({ id: z.string(), object: z.literal('model'), created: z.number().int(), owned_by: z.string() })),
});
export type ModelList = z.infer<typeof modelListSchema>;
