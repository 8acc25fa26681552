import type { AsyncJobStatus, AsyncJobView, ChatCompletion, ChatCompletionBody, OpenAIErrorBody } from '@switchyard/contracts';
import { ALL_ERROR_CODES, ErrorCode, GatewayTimeoutError, SwitchyardError } from '@switchyard/contracts';
import type { EnqueueOptions, JobEnded, JobPage, SwitchyardClient, WaitOptions } from './switchyard-client';

export interface HttpClientOptions {
  /** The gateway, e.g. `https://switchyard.example.com` (without `/v1`). */
  baseUrl: string;
  apiKey: string;
  /** How often `enqueueAndWait` and job events look a job up. */
  pollMs?: number;
  defaultTimeoutMs?: number;
}

const FINAL = new Set(['succeeded', 'failed', 'cancelled']);

/** The gateway's error body as the typed error it came from. */
function errorOf(status: number, body: unknown): SwitchyardError {
  const error = (body as Partial<OpenAIErrorBody> | null)?.error;
  const code = ALL_ERROR_CODES.find((known) => known === error?.code) ?? ErrorCode.Internal;
  const { message = `HTTP ${status}`, param = null, ...details } = error ?? {};
  return new SwitchyardError(code, String(message), { param: typeof param === 'string' ? param : null, details: { status, ...details } });
}

/**
 * The same API over the gateway's `/v1/jobs`, for services outside the
 * cluster. Waiting and job events poll the job's status URL.
 */
export class HttpClient implements SwitchyardClient {
  private readonly watchers = new Set<(event: JobEnded) => void>();
  private readonly watched = new Set<string>();
  private readonly pollMs: number;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(private readonly options: HttpClientOptions) {
    this.pollMs = options.pollMs ?? 500;
  }

  private async call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const response = await fetch(`${this.options.baseUrl.replace(/\/+$/, '')}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.options.apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const parsed: unknown = await response.json().catch(() => null);
    if (!response.ok) throw errorOf(response.status, parsed);
    return parsed as T;
  }

  async enqueue(request: ChatCompletionBody, options: EnqueueOptions = {}): Promise<AsyncJobView> {
    const { provider, ...jobOptions } = options;
    const view = await this.call<AsyncJobView>(
      'POST',
      '/v1/jobs',
      { ...request, ...jobOptions },
      provider === undefined ? {} : { 'x-switchyard-provider': provider },
    );
    this.watch(view.id);
    return view;
  }

  async enqueueAndWait(request: ChatCompletionBody, options: WaitOptions = {}): Promise<ChatCompletion> {
    const { timeoutMs = this.options.defaultTimeoutMs ?? 120_000, ...enqueueOptions } = options;
    const { id } = await this.enqueue(request, enqueueOptions);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const view = await this.get(id);
      if (view.status === 'succeeded' && view.result !== null) return view.result;
      if (view.status === 'failed' && view.error !== null) throw errorOf(502, { error: view.error });
      if (view.status === 'cancelled') throw new SwitchyardError(ErrorCode.ServiceUnavailable, `Job ${id} was cancelled.`, { details: { job_id: id } });
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.pollMs, Math.max(0, deadline - Date.now()))));
    }
    throw new GatewayTimeoutError(id, timeoutMs);
  }

  /** One request per job, a few at a time; a refused one stops the rest and names its index. */
  async enqueueBulk(requests: readonly ChatCompletionBody[], options: EnqueueOptions = {}): Promise<AsyncJobView[]> {
    const views: AsyncJobView[] = new Array(requests.length);
    let next = 0;
    let failed = false;
    const lane = async () => {
      // After one refusal no lane starts another request: the caller hears of every job it did not get an id for.
      while (next < requests.length && !failed) {
        const index = next++;
        try {
          views[index] = await this.enqueue(requests[index] as ChatCompletionBody, options);
        } catch (error) {
          failed = true;
          if (error instanceof Error) {
            const accepted = views.filter(Boolean).map((view) => view.id);
            error.message = `requests[${index}]: ${error.message} (already accepted: ${accepted.length > 0 ? accepted.join(', ') : 'none'})`;
          }
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(16, requests.length) }, lane));
    return views;
  }

  get(jobId: string): Promise<AsyncJobView> {
    return this.call('GET', `/v1/jobs/${encodeURIComponent(jobId)}`);
  }

  cancel(jobId: string): Promise<AsyncJobView> {
    return this.call('DELETE', `/v1/jobs/${encodeURIComponent(jobId)}`);
  }

  list(options: { limit?: number; after?: string; status?: AsyncJobStatus } = {}): Promise<JobPage> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(options)) if (value !== undefined) query.set(key, String(value));
    return this.call('GET', `/v1/jobs${query.size > 0 ? `?${query}` : ''}`);
  }

  onJobEnded(listener: (event: JobEnded) => void): () => void {
    this.watchers.add(listener);
    this.timer ??= setInterval(() => void this.pollWatched(), this.pollMs);
    this.timer.unref();
    return () => {
      this.watchers.delete(listener);
      if (this.watchers.size === 0) this.stopPolling();
    };
  }

  private watch(jobId: string): void {
    if (this.watchers.size > 0) this.watched.add(jobId);
  }

  private async pollWatched(): Promise<void> {
    // One poll at a time: a slow gateway must not pile up lookups.
    if (this.polling) return;
    this.polling = true;
    try {
      await this.pollOnce();
    } finally {
      this.polling = false;
    }
  }

  private async pollOnce(): Promise<void> {
    await Promise.all(
      [...this.watched].map(async (jobId) => {
        const view = await this.get(jobId).catch((error: unknown) => {
          // Gone (expired, or never this tenant's): nothing more will be heard of it.
          if (error instanceof SwitchyardError && error.code === ErrorCode.NotFound) this.watched.delete(jobId);
          return undefined;
        });
        if (view === undefined || !FINAL.has(view.status) || !this.watched.delete(jobId)) return;
        const event: JobEnded | undefined =
          view.status === 'succeeded' && view.result !== null
            ? { jobId, status: 'succeeded', completion: view.result }
            : view.status === 'failed'
              ? { jobId, status: 'failed', error: errorOf(502, { error: view.error }) }
              : undefined;
        if (event !== undefined) for (const watcher of this.watchers) watcher(event);
      }),
    );
  }

  private stopPolling(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.watched.clear();
  }

  async close(): Promise<void> {
    this.stopPolling();
  }
}
