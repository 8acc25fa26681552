import { ProviderError, ProviderErrorKind } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { upstreamEvents } from './upstream-events';

/** An upstream that sends `items`, then neither ends nor notices an abort, like an SDK that ignores its signal. */
function stuckAfter<T>(items: T[]): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]: () => {
      let next = 0;
      return { next: () => (next < items.length ? Promise.resolve({ done: false, value: items[next++] as T }) : new Promise<IteratorResult<T>>(() => {})) };
    },
  };
}

async function* finite<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

const mapError = (error: unknown) => new ProviderError({ kind: ProviderErrorKind.Server, provider: 'p', message: String(error), cause: error });

describe('upstreamEvents', () => {
  it('gives up on an upstream that stops sending, at the idle deadline, and aborts its request', async () => {
    let requestSignal: AbortSignal | undefined;
    const seen: number[] = [];
    const started = Date.now();
    const events = upstreamEvents({
      provider: 'p',
      idleTimeoutMs: 50,
      open: async (signal) => {
        requestSignal = signal;
        return stuckAfter([1, 2]);
      },
      mapError,
    });
    await expect(
      (async () => {
        for await (const event of events) seen.push(event);
      })(),
    ).rejects.toMatchObject({ kind: 'timeout', retryable: true });
    expect(seen).toStrictEqual([1, 2]);
    // A bound a busy machine keeps; the stuck upstream itself would never end.
    expect(Date.now() - started).toBeLessThan(2000);
    expect(requestSignal?.aborted).toBe(true);
  });

  it('stops the clock while the consumer holds an event', async () => {
    const events = upstreamEvents({ provider: 'p', idleTimeoutMs: 30, open: async () => finite([1, 2]), mapError });
    const seen: number[] = [];
    for await (const event of events) {
      seen.push(event);
      await new Promise((resolve) => setTimeout(resolve, 80));
    }
    expect(seen).toStrictEqual([1, 2]);
  });

  it('leaves no unhandled rejection behind when the caller aborts between two events', async () => {
    const controller = new AbortController();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      // Like an SDK whose pending read fails once its connection is closed.
      const source: AsyncIterable<number> = {
        [Symbol.asyncIterator]: () => {
          let next = 0;
          return {
            next: () =>
              next++ === 0
                ? Promise.resolve({ done: false, value: 1 })
                : new Promise<IteratorResult<number>>((_, reject) => setTimeout(() => reject(new Error('aborted')), 10)),
          };
        },
      };
      const events = upstreamEvents({ provider: 'p', idleTimeoutMs: 10_000, signal: controller.signal, open: async () => source, mapError });
      await expect(
        (async () => {
          // The abort lands while the consumer holds an event, before it asks for the next.
          for await (const _event of events) controller.abort();
        })(),
      ).rejects.toMatchObject({ message: 'p: request aborted' });
      // Timers run in order: by this one, the read failed 10 ms in and any unhandled rejection was reported.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toStrictEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('throws as soon as the caller aborts, without waiting for the upstream to notice', async () => {
    const controller = new AbortController();
    let requestSignal: AbortSignal | undefined;
    const events = upstreamEvents({
      provider: 'p',
      idleTimeoutMs: 10_000,
      signal: controller.signal,
      open: async (signal) => {
        requestSignal = signal;
        return stuckAfter([1]);
      },
      mapError,
    });
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    await expect(
      (async () => {
        for await (const _event of events) {
          // The first event arrives; the second never does.
        }
      })(),
    ).rejects.toMatchObject({ kind: 'timeout', message: 'p: request aborted' });
    // Well under the 10 s idle deadline, with room for a busy machine.
    expect(Date.now() - started).toBeLessThan(2000);
    expect(requestSignal?.aborted).toBe(true);
  });

  it('aborts the request when the consumer stops early, and not when it read to the end', async () => {
    const signals: AbortSignal[] = [];
    const open = async (signal: AbortSignal) => {
      signals.push(signal);
      return finite([1, 2, 3]);
    };
    for await (const _event of upstreamEvents({ provider: 'p', idleTimeoutMs: 1000, open, mapError })) break;
    for await (const _event of upstreamEvents({ provider: 'p', idleTimeoutMs: 1000, open, mapError })) {
      // Read to the end.
    }
    expect(signals.map((signal) => signal.aborted)).toStrictEqual([true, false]);
  });

  it("maps the upstream's own failures with the adapter's mapping, and passes ProviderErrors through", async () => {
    const failing = (error: unknown) =>
      upstreamEvents({
        provider: 'p',
        idleTimeoutMs: 1000,
        open: async () => {
          throw error;
        },
        mapError,
      }).next();
    await expect(failing(new Error('boom'))).rejects.toMatchObject({ kind: 'server', message: 'p: Error: boom' });
    const own = new ProviderError({ kind: ProviderErrorKind.Auth, provider: 'p', message: 'HTTP 401' });
    await expect(failing(own)).rejects.toBe(own);
  });
});
