import type { AsyncJobStatus, AsyncJobView, ChatCompletion, ChatCompletionBody, WebhookTarget } from '@switchyard/contracts';

/** How to run one job; the same in both modes. */
export interface EnqueueOptions {
  webhook?: WebhookTarget;
  /** 1 runs first; jobs without one run before any prioritised job. */
  priority?: number;
  /** Milliseconds before the job may run. */
  delay?: number;
  /** Pins the deployment on this provider, as the `x-switchyard-provider` header does. */
  provider?: string;
}

export interface WaitOptions extends EnqueueOptions {
  /** How long to wait for the answer; the job itself goes on after it. */
  timeoutMs?: number;
}

export interface JobPage {
  object: 'list';
  data: AsyncJobView[];
  has_more: boolean;
  last_id: string | null;
}

/** What a finished job reports to `onJobEnded` listeners. */
export type JobEnded = { jobId: string; status: 'succeeded'; completion: ChatCompletion } | { jobId: string; status: 'failed'; error: Error };

/**
 * One API, two transports: `DirectClient` adds jobs to the queues itself
 * (inside the cluster, no HTTP hop), `HttpClient` goes through a gateway's
 * `/v1/jobs` (outside it). Both validate with the same contracts.
 */
export interface SwitchyardClient {
  enqueue(request: ChatCompletionBody, options?: EnqueueOptions): Promise<AsyncJobView>;
  enqueueAndWait(request: ChatCompletionBody, options?: WaitOptions): Promise<ChatCompletion>;
  enqueueBulk(requests: readonly ChatCompletionBody[], options?: EnqueueOptions): Promise<AsyncJobView[]>;
  get(jobId: string): Promise<AsyncJobView>;
  cancel(jobId: string): Promise<AsyncJobView>;
  list(options?: { limit?: number; after?: string; status?: AsyncJobStatus }): Promise<JobPage>;
  /** Every job this client enqueued, as it ends; returns a function that stops listening. */
  onJobEnded(listener: (event: JobEnded) => void): () => void;
  close(): Promise<void>;
}
