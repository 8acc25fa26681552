import { PassThrough } from 'node:stream';
import { ServiceUnavailableError, StreamInterruptedError, SwitchyardError, toHttpError } from '@switchyard/contracts';
import { type ReplyMessage, type StreamSink, toJobError } from '@switchyard/queue';

export interface SseRelayOptions {
  jobId: string;
  heartbeatMs: number;
  maxBacklogBytes: number;
  /** The job's provider, for the response headers when a heartbeat has to open the stream. */
  provider: string;
  model: string;
  /** Called once when the stream ends for any reason but its own last part; the job is to be stopped. */
  onAbandon(reason: string): void;
  /** `answeredBy`: the provider whose parts the stream carried (a fallback's, when one answered), else the job's. */
  onEnd(outcome: 'completed' | 'failed' | 'abandoned', answeredBy: string): void;
}

/** Where the stream stands: headers not yet sent, streaming, or over. */
type RelayState = 'waiting' | 'open' | 'closed';

const HEARTBEAT = ': keep-alive\n\n';

/**
 * Relays one job's stream from the reply channel to the caller as
 * server-sent events. The worker's parts are written as they came (already
 * SSE text), in sequence; a gap means a part was lost and ends the stream.
 * Until the first part the caller gets nothing, so a failure before the
 * first token is still an ordinary HTTP error; if the first part is slow
 * (a queue wait) a heartbeat opens the stream instead, and later failures
 * become an error event. A client that stops reading is cut off once its
 * backlog passes a limit, rather than buffered without end.
 */
export class SseRelay implements StreamSink {
  readonly body = new PassThrough();
  /** Resolves when the response should start; rejects with the error to answer instead. */
  readonly opened: Promise<{ provider: string; model: string }>;
  private state: RelayState = 'waiting';
  private nextSeq = 0;
  private answeredBy: string;
  private readonly heartbeat: NodeJS.Timeout;
  private open!: (route: { provider: string; model: string }) => void;
  private refuse!: (error: unknown) => void;

  constructor(private readonly options: SseRelayOptions) {
    this.answeredBy = options.provider;
    this.opened = new Promise((resolve, reject) => {
      this.open = resolve;
      this.refuse = reject;
    });
    // Settled by the caller's await; never unhandled.
    this.opened.catch(() => undefined);
    this.heartbeat = setTimeout(() => this.beat(), options.heartbeatMs);
    // The server destroys the body when the response closes early: the client is gone.
    this.body.once('close', () => this.clientGone());
  }

  message(reply: ReplyMessage): void {
    if (this.state === 'closed') return;
    if (reply.part === undefined) {
      // A whole reply on a stream: the request failed before its first token.
      this.fail(reply.ok ? new StreamInterruptedError(this.options.jobId, 'the worker answered without streaming') : toJobError(reply.body), true);
      return;
    }
    if (reply.part.seq !== this.nextSeq) {
      this.fail(new StreamInterruptedError(this.options.jobId, `part ${this.nextSeq} of the stream was lost`), false);
      return;
    }
    if (this.nextSeq === 0) this.answeredBy = reply.provider;
    this.nextSeq++;
    if (this.state === 'waiting') this.start(reply.provider, reply.model);
    this.write(reply.body);
    if (reply.part.last) this.finish('completed');
  }

  error(error: Error): void {
    if (this.state === 'closed') return;
    this.fail(error, false);
  }

  /**
   * Starts the response without waiting for the first part or a heartbeat:
   * for an answer that is held back until it is whole. A failure after this
   * is an error event in the stream, no longer an HTTP status.
   */
  openNow(): void {
    if (this.state === 'waiting') this.beat();
  }

  /** The client went away (the response closed before the stream ended). */
  clientGone(): void {
    if (this.state === 'closed') return;
    this.abandon('client disconnected');
  }

  private start(provider: string, model: string): void {
    this.state = 'open';
    this.open({ provider, model });
  }

  private write(text: string): void {
    this.body.write(text);
    this.heartbeat.refresh();
    if (this.body.writableLength + this.body.readableLength > this.options.maxBacklogBytes) {
      this.abandon('client not reading');
      this.body.destroy();
    }
  }

  private beat(): void {
    if (this.state === 'closed') return;
    if (this.state === 'waiting') this.start(this.options.provider, this.options.model);
    this.write(HEARTBEAT);
  }

  /** `jobEnded`: the job itself reported the failure; otherwise (a timeout, a lost part) it may still be running. */
  private fail(error: unknown, jobEnded: boolean): void {
    if (this.state === 'waiting') {
      this.close('failed');
      this.refuse(error);
    } else {
      this.write(`data: ${JSON.stringify(toHttpError(error).body)}\n\n`);
      this.finish('failed');
    }
    if (!jobEnded) this.options.onAbandon(SwitchyardError.isInstance(error) ? error.code : 'stream failed');
  }

  private abandon(reason: string): void {
    const wasWaiting = this.state === 'waiting';
    this.close('abandoned');
    // Nobody is left to answer, but the handler waiting to start the response must not wait for ever.
    if (wasWaiting) this.refuse(new ServiceUnavailableError(`The stream of job ${this.options.jobId} ended: ${reason}.`));
    this.options.onAbandon(reason);
  }

  private finish(outcome: 'completed' | 'failed'): void {
    this.close(outcome);
    this.body.end();
  }

  private close(outcome: 'completed' | 'failed' | 'abandoned'): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.heartbeat);
    this.options.onEnd(outcome, this.answeredBy);
  }
}
