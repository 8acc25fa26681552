import { Inject, Injectable } from '@nestjs/common';
import type { ModelCatalog, PlatformEnv } from '@switchyard/config';
import { circuitKeys, LOCAL_KINDS, llmQueueKey, type ProviderStatus, type ProviderStatusList, providerBudgetKey } from '@switchyard/contracts';
import type { Redis } from '@switchyard/queue';
import { readModelInventories } from '@switchyard/worker/inventory';
import { MODEL_CATALOG, PLATFORM_ENV, REDIS } from '../tokens';

const MINUTE_MS = 60_000;

/** BullMQ's request counter of a provider queue's limiter, for the window running now. */
const limiterKey = (prefix: string, provider: string) => `${llmQueueKey(prefix, provider)}:limiter`;

type CircuitState = ProviderStatus['models'][number]['circuit'];

function circuitState(open: string | null, halfOpen: string | null): CircuitState {
  if (open !== null) return 'open';
  return halfOpen !== null ? 'half_open' : 'closed';
}

/** What each configured provider looks like now: its circuits, its limits' use, a local server's listed models. Read, never changed. */
@Injectable()
export class ProvidersService {
  constructor(
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(PLATFORM_ENV) private readonly env: PlatformEnv,
  ) {}

  async list(): Promise<ProviderStatusList> {
    const prefix = this.env.SWITCHYARD_KEY_PREFIX;
    const now = Date.now();
    const providers = [...this.catalog.providers.values()];
    // Circuits are per provider and the provider's own model id, as the workers keep them.
    const modelsOf = new Map(
      providers.map((provider) => [provider.name, [...new Set(this.catalog.models.filter((m) => m.provider === provider.name).map((m) => m.model))]]),
    );
    const pipeline = this.redis.pipeline();
    for (const provider of providers) {
      pipeline.get(limiterKey(prefix, provider.name));
      pipeline.get(providerBudgetKey(prefix, provider.name, 'tpm', Math.floor(now / MINUTE_MS)));
      for (const model of modelsOf.get(provider.name) ?? []) {
        const keys = circuitKeys(prefix, provider.name, model);
        pipeline.mget(keys.open, keys.halfOpen, keys.failures);
      }
    }
    const local = providers.filter((provider) => LOCAL_KINDS.has(provider.kind)).map((provider) => provider.name);
    const [replies, inventories] = await Promise.all([pipeline.exec(), readModelInventories(this.redis, prefix, local)]);
    let next = 0;
    const reply = <T>(): T => {
      const [error, value] = replies?.[next++] ?? [];
      if (error) throw error;
      return value as T;
    };
    const data = providers.map((provider): ProviderStatus => {
      const requestsCounted = Number(reply<string | null>() ?? 0);
      const tokensCounted = Number(reply<string | null>() ?? 0);
      const models = (modelsOf.get(provider.name) ?? []).map((model) => {
        const [open = null, halfOpen = null, failures = null] = reply<(string | null)[]>();
        return { model, circuit: circuitState(open, halfOpen), recent_failures: Number(failures ?? 0) };
      });
      const { limits } = provider;
      const rpm = limits?.requestsPerMinute;
      const tpm = limits?.tokensPerMinute;
      const inventory = inventories.find((entry) => entry.provider === provider.name);
      return {
        provider: provider.name,
        kind: provider.kind,
        models,
        limits: {
          // The limiter counts per window; a paused queue (after a 429) reads as full.
          rpm: rpm === undefined ? null : { limit: rpm, used: Math.min(rpm, Math.round((requestsCounted * MINUTE_MS) / (limits?.windowMs ?? MINUTE_MS))) },
          tpm: tpm === undefined ? null : { limit: tpm, used: tokensCounted },
        },
        local: inventory === undefined ? null : { models: inventory.models, at: inventory.at },
      };
    });
    return { object: 'list', data };
  }
}
