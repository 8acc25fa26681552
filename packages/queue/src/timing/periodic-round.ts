/**
 * Runs `round` on a timer, one at a time: a backend that hangs must not pile
 * up a new call every interval. The timer does not keep the process alive.
 */
export class PeriodicRound {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly round: () => Promise<void>,
    private readonly everyMs: number,
  ) {}

  /** The round in progress, or a new one. */
  runOnce(): Promise<void> {
    this.running ??= this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Resolves when the first round is done; the rest follow every `everyMs`. */
  start(): Promise<void> {
    this.timer = setInterval(() => void this.runOnce(), this.everyMs);
    this.timer.unref();
    return this.runOnce();
  }

  /** No more rounds; resolves when the one in progress (if any) is done. */
  stop(): Promise<void> {
    clearInterval(this.timer);
    return (this.running ?? Promise.resolve()).catch(() => undefined);
  }
}
