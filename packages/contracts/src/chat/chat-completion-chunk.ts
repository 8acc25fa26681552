import { z } from 'zod';
import { completionUsageSchema, finishReasonSchema } from './chat-completion-response';

/** A tool call as it streams: pieces keyed by `index`; id, type and name come with the first piece. */
export const toolCallDeltaSchema = z.object({
  index: z.number().int().nonnegative(),
  id: z.string().optional(),
  type: z.literal('function').optional(),
  function: z.object({ name: z.string().optional(), arguments: z.string().optional() }).optional(),
});

/**
 * One `chat.completion.chunk` of an OpenAI stream. Every adapter yields these,
 * whatever its upstream sends, so the gateway relays one format.
 */
export const chatCompletionChunkSchema = z
  .object({
    id: z.string(),
    object: z.literal('chat.completion.chunk'),
    created: z.number().int(),
    model: z.string(),
    system_fingerprint: z.string().nullish(),
    choices: z.array(
      z.object({
        index: z.number().int(),
        delta: z.object({
          role: z.literal('assistant').optional(),
          content: z.string().nullish(),
          /** A reasoning model's thinking, as vLLM, llama.cpp and Ollama (mapped) stream it. */
          reasoning_content: z.string().nullish(),
          refusal: z.string().nullish(),
          tool_calls: z.array(toolCallDeltaSchema).optional(),
        }),
        finish_reason: finishReasonSchema.nullable(),
        logprobs: z.unknown().nullish(),
      }),
    ),
    /** Only on the last chunk, whose `choices` is empty (OpenAI's `stream_options.include_usage`). */
    usage: completionUsageSchema.nullish(),
  })
  .describe('One chunk of an OpenAI-compatible chat completion stream.');

export type ChatCompletionChunk = z.infer<typeof chatCompletionChunkSchema>;
export type ToolCallDelta = z.infer<typeof toolCallDeltaSchema>;
