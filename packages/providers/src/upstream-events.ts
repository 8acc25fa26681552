import { ProviderError, ProviderErrorKind } from '@switchyard/contracts';

export interface UpstreamEventsOptions<E> {
  provider: string;
  /**
   * The longest wait for the first event and between two events. A long
   * answer at a slow token rate may take far longer in all; the clock stops
   * while the consumer holds an event.
   */
  idleTimeoutMs: number;
  /** The caller's cancellation. */
  signal?: AbortSignal;
  /** Sends the request with `signal` (aborting it must close the connection); resolves to the upstream's events. */
  open(signal: AbortSignal): PromiseLike<AsyncIterable<E>>;
  /** The adapter's mapping for every failure other than the idle deadline and the caller's cancellation. */
  mapError(error: unknown): ProviderError;
}

/**
 * The upstream's events, with what every adapter's stream needs around them:
 * the idle deadline, the caller's cancellation acted on at once (not when
 * the SDK next looks), the connection closed when the consumer stops early
 * (`break`, `return()`, an error in its loop), and every failure thrown as a
 * `ProviderError`. An SDK that does not give up when aborted is left behind
 * rather than waited for.
 */
export async function* upstreamEvents<E>(options: UpstreamEventsOptions<E>): AsyncGenerator<E, void, undefined> {
  const { provider, idleTimeoutMs, signal: cancel } = options;
  const controller = new AbortController();
  let timedOut = false;
  let completed = false;
  let timer: NodeJS.Timeout | undefined;

  const onCancel = () => controller.abort(new DOMException('The request was cancelled.', 'AbortError'));

  // The clock starts when a wait on the upstream starts and keeps running until an event arrives.
  // Each wait has its own abort listener, removed when it settles: one long-lived promise raced
  // against every step would keep a reaction, and with it every event, alive for the whole stream.
  const wait = <T>(step: PromiseLike<T>): Promise<T> => {
    timer ??= setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException(`No data from the upstream for ${idleTimeoutMs} ms.`, 'TimeoutError'));
    }, idleTimeoutMs);
    const { signal } = controller;
    if (signal.aborted) {
      // The step was started all the same (a cancel that came between two events): its own failure is
      // expected and must not surface as an unhandled rejection, which would end the worker process.
      Promise.resolve(step).catch(() => undefined);
      return Promise.reject(signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      Promise.resolve(step).then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  };
  const rest = () => {
    clearTimeout(timer);
    timer = undefined;
  };

  if (cancel?.aborted) {
    throw new ProviderError({ kind: ProviderErrorKind.Timeout, provider, message: 'request aborted', cause: cancel.reason });
  }
  cancel?.addEventListener('abort', onCancel, { once: true });
  try {
    const source = await wait(options.open(controller.signal));
    const iterator = source[Symbol.asyncIterator]();
    for (;;) {
      const step = await wait(iterator.next());
      rest();
      if (step.done === true) {
        completed = true;
        return;
      }
      yield step.value;
    }
  } catch (error) {
    if (timedOut) {
      throw new ProviderError({ kind: ProviderErrorKind.Timeout, provider, message: `no data from upstream for ${idleTimeoutMs} ms`, cause: error });
    }
    if (cancel?.aborted) throw new ProviderError({ kind: ProviderErrorKind.Timeout, provider, message: 'request aborted', cause: error });
    throw error instanceof ProviderError ? error : options.mapError(error);
  } finally {
    rest();
    cancel?.removeEventListener('abort', onCancel);
    // A consumer that stopped early, or a failure: the upstream stops generating for nobody.
    if (!completed) controller.abort(new DOMException('The stream was closed.', 'AbortError'));
  }
}
