import type { Redis } from 'ioredis';
import { encodeReply } from './reply-message';

export const SSE_DONE = 'data: [DONE]\n\n';

export function sseEvent(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

/**
 * Publishes one job's stream to its gateway as ready-made server-sent events.
 * Chunks that arrive in the same turn of the event loop (an upstream often
 * sends several per packet) go out as one message: fewer PUBLISHes under
 * load, no added wait for the first token. One connection publishes every
 * part, so Redis keeps them in order; numbering lets the gateway notice a
 * lost one.
 */
export class StreamPublisher {
  private buffer = '';
  private seq = 0;
  private scheduled = false;
  private ended = false;

  constructor(
    private readonly publisher: Redis,
    private readonly channel: string,
    private readonly jobId: string,
    private readonly provider: string,
    private readonly model: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  push(events: string): void {
    if (this.ended) return;
    this.buffer += events;
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Sends what is buffered and `tail` as the stream's last part. */
  end(tail: string): void {
    if (this.ended) return;
    this.ended = true;
    this.send(this.buffer + tail, true);
    this.buffer = '';
  }

  private flush(): void {
    this.scheduled = false;
    if (this.ended || this.buffer === '') return;
    this.send(this.buffer, false);
    this.buffer = '';
  }

  private send(body: string, last: boolean): void {
    const message = encodeReply({ jobId: this.jobId, ok: true, provider: this.provider, model: this.model, body, part: { seq: this.seq++, last } });
    this.publisher.publish(this.channel, message).catch(this.onError);
  }
}
