import { modelInventoryKey } from '@switchyard/contracts';
import type { Logger } from '@switchyard/observability';
import type { ProviderAdapter } from '@switchyard/providers';
import { PeriodicRound, withTimeout } from '@switchyard/queue';
import type { Redis } from 'ioredis';

/** What one backend reported, and when. */
export interface ProviderInventory {
  provider: string;
  models: string[];
  at: number;
}

/**
 * Workers ask their backends which models they have and leave the answer in
 * Redis, so the gateway can list them without calling a provider itself. An
 * answer older than three rounds expires, and a backend that stopped
 * answering drops out of the list.
 */
const LIST_TIMEOUT_MS = 10_000;

export class ModelInventoryPublisher {
  private readonly rounds: PeriodicRound;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly adapters: ReadonlyMap<string, ProviderAdapter>,
    private readonly logger: Logger,
    private readonly everyMs = 30_000,
  ) {
    this.rounds = new PeriodicRound(() => this.publishRound(), everyMs);
  }

  private async publishRound(): Promise<void> {
    await Promise.all(
      [...this.adapters.values()].map(async (adapter) => {
        if (adapter.listModels === undefined) return;
        try {
          const models = await withTimeout(adapter.listModels(), LIST_TIMEOUT_MS);
          const inventory: ProviderInventory = { provider: adapter.provider, models, at: Date.now() };
          await this.redis.set(modelInventoryKey(this.prefix, adapter.provider), JSON.stringify(inventory), 'PX', this.everyMs * 3);
        } catch (error) {
          this.logger.warn({ provider: adapter.provider, code: (error as { code?: unknown }).code }, 'could not list the backend models');
        }
      }),
    );
  }

  start(): void {
    void this.rounds.start();
  }

  stop(): void {
    this.rounds.stop();
  }
}

/** The gateway's side: the latest inventories of the given providers, skipping those with none. */
export async function readModelInventories(redis: Redis, prefix: string, providers: readonly string[]): Promise<ProviderInventory[]> {
  if (providers.length === 0) return [];
  const values = await redis.mget(...providers.map((provider) => modelInventoryKey(prefix, provider)));
  return values.flatMap((value) => {
    if (value === null) return [];
    try {
      return [JSON.parse(value) as ProviderInventory];
    } catch {
      return [];
    }
  });
}
