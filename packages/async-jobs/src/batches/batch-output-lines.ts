import { deserializeError, type LlmJobPayload, type SerializedError, toHttpError } from '@switchyard/contracts';
import type { JobFacts } from '../jobs/async-job-view';

/** One line of the output (or error) file, as OpenAI's Batch API writes it. */
export function outputLine(payload: LlmJobPayload, jobId: string, facts: Pick<JobFacts, 'status' | 'result' | 'error'>): unknown {
  const id = `batch_req_${jobId}`;
  const customId = payload.batch?.customId;
  if (facts.status === 'succeeded') {
    return { id, custom_id: customId, response: { status_code: 200, request_id: payload.requestId, body: facts.result ?? null }, error: null };
  }
  if (facts.status === 'cancelled') {
    return { id, custom_id: customId, response: null, error: { code: 'batch_cancelled', message: 'The request was cancelled with its batch.' } };
  }
  const error = typeof facts.error === 'string' ? (safeParse(facts.error) as SerializedError | undefined) : facts.error;
  const http = toHttpError(error === undefined ? undefined : deserializeError(error));
  return { id, custom_id: customId, response: { status_code: http.status, request_id: payload.requestId, body: http.body }, error: null };
}

/** A line cancelled because its batch's window passed, as OpenAI reports it. */
export function asExpired(line: string): string {
  const parsed = safeParse(line) as { error?: { code?: string } } | undefined;
  if (parsed?.error?.code !== 'batch_cancelled') return line;
  return JSON.stringify({ ...parsed, error: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' } });
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
