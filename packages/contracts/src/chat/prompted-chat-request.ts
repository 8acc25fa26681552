import { z } from 'zod';
import { InvalidRequestError } from '../errors';
import { boundedJsonObjectSchema } from './bounded-json-object';
import { type ChatCompletionRequest, chatCompletionRequestSchema } from './chat-completion-request';
import { chatMessageSchema } from './chat-message';
import { requireJsonObject, toInvalidRequestError } from './parse-chat-completion-request';

/**
 * A Switchyard extension to OpenAI's body: render the messages from a stored
 * prompt. `version` and `label` are exclusive; with neither, the `production`
 * label's version is used, else the latest.
 */
export const promptRequestSchema = z
  .object({
    name: z.string().min(1).max(128).describe('The stored prompt to render.'),
    version: z.number().int().positive().optional().describe('A version number; leave out to use a label.'),
    label: z.string().min(1).max(128).optional().describe("A label (default 'production'); may split traffic between versions."),
    variables: boundedJsonObjectSchema.optional().describe("Values for the template's variables, checked against the version's schema."),
  })
  .strict()
  .refine((prompt) => prompt.version === undefined || prompt.label === undefined, {
    error: 'Give "version" or "label", not both.',
    path: ['label'],
  })
  .describe('Render the request from a stored prompt (a Switchyard extension).');

export type PromptRequest = z.infer<typeof promptRequestSchema>;

/**
 * A chat completion body that names a prompt: `messages` are optional (given
 * ones follow the rendered ones) and so is `model` (the version may name one).
 */
export const promptedChatRequestSchema = chatCompletionRequestSchema
  .extend({
    model: chatCompletionRequestSchema.shape.model.optional(),
    messages: z.array(chatMessageSchema).optional(),
    prompt: promptRequestSchema,
  })
  .strict();

export type PromptedChatRequest = z.infer<typeof promptedChatRequestSchema>;

/** What `POST /v1/chat/completions` accepts: OpenAI's body, or one that names a prompt. */
export type ChatCompletionBody = ChatCompletionRequest | PromptedChatRequest;

/** The body names a prompt: its messages are still to be rendered. */
export function isPromptedRequest(body: ChatCompletionBody): body is PromptedChatRequest {
  return (body as Partial<PromptedChatRequest>).prompt !== undefined;
}

/** True for an untrusted body that carries a `prompt` key, before any validation. */
export function namesPrompt(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && Object.hasOwn(body, 'prompt');
}

/**
 * Validates an untrusted chat completion body, with or without `prompt`.
 * Without one, it is exactly OpenAI's body (`parseChatCompletionRequest`);
 * with one, `model` and `messages` may be left to the prompt.
 */
export function parseChatCompletionBody(body: unknown): ChatCompletionBody {
  requireJsonObject(body);
  if (!namesPrompt(body)) return parseChatOnly(body);
  const result = promptedChatRequestSchema.safeParse(body);
  if (!result.success) throw toInvalidRequestError(result.error);
  checkStreamOptions(result.data);
  return result.data;
}

function parseChatOnly(body: object): ChatCompletionRequest {
  const result = chatCompletionRequestSchema.safeParse(body);
  if (!result.success) throw toInvalidRequestError(result.error);
  checkStreamOptions(result.data);
  return result.data;
}

export function checkStreamOptions(request: { stream?: boolean | null; stream_options?: unknown }): void {
  if (request.stream_options != null && request.stream !== true) {
    throw new InvalidRequestError("The 'stream_options' parameter is only allowed when 'stream' is enabled.", { param: 'stream_options' });
  }
}

/** A prompted body whose version names no model, and whose caller named none either. */
export function promptModelMissing(name: string): InvalidRequestError {
  return new InvalidRequestError(`Prompt '${name}' names no model for this version; set "model" in the request.`, { param: 'model' });
}
