import { z } from 'zod';
import { chatCompletionRequestSchema } from '../chat/chat-completion-request';
import { chatMessageSchema } from '../chat/chat-message';
import { promptRequestSchema } from '../chat/prompted-chat-request';
import { webhookTargetSchema } from '../jobs/async-job';
import { listLimitSchema } from './query-parameters';

export const SESSION_STATUSES = ['active', 'ended', 'expired'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** A session's id as `POST /v1/sessions` makes it: anything else names no session. */
const SESSION_ID = /^sess_[0-9a-f]{32}$/;

export function isSessionId(id: string): boolean {
  return SESSION_ID.test(id);
}

/** PostgreSQL text and jsonb refuse the NUL character: a field stored as given is refused with it, as the caller's mistake. */
const storedText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !value.includes('\u0000'), { error: 'must not contain the NUL character (\\u0000).' });

/** The largest window a session may ask for: more would not fit any model's context anyway. */
export const MAX_SESSION_WINDOW_TOKENS = 2_000_000;
export const MAX_SESSION_WINDOW_MESSAGES = 10_000;
/** The longest idle TTL: a week. */
export const MAX_SESSION_IDLE_TTL_SECONDS = 7 * 24 * 3600;

export const sessionWindowSchema = z
  .object({
    max_messages: z
      .number()
      .int()
      .min(1)
      .max(MAX_SESSION_WINDOW_MESSAGES)
      .optional()
      .describe('Most history messages sent upstream (the system prompt not counted).'),
    max_tokens: z
      .number()
      .int()
      .min(16)
      .max(MAX_SESSION_WINDOW_TOKENS)
      .optional()
      .describe("Most prompt tokens sent upstream, counted with the model's tokenizer, system prompt and the new turn included."),
  })
  .strict()
  .describe('How much history each turn sends upstream. Whole turns are dropped oldest first, several at a time (see the docs).');

export type SessionWindow = z.infer<typeof sessionWindowSchema>;

/** `POST /v1/sessions`. */
export const createSessionRequestSchema = z
  .object({
    model: chatCompletionRequestSchema.shape.model.optional(),
    prompt: promptRequestSchema.optional(),
    system: storedText(1_000_000).optional().describe('The system prompt, kept at the head of every turn. With `prompt`, it follows the rendered one.'),
    window: sessionWindowSchema.optional(),
    metadata: z.record(storedText(64), storedText(512)).optional(),
    idle_ttl_seconds: z
      .number()
      .int()
      .min(60)
      .max(MAX_SESSION_IDLE_TTL_SECONDS)
      .optional()
      .describe('A session with no turn for this long expires (default 86,400: a day).'),
  })
  .strict()
  .refine((body) => body.model !== undefined || body.prompt !== undefined, { error: 'Give "model", "prompt", or both.', path: ['model'] })
  .describe('A conversation whose history Switchyard keeps: each message sends the window of it upstream.');

export type CreateSessionRequest = z.infer<typeof createSessionRequestSchema>;

/** `POST /v1/sessions/{id}/messages`: one turn. */
export const sessionMessageRequestSchema = z
  .object({
    messages: z
      .array(chatMessageSchema)
      .min(1, '"messages" must contain at least one message.')
      .max(128)
      .describe("The turn's input: user messages, or the tool results answering the last turn's tool calls."),
    stream: z.boolean().optional().describe('Answer as server-sent events in OpenAI chunks.'),
    stream_options: chatCompletionRequestSchema.shape.stream_options,
    wait: z.boolean().optional().describe('false: answer 409 session_busy instead of waiting while another turn of the session runs.'),
    async: z.boolean().optional().describe('Run the turn as a job: 202 with its id at once; the answer through GET /v1/jobs/{id} or the webhook.'),
    webhook: webhookTargetSchema.optional(),
    temperature: chatCompletionRequestSchema.shape.temperature,
    top_p: chatCompletionRequestSchema.shape.top_p,
    max_completion_tokens: chatCompletionRequestSchema.shape.max_completion_tokens,
    max_tokens: chatCompletionRequestSchema.shape.max_tokens,
    stop: chatCompletionRequestSchema.shape.stop,
    seed: chatCompletionRequestSchema.shape.seed,
    tools: chatCompletionRequestSchema.shape.tools,
    tool_choice: chatCompletionRequestSchema.shape.tool_choice,
    parallel_tool_calls: chatCompletionRequestSchema.shape.parallel_tool_calls,
    response_format: chatCompletionRequestSchema.shape.response_format,
    user: chatCompletionRequestSchema.shape.user,
  })
  .strict()
  .refine((body) => !(body.stream === true && (body.async === true || body.webhook !== undefined)), {
    error: 'A turn is streamed or run as a job, not both.',
    path: ['stream'],
  })
  .refine((body) => body.messages.every((message) => message.role === 'user' || message.role === 'tool'), {
    error: "A turn's messages are the user's or tool results; the system prompt is the session's.",
    path: ['messages'],
  })
  .describe('Sends one turn of the session.');

