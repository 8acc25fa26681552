import type { ModelCatalog } from '@switchyard/config';
import type { ProviderKind } from '@switchyard/contracts';
import type { Logger } from '@switchyard/observability';
import { type ProviderAdapter, upstreamBaseUrl } from '@switchyard/providers';
import type { Redis } from '@switchyard/queue';
import type { Registry } from 'prom-client';
import { LocalModelControl } from './local-model-control';
import { type LocalBackend } from './local-probes';
import { LocalResourcesPublisher } from './local-resources-publisher';
import { ModelUse } from './model-use';

export interface LocalResources {
  use: ModelUse;
  stop(): Promise<void>;
}

/** worker-local's resource reporting and model control, over the adapters it already made. */
export async function startLocalResources(options: {
  adapters: ReadonlyMap<string, ProviderAdapter>;
  catalog: ModelCatalog;
  redis: Redis;
  subscriber: Redis;
  prefix: string;
  registry: Registry | undefined;
  logger: Logger;
}): Promise<LocalResources> {
  const backends: LocalBackend[] = [...options.adapters.entries()].flatMap(([name, adapter]) => {
    const provider = options.catalog.providers.get(name);
    if (provider === undefined) return [];
    const kind = provider.kind as ProviderKind;
    // Server endpoints (/api/ps, /props, /metrics) hang off the root, not the OpenAI /v1 base.
    const root = upstreamBaseUrl({ kind, ...(provider.baseUrl === undefined ? {} : { baseUrl: provider.baseUrl }) })
      ?.replace(/\/+$/, '')
      .replace(/\/v1$/, '');
    return [{ provider: name, kind, root, adapter }];
  });
  const use = new ModelUse();
  const publisher = new LocalResourcesPublisher(options.redis, options.prefix, backends, use, options.logger, options.registry);
  const control = await LocalModelControl.start({
    subscriber: options.subscriber,
    redis: options.redis,
    prefix: options.prefix,
    backends,
    policyOf: (name) => {
      const provider = options.catalog.providers.get(name);
      return {
        ...(provider?.memoryBudgetBytes === undefined ? {} : { memoryBudgetBytes: provider.memoryBudgetBytes }),
        ...(provider?.evict === undefined ? {} : { evict: provider.evict }),
      };
    },
    publisher,
    use,
    logger: options.logger,
  });
  publisher.start();
  return {
    use,
    async stop() {
      publisher.stop();
      await control.close();
    },
  };
}
