import { APIError, type OpenAI } from 'openai';
import type { BenchCase } from './bench-case';

/** What one request of the benchmark measured. */
export interface Sample {
  model: string;
  case: string;
  ok: boolean;
  error: string | null;
  latencyMs: number;
  /** Time to the first content of a streamed answer; null when not streamed. */
  ttftMs: number | null;
  outputTokens: number | null;
  /** The gateway's job id (`x-switchyard-job-id`), which `/v1/requests/{id}` answers for. */
  jobId: string | null;
  costUsd: number | null;
  passed: number;
  total: number;
}

interface TaskAnswer {
  output: Record<string, unknown>;
  usage: { completion_tokens: number } | null;
}

function failed(model: string, item: BenchCase, started: number, error: unknown): Sample {
  const jobId = error instanceof APIError ? (error.headers?.get('x-switchyard-job-id') ?? null) : null;
  const message = error instanceof APIError ? `${error.status ?? 'no status'} ${error.message}` : (error as Error).message;
  return {
    model,
    case: item.name,
    ok: false,
    error: message,
    latencyMs: performance.now() - started,
    ttftMs: null,
    outputTokens: null,
    jobId,
    costUsd: null,
    passed: 0,
    total: item.checks,
  };
}

/** Sends one case to one model through the gateway and measures it; a failed request is a sample too. */
/** A case that got its answer: timed from `started`, its cost read later from its row (by the job id the gateway sent). */
function answered(
  model: string,
  item: BenchCase,
  started: number,
  got: { ttftMs: number | null; outputTokens: number | null; response: Response; score: ReturnType<BenchCase['score']> },
): Sample {
  return {
    model,
    case: item.name,
    ok: true,
    error: null,
    latencyMs: performance.now() - started,
    ttftMs: got.ttftMs,
    outputTokens: got.outputTokens,
    jobId: got.response.headers.get('x-switchyard-job-id'),
    costUsd: null,
    ...got.score,
  };
}

export async function runCase(client: OpenAI, model: string, item: BenchCase, stream: boolean): Promise<Sample> {
  const started = performance.now();
  try {
    if (item.kind === 'task') {
      const { data, response } = await client.post<TaskAnswer>(`/tasks/${item.task}`, { body: { input: item.input, model } }).withResponse();
      const score = item.score(data.output);
      return answered(model, item, started, { ttftMs: null, outputTokens: data.usage?.completion_tokens ?? null, response, score });
    }
    if (!stream || item.request.stream === false) {
      const { data, response } = await client.chat.completions.create({ ...item.request, model, stream: false }).withResponse();
      const score = item.score(data.choices[0]?.message.content ?? '');
      return answered(model, item, started, { ttftMs: null, outputTokens: data.usage?.completion_tokens ?? null, response, score });
    }
    const { data, response } = await client.chat.completions
      .create({ ...item.request, model, stream: true, stream_options: { include_usage: true } })
      .withResponse();
    let text = '';
    let ttftMs: number | null = null;
    let outputTokens: number | null = null;
    for await (const chunk of data) {
      const delta = chunk.choices[0]?.delta.content ?? '';
      if (delta !== '' && ttftMs === null) ttftMs = performance.now() - started;
      text += delta;
      if (chunk.usage) outputTokens = chunk.usage.completion_tokens;
    }
    const score = item.score(text);
    return answered(model, item, started, { ttftMs, outputTokens, response, score });
  } catch (error) {
    return failed(model, item, started, error);
  }
}

interface RequestRow {
  cost_usd: number | null;
}

/**
 * The recorded cost of a request, from `GET /v1/requests/{id}`. Usage rows
 * are written in batches off the request path, so a 404 is asked again for
 * a few seconds before the cost is given up as unknown.
 */
export async function recordedCost(client: OpenAI, jobId: string, waitMs = 5000): Promise<number | null> {
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      const row = await client.get<RequestRow>(`/requests/${encodeURIComponent(jobId)}`);
      return row.cost_usd === null ? null : Number(row.cost_usd);
    } catch (error) {
      if (!(error instanceof APIError && error.status === 404) || Date.now() > until) return null;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
