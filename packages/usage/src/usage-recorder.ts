import type { LlmRequestRecord } from './llm-request-record';
import type { UsageRepository } from './usage-repository';

export interface UsageRecorderOptions {
  flushIntervalMs?: number;
  maxBatch?: number;
  /** Rows kept while the database is unreachable; beyond it the oldest are dropped and reported. */
  maxBuffered?: number;
  onError?: (error: unknown, pending: number) => void;
  onDrop?: (dropped: number) => void;
}

/**
 * Keeps usage writes off the request path: `record` only appends to memory,
 * and rows go to PostgreSQL in batches on a timer or when a batch fills.
 */
export class UsageRecorder {
  private buffer: LlmRequestRecord[] = [];
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> | undefined;
  private readonly maxBatch: number;
  private readonly maxBuffered: number;

  constructor(
    private readonly repository: UsageRepository,
    private readonly options: UsageRecorderOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.maxBuffered = options.maxBuffered ?? 100_000;
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 250);
    this.timer.unref();
  }

  record(row: LlmRequestRecord): void {
    this.buffer.push(row);
    if (this.buffer.length > this.maxBuffered) {
      const dropped = this.buffer.length - this.maxBuffered;
      this.buffer.splice(0, dropped);
      this.options.onDrop?.(dropped);
    }
    if (this.buffer.length >= this.maxBatch) void this.flush();
  }

  get pending(): number {
    return this.buffer.length;
  }

  /** Writes everything buffered so far; concurrent calls share one write. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.maxBatch);
      try {
        await this.repository.insertMany(batch);
      } catch (error) {
        this.buffer.unshift(...batch);
        this.options.onError?.(error, this.buffer.length);
        return;
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
