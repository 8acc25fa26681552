import { z } from 'zod';
import { BATCH_ENDPOINT, type BatchLineError, nulFree } from '../api/batches';
import { toInvalidRequestError } from '../chat';
import { chatCompletionRequestSchema } from '../chat/chat-completion-request';
import { type ChatCompletionBody, namesPrompt, promptedChatRequestSchema } from '../chat/prompted-chat-request';
import { InvalidRequestError } from '../errors';

const batchLineSchema = z
  .object({
    custom_id: nulFree(z.string().min(1).max(512)),
    method: z.literal('POST'),
    url: z.literal(BATCH_ENDPOINT),
    body: chatCompletionRequestSchema,
  })
  .strict();

/** A line whose body names a stored prompt: its messages are rendered when the line's job is made. */
const promptedBatchLineSchema = batchLineSchema.extend({ body: promptedChatRequestSchema }).strict();

export interface BatchLine {
  customId: string;
  /** The line's body; one that names a prompt is rendered when its job is made. */
  request: ChatCompletionBody;
  /** 1-based line in the input file. */
  lineNumber: number;
}

export const MAX_BATCH_LINES = 50_000;

/**
 * Reads a batch input file: one request per line, each checked as
 * `POST /v1/chat/completions` would check it, custom ids unique. Every bad
 * line is reported (up to a hundred), so a file is fixed in one go.
 */
export function parseBatchInput(content: string): { lines: BatchLine[]; errors: BatchLineError[] } {
  const lines: BatchLine[] = [];
  const errors: BatchLineError[] = [];
  const seen = new Set<string>();
  const texts = content.split('\n');
  for (const [index, text] of texts.entries()) {
    if (text.trim() === '') continue;
    if (errors.length >= 100) break;
    const line = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      errors.push({ code: 'invalid_json_line', message: `Line ${line} is not valid JSON.`, line, param: null });
      continue;
    }
    const body = typeof value === 'object' && value !== null ? (value as { body?: unknown }).body : undefined;
    const parsed = (namesPrompt(body) ? promptedBatchLineSchema : batchLineSchema).safeParse(value);
    if (!parsed.success) {
      const error = toInvalidRequestError(parsed.error);
      errors.push({ code: 'invalid_request', message: `Line ${line}: ${error.message}`, line, param: error.param });
      continue;
    }
    if (parsed.data.body.stream === true) {
      errors.push({ code: 'invalid_request', message: `Line ${line}: a batch request is not streamed.`, line, param: 'body.stream' });
      continue;
    }
    if (seen.has(parsed.data.custom_id)) {
      errors.push({ code: 'duplicate_custom_id', message: `Line ${line}: custom_id '${parsed.data.custom_id}' is used twice.`, line, param: 'custom_id' });
      continue;
    }
    seen.add(parsed.data.custom_id);
    lines.push({ customId: parsed.data.custom_id, request: parsed.data.body, lineNumber: line });
  }
  if (lines.length + errors.length === 0) errors.push({ code: 'empty_file', message: 'The input file has no requests.', line: 0, param: null });
  if (lines.length > MAX_BATCH_LINES) {
    throw new InvalidRequestError(`A batch holds at most ${MAX_BATCH_LINES} requests; this file has ${lines.length}.`, { param: 'input_file_id' });
  }
  return { lines, errors };
}
