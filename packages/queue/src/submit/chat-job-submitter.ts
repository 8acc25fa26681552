import {
  type CallerIdentity,
  type ChatCompletionRequest,
  deserializeError,
  type LlmJobPayload,
  type ResolvedRoute,
  type SerializedError,
  ServiceUnavailableError,
  SwitchyardError,
} from '@switchyard/contracts';
import type { ReplyListener, StreamSink } from '../reply/reply-listener';
import type { ReplyMessage } from '../reply/reply-message';
import { buildJobPayload } from './build-job-payload';
import type { LlmJobProducer } from './llm-job-producer';
import { queueFailure } from './queue-failure';

export interface SubmitChatJob {
  jobId: string;
  requestId: string;
  route: ResolvedRoute;
  /** Routes to try in order when `route` fails for good. */
  fallbacks?: readonly ResolvedRoute[];
  request: ChatCompletionRequest;
  caller: CallerIdentity;
  timeoutMs: number;
  trace?: Record<string, string>;
  /** The caller's structured-output settings (re-asks), when it gave any. */
  structured?: LlmJobPayload['structured'];
  /** The stored prompt the messages were rendered from. */
  prompt?: LlmJobPayload['prompt'];
  /** The session this job is a turn of. */
  session?: LlmJobPayload['session'];
}

/**
 * The synchronous way in: enqueue a chat job on its provider's queue and
 * wait for the worker's reply. Both the gateway and in-process callers use it.
 */
export class ChatJobSubmitter {
  constructor(
    private readonly producer: LlmJobProducer,
    private readonly listener: ReplyListener,
    private readonly attempts: number = 1,
  ) {}

  /**
   * Enqueues and starts waiting. Resolves once the job is on its queue (from
   * then on the worker records its outcome); rejects with a 503 when it could
   * not be queued. `reply` resolves with the successful reply; a failed job
   * rejects it with its typed error.
   */
  async submit(job: SubmitChatJob): Promise<{ reply: Promise<ReplyMessage> }> {
    const payload = this.payloadOf(job);
    const reply = this.listener.wait(job.jobId, job.timeoutMs, () => this.producer.finishedReply(job.route.provider, job.jobId));
    // The wait may time out while `add` is still in flight; without a handler that
    // rejection would be unhandled and end the process. It is awaited below.
    reply.catch(() => undefined);
    await this.enqueue(payload, job.jobId);
    return {
      reply: reply.then((message) => {
        if (!message.ok) throw toJobError(message.body);
        return message;
      }),
    };
  }

  /**
   * Enqueues a streamed request and hands its messages to `sink` as they
   * come: stream parts, or one failure if it failed before its first token.
   * `timeoutMs` bounds the wait for each message, not the whole stream.
   */
  async submitStream(job: SubmitChatJob, sink: StreamSink): Promise<SubmittedStream> {
    const payload = this.payloadOf(job);
    this.listener.listen(job.jobId, job.timeoutMs, sink);
    await this.enqueue(payload, job.jobId);
    return { cancel: () => this.cancelStream(job.jobId) };
  }

  /** The streaming caller went away: stop listening and have the worker abort the upstream request. */
  cancelStream(jobId: string): void {
    this.listener.cancel(jobId);
    // Fire and forget: a caller gone is not worth failing anything over.
    this.producer.cancel(jobId).catch(() => undefined);
  }

  private async enqueue(payload: LlmJobPayload, jobId: string): Promise<void> {
    try {
      await this.producer.enqueue(payload, { jobId, attempts: this.attempts });
    } catch (cause) {
      this.listener.cancel(jobId);
      throw queueFailure(cause, 'The job queue is unavailable; the request was not accepted.');
    }
  }

  private payloadOf(job: SubmitChatJob): LlmJobPayload {
    const enqueuedAt = Date.now();
    return buildJobPayload({ ...job, replyTo: this.listener.channel }, enqueuedAt, enqueuedAt + job.timeoutMs);
  }

  /** The caller left: stop waiting (the wait ends with an error nobody reads). The job still runs and records its usage. */
  abandon(jobId: string): void {
    this.listener.cancel(jobId, new ServiceUnavailableError(`The caller of job ${jobId} went away.`, { details: { job_id: jobId } }));
  }
}

export interface SubmittedStream {
  /** The caller went away: stop listening and have the worker abort the upstream request. */
  cancel(): void;
}

/** A failed job's reply as the typed error it carries. */
export function toJobError(body: string | undefined): SwitchyardError {
  try {
    return deserializeError(JSON.parse(body ?? '') as SerializedError);
  } catch {
    // Not one of ours (BullMQ's own plain-text reasons): the platform failed the job, not the request.
    return new ServiceUnavailableError(`The job failed: ${(body ?? 'no reason given').slice(0, 200)}`);
  }
}
