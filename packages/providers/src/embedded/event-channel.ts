/**
 * Values pushed from callbacks, read as an async iterable: node-llama-cpp
 * reports text through `onTextChunk`, a stream hands it on as it comes.
 * Unbounded, because the producer is a generation this process runs and
 * the consumer reads it at once.
 */
export class EventChannel<T> implements AsyncIterable<T> {
  private readonly buffered: T[] = [];
  private waiting: { resolve: (step: IteratorResult<T>) => void; reject: (error: unknown) => void } | undefined;
  private ended = false;
  private failure: { error: unknown } | undefined;

  push(value: T): void {
    if (this.ended) return;
    if (this.waiting !== undefined) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve({ done: false, value });
    } else {
      this.buffered.push(value);
    }
  }

  end(): void {
    this.ended = true;
    this.settleWaiting();
  }

  fail(error: unknown): void {
    if (this.ended) return;
    this.failure = { error };
    this.ended = true;
    this.settleWaiting();
  }

  private settleWaiting(): void {
    if (this.waiting === undefined) return;
    const { resolve, reject } = this.waiting;
    this.waiting = undefined;
    if (this.failure !== undefined) reject(this.failure.error);
    else resolve({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        const value = this.buffered.shift();
        if (value !== undefined) return Promise.resolve({ done: false, value });
        if (this.failure !== undefined) return Promise.reject(this.failure.error);
        if (this.ended) return Promise.resolve({ done: true, value: undefined });
        return new Promise((resolve, reject) => {
          this.waiting = { resolve, reject };
        });
      },
    };
  }
}
