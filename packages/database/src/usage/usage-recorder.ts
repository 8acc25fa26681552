import type { LlmRequestRecord } from './llm-request-record';
import type { UsageRepository } from './usage-repository';

export interface UsageRecorderOptions {
  flushIntervalMs?: number;
  maxBatch?: number;
  /** Rows kept while the database is unreachable; beyond it the oldest are dropped and reported. */
  maxBuffered?: number;
  onError?: (error: unknown, pending: number) => void;
  onDrop?: (dropped: number) => void;
  /** A row the database refuses on its own (bad data, not an outage); it is set aside so the rest still land. */
  onRejected?: (error: unknown, row: LlmRequestRecord) => void;
}

/** Where a process hands its usage rows: never awaited, never on the request path. */
export interface UsageSink {
  record(row: LlmRequestRecord): void;
  /**
   * Resolves once every row recorded so far is where the sink keeps rows
   * durably (a sink that writes from memory has nothing to wait for). A
   * worker awaits it before its job counts as done, so a process killed
   * right after answering leaves its job to be run again rather than an
   * answered request without a row.
   */
  kept?(): Promise<void>;
}

/**
 * Keeps usage writes off the request path: `record` only appends to memory,
 * and rows go to PostgreSQL in batches on a timer or when a batch fills.
 */
export class UsageRecorder implements UsageSink {
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
    // Stamped when it happened, not when a delayed flush writes it.
    row.createdAt ??= new Date();
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
        const unwritten = isDataError(error) ? await this.insertOneByOne(batch) : batch;
        if (unwritten.length > 0) {
          this.buffer.unshift(...unwritten);
          this.options.onError?.(error, this.buffer.length);
          return;
        }
      }
    }
  }

  /**
   * After a batch the database refused: write row by row and set aside the rows
   * it refuses on their own, so one bad row cannot hold back every other.
   * Returns what is left unwritten when the database itself stops answering.
   */
  private async insertOneByOne(batch: LlmRequestRecord[]): Promise<LlmRequestRecord[]> {
    for (let i = 0; i < batch.length; i++) {
      const row = batch[i] as LlmRequestRecord;
      try {
        await this.repository.insertMany([row]);
      } catch (error) {
        if (!isDataError(error)) return batch.slice(i);
        this.options.onRejected?.(error, row);
      }
    }
    return [];
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity): the row is at fault, not the connection. */
export function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}
