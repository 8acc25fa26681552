/**
 * A model's context sequences handed out one request at a time. The worker
 * takes no more jobs than there are slots, so a wait here only happens to
 * callers outside it (tests, a direct client); they wait in arrival order.
 */
export class SequenceSlots<S> {
  private readonly free: S[];
  private readonly waiters: ((slot: S) => void)[] = [];

  constructor(slots: readonly S[]) {
    this.free = [...slots];
  }

  get available(): number {
    return this.free.length;
  }

  /** Resolves with a free slot; a signal that fires first rejects with its reason and takes no slot. */
  acquire(signal?: AbortSignal): Promise<S> {
    const slot = this.free.shift();
    if (slot !== undefined) return Promise.resolve(slot);
    return new Promise<S>((resolve, reject) => {
      const onAbort = () => {
        const index = this.waiters.indexOf(grant);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(signal?.reason);
      };
      const grant = (granted: S) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(granted);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(grant);
    });
  }

  release(slot: S): void {
    const next = this.waiters.shift();
    if (next !== undefined) next(slot);
    else this.free.push(slot);
  }
}
