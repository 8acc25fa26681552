import type { z } from 'zod';
import { ErrorCode, InvalidRequestError } from '../errors';
import { type ChatCompletionRequest, chatCompletionRequestSchema } from './chat-completion-request';

/** `messages.0.role` → `messages[0].role`, the form OpenAI uses in `param`. */
export function formatParamPath(path: readonly PropertyKey[]): string | null {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? null : out;
}

export function toInvalidRequestError(error: z.ZodError): InvalidRequestError {
  const issue = error.issues[0];
  if (issue === undefined) return new InvalidRequestError('Invalid request body.');
  if (issue.code === 'unrecognized_keys') {
    const param = formatParamPath([...issue.path, issue.keys[0] ?? '']);
    return new InvalidRequestError(`Unrecognized request argument supplied: ${issue.keys.join(', ')}`, { param });
  }
  const param = formatParamPath(issue.path);
  const message = param === null ? issue.message : `Invalid value for '${param}': ${issue.message}`;
  return new InvalidRequestError(message, { param });
}

/** A request that needs a JSON object came without a body (or with an empty one). */
export function requireJsonObject(body: unknown): asserts body is object {
  if (body === undefined) throw new InvalidRequestError('The request body is empty; send a JSON object.', { code: ErrorCode.InvalidJson });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidRequestError('The request body must be a JSON object.');
  }
}

/** Validates an untrusted body; throws `InvalidRequestError` naming the field at fault. */
export function parseChatCompletionRequest(body: unknown): ChatCompletionRequest {
  requireJsonObject(body);
  const result = chatCompletionRequestSchema.safeParse(body);
  if (!result.success) throw toInvalidRequestError(result.error);
  if (result.data.stream_options != null && result.data.stream !== true) {
    throw new InvalidRequestError("The 'stream_options' parameter is only allowed when 'stream' is enabled.", { param: 'stream_options' });
  }
  return result.data;
}
