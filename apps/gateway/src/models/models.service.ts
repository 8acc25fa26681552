import { Inject, Injectable } from '@nestjs/common';
import type { ModelCatalog, PlatformEnv } from '@switchyard/config';
import { LOCAL_KINDS, type ModelList } from '@switchyard/contracts';
import type { Logger } from '@switchyard/observability';
import type { Redis } from '@switchyard/queue';
import { type ProviderInventory, readModelInventories } from '@switchyard/worker/inventory';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { LOGGER, METRICS, MODEL_CATALOG, PLATFORM_ENV, REDIS } from '../tokens';

@Injectable()
export class ModelsService {
  private readonly created = Math.floor(Date.now() / 1000);
  private readonly localProviders: string[];
  /** The last local models read from Redis: what is known while Redis cannot be read. */
  private lastInventories: ProviderInventory[] = [];

  constructor(
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(PLATFORM_ENV) private readonly env: PlatformEnv,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: GatewayMetrics,
  ) {
    this.localProviders = [...catalog.providers.values()]
      .filter((provider) => LOCAL_KINDS.has(provider.kind) && provider.directModels)
      .map((provider) => provider.name);
  }

  /**
   * Every name a caller may send: configured models and their aliases, then
   * whatever local servers with `directModels` report having, as
   * `<provider>/<model>` (their workers publish it; the gateway calls no provider).
   */
  async list(): Promise<ModelList> {
    const listed = new Map<string, ModelList['data'][number]>();
    for (const model of this.catalog.models) {
      for (const id of [model.name, ...model.aliases]) {
        // A model deployed on several providers is listed once, under the first.
        if (!listed.has(id)) listed.set(id, { id, object: 'model', created: this.created, owned_by: model.provider });
      }
    }
    for (const inventory of await this.inventories()) {
      for (const model of inventory.models) {
        const id = `${inventory.provider}/${model}`;
        if (!listed.has(id)) listed.set(id, { id, object: 'model', created: Math.floor(inventory.at / 1000), owned_by: inventory.provider });
      }
    }
    return { object: 'list', data: [...listed.values()] };
  }

  /** Local servers' models; while Redis cannot be read, the last ones read (the configured models are listed anyway). */
  private async inventories(): Promise<ProviderInventory[]> {
    try {
      this.lastInventories = await readModelInventories(this.redis, this.env.SWITCHYARD_KEY_PREFIX, this.localProviders);
    } catch (error) {
      this.metrics.modelInventoryErrors.inc();
      this.logger.warn({ err: error }, "local servers' models not read from Redis; listing the last ones known");
    }
    return this.lastInventories;
  }
}
