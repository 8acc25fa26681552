import type { Logger } from '@switchyard/observability';
import type { ProviderAdapter } from '@switchyard/providers';
import { withTimeout } from './with-timeout';

const CHECK_TIMEOUT_MS = 5_000;

/**
 * Asks the backends that have a health endpoint (llama.cpp's `/health`)
 * whether they can serve, every few seconds, so that jobs for a server that
 * is down or still loading its model go straight to their fallback instead
 * of waiting on a connection that will fail. Checks run off the job path;
 * a job reads a Set.
 */
export class BackendHealth {
  private readonly down = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly adapters: ReadonlyMap<string, ProviderAdapter>,
    private readonly logger: Logger,
    private readonly everyMs = 5_000,
  ) {}

  isDown(provider: string): boolean {
    return this.down.has(provider);
  }

  /** One round at a time: a server that hangs must not pile up checks. */
  checkOnce(): Promise<void> {
    this.running ??= this.checkRound().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async checkRound(): Promise<void> {
    await Promise.all(
      [...this.adapters.values()].map(async (adapter) => {
        if (adapter.health === undefined) return;
        const ok = await withTimeout(adapter.health(), CHECK_TIMEOUT_MS).then(
          (health) => health.ok,
          () => false,
        );
        const wasDown = this.down.has(adapter.provider);
        if (ok && wasDown) {
          this.down.delete(adapter.provider);
          this.logger.info({ provider: adapter.provider }, 'backend healthy again; routing to it');
        } else if (!ok && !wasDown) {
          this.down.add(adapter.provider);
          this.logger.warn({ provider: adapter.provider }, 'backend health check failing; its jobs go to their fallbacks');
        }
      }),
    );
  }

  /** Resolves after the first round, so a worker does not start by sending jobs to a server that is down. */
  async start(): Promise<void> {
    if (![...this.adapters.values()].some((adapter) => adapter.health !== undefined)) return;
    await this.checkOnce();
    this.timer = setInterval(() => void this.checkOnce(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