export type SessionMessageRequest = z.infer<typeof sessionMessageRequestSchema>;

export const sessionTurnSchema = z.object({
  turn: z.number().int().describe('Its place in the session, from 1.'),
  messages: z.array(chatMessageSchema).describe("The turn's input followed by the assistant's answer."),
  usage: z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int(), total_tokens: z.number().int() }),
  request_id: z.string(),
  created_at: z.number().int(),
});

export type SessionTurnView = z.infer<typeof sessionTurnSchema>;

export const sessionObjectSchema = z.object({
  id: z.string(),
  object: z.literal('session'),
  status: z.enum(SESSION_STATUSES),
  model: z.string(),
  system: z.string().nullable(),
  prompt: z.object({ name: z.string(), version: z.number().int() }).nullable(),
  window: z.object({ max_messages: z.number().int().nullable(), max_tokens: z.number().int().nullable() }),
  metadata: z.record(z.string(), z.string()),
  idle_ttl_seconds: z.number().int(),
  turns: z.number().int().describe('Turns in its history.'),
  created_at: z.number().int(),
  last_active_at: z.number().int(),
  ended_at: z.number().int().nullable(),
});

export type SessionObject = z.infer<typeof sessionObjectSchema>;

/** `GET /v1/sessions/{id}`: the session and a page of its history, oldest first. */
export const sessionWithHistorySchema = sessionObjectSchema.extend({
  history: z.object({
    data: z.array(sessionTurnSchema),
    has_more: z.boolean(),
    next_after: z.number().int().nullable().describe('Pass as `after` for the next page.'),
  }),
});

export type SessionWithHistory = z.infer<typeof sessionWithHistorySchema>;

export const sessionHistoryQuerySchema = z.object({
  limit: listLimitSchema(50, 500),
  after: z.coerce
    .number({ error: 'after must be a turn number.' })
    .int({ error: 'after must be a turn number.' })
    .min(0, { error: 'after must be a turn number.' })
    // Turn numbers are PostgreSQL integers: a larger one is no turn, and would fail the query.
    .max(2_147_483_647, { error: 'after must be a turn number.' })
    .optional()
    .describe("Turns after this one (a previous page's `next_after`)."),
});

export const sessionListQuerySchema = z.object({
  limit: listLimitSchema(20, 100),
  status: z
    .enum(SESSION_STATUSES, { error: `status must be one of: ${SESSION_STATUSES.join(', ')}.` })
    .optional()
    .describe('Only sessions in this state.'),
  after: z
    .string({ error: 'after must be a session id.' })
    .refine(isSessionId, { error: 'after must be a session id.' })
    .optional()
    .describe("A previous page's `last_id`."),
});

export type SessionListQuery = z.infer<typeof sessionListQuerySchema>;

export const sessionListSchema = z.object({
  object: z.literal('list'),
  data: z.array(sessionObjectSchema),
  has_more: z.boolean(),
  last_id: z.string().nullable(),
});

export type SessionList = z.infer<typeof sessionListSchema>;
