import { z } from 'zod';

const textPart = z.object({ type: z.literal('text'), text: z.string() }).describe('A text content part.');
const imagePart = z
  .object({
    type: z.literal('image_url'),
    image_url: z.object({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() }),
  })
  .describe('An image given by URL or data URL.');
const audioPart = z.object({
  type: z.literal('input_audio'),
  input_audio: z.object({ data: z.string(), format: z.enum(['wav', 'mp3']) }),
});
const filePart = z.object({
  type: z.literal('file'),
  file: z.object({ file_data: z.string().optional(), file_id: z.string().optional(), filename: z.string().optional() }),
});
const refusalPart = z.object({ type: z.literal('refusal'), refusal: z.string() });

const partError = { error: 'Each content part needs a known "type" and its fields.' };
const userPart = z.discriminatedUnion('type', [textPart, imagePart, audioPart, filePart], partError);
const assistantPart = z.discriminatedUnion('type', [textPart, refusalPart], partError);

const textContent = z.union([z.string(), z.array(textPart).min(1)], {
  error: 'Expected a string or a non-empty array of text parts.',
});

export const toolCallSchema = z.object({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

const name = z.string().min(1).max(256).optional();

export const systemMessageSchema = z.object({ role: z.literal('system'), content: textContent, name });
export const developerMessageSchema = z.object({ role: z.literal('developer'), content: textContent, name });
export const userMessageSchema = z.object({
  role: z.literal('user'),
  content: z.union([z.string(), z.array(userPart).min(1)], {
    error: 'Expected a string or a non-empty array of content parts.',
  }),
  name,
});
export const assistantMessageSchema = z.object({
  role: z.literal('assistant'),
  content: z.union([z.string(), z.array(assistantPart)]).nullish(),
  refusal: z.string().nullish(),
  name,
  tool_calls: z.array(toolCallSchema).optional(),
  function_call: z.object({ name: z.string(), arguments: z.string() }).nullish(),
});
export const toolMessageSchema = z.object({
  role: z.literal('tool'),
  content: textContent,
  tool_call_id: z.string().min(1),
});
export const functionMessageSchema = z.object({
  role: z.literal('function'),
  name: z.string().min(1),
  content: z.string().nullable(),
});

export const MESSAGE_ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'] as const;

export const chatMessageSchema = z
  .discriminatedUnion(
    'role',
    [systemMessageSchema, developerMessageSchema, userMessageSchema, assistantMessageSchema, toolMessageSchema, functionMessageSchema],
    { error: `Expected "role" to be one of: ${MESSAGE_ROLES.join(', ')}.` },
  )
  .describe('One message of the conversation, OpenAI Chat Completions format.');

export type ChatMessage = z.infer<typeof chatMessageSchema>;
export type ToolCall = z.infer<typeof toolCallSchema>;
