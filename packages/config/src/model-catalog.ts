import { ModelNotFoundError, type ResolvedRoute } from '@switchyard/contracts';
import type { ModelConfig, ProviderConfig, RoutingConfig } from './routing-config-schema';

export interface EnabledProvider extends ProviderConfig {
  name: string;
  /** Resolved from `apiKeyEnv`; stays inside the worker that calls the provider. */
  apiKey: string | undefined;
}

/**
 * The models callers may use: those whose provider is usable here (its key
 * variable is set, or it needs none). Lookups are one Map access, on the hot path.
 */
export interface RouteChain {
  route: ResolvedRoute;
  /** Enabled fallbacks in order, each once; a fallback whose provider is not usable here is left out. */
  fallbacks: ResolvedRoute[];
}

export class ModelCatalog {
  private readonly routes = new Map<string, ResolvedRoute>();
  private readonly chains = new Map<string, RouteChain>();
  readonly providers: ReadonlyMap<string, EnabledProvider>;
  readonly models: readonly ModelConfig[];

  constructor(config: RoutingConfig, env: NodeJS.ProcessEnv = process.env) {
    const providers = new Map<string, EnabledProvider>();
    for (const [name, provider] of Object.entries(config.providers)) {
      const apiKey = provider.apiKeyEnv === undefined ? undefined : env[provider.apiKeyEnv] || undefined;
      if (!provider.enabled || (provider.requiresKey && apiKey === undefined)) continue;
      providers.set(name, { ...provider, name, apiKey });
    }
    this.providers = providers;
    this.models = config.models.filter((model) => providers.has(model.provider));
    for (const model of this.models) {
      const route: ResolvedRoute = { publicModel: model.name, provider: model.provider, model: model.model };
      for (const name of [model.name, ...model.aliases]) this.routes.set(name, route);
    }
    for (const model of this.models) {
      const route = this.routes.get(model.name) as ResolvedRoute;
      const seen = new Set([`${route.provider}/${route.model}`]);
      const fallbacks: ResolvedRoute[] = [];
      for (const name of model.fallbacks) {
        const next = this.routes.get(name);
        if (next === undefined || seen.has(`${next.provider}/${next.model}`)) continue;
        seen.add(`${next.provider}/${next.model}`);
        fallbacks.push(next);
      }
      const chain: RouteChain = { route, fallbacks };
      for (const name of [model.name, ...model.aliases]) this.chains.set(name, chain);
    }
  }

  /** The route for a name and the fallbacks to try after it; one Map access. */
  resolveChain(model: string): RouteChain {
    const chain = this.chains.get(model);
    if (chain === undefined) throw new ModelNotFoundError(model);
    return chain;
  }

  resolve(model: string): ResolvedRoute {
    const route = this.routes.get(model);
    if (route === undefined) throw new ModelNotFoundError(model);
    return route;
  }

  publicNames(): string[] {
    return [...this.routes.keys()];
  }
}
