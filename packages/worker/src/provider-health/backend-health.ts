import type { Logger } from '@switchyard/observability';
import type { ProviderAdapter } from '@switchyard/providers';
import { PeriodicRound, withTimeout } from '@switchyard/queue';

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
  private readonly rounds: PeriodicRound;

  constructor(
    private readonly adapters: ReadonlyMap<string, ProviderAdapter>,
    private readonly logger: Logger,
    everyMs = 5_000,
  ) {
    this.rounds = new PeriodicRound(() => this.checkRound(), everyMs);
  }

  isDown(provider: string): boolean {
    return this.down.has(provider);
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
    await this.rounds.start();
  }

  stop(): void {
    this.rounds.stop();
  }
}
