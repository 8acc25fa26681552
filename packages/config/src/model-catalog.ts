import { InvalidRequestError, LOCAL_KINDS, ModelNotFoundError, type ResolvedRoute } from '@switchyard/contracts';
import type { ModelConfig, ModelPrice, ModelRouting, ProviderConfig, StructuredSettings } from './routing-config-schema';

export interface EnabledProvider extends ProviderConfig {
  name: string;
  /** Resolved from `apiKeyEnv`; stays inside the worker that calls the provider. */
  apiKey: string | undefined;
}

export interface RouteChain {
  route: ResolvedRoute;
  /** Routes to try after it, in order, each once: the model's other deployments, then its fallback models. */
  fallbacks: ResolvedRoute[];
}

/** A route's structured-output settings, with the kind of provider that serves it (which decides what `auto` means). */
export interface RouteStructured extends StructuredSettings {
  providerKind: ProviderConfig['kind'];
}

/** A deployment without its own `structured` entry: let the provider decide how, re-ask twice. */
const DEFAULT_STRUCTURED: StructuredSettings = Object.freeze({ mode: 'auto', reasks: 2 });

interface Deployment {
  route: ResolvedRoute;
  weight: number;
}

interface CatalogModel {
  deployments: Deployment[];
  totalWeight: number;
  fallbackNames: string[];
  /** Precomputed for the common case of one deployment, so resolving allocates nothing. */
  single?: RouteChain;
}

const routeKey = (route: ResolvedRoute) => `${route.provider}/${route.model}`;
/** One config entry: two names may share a provider's model at different prices. */
const deploymentKey = (route: ResolvedRoute) => `${route.publicModel}\u0000${route.provider}/${route.model}`;

/** The operator's own hardware: no per-token bill unless the config sets one. */
const NO_CHARGE: ModelPrice = Object.freeze({ inputPerMillion: 0, outputPerMillion: 0 });

/** What a local server's model may be called when named directly: no spaces, newlines or controls. */
const DIRECT_MODEL_NAME = /^[A-Za-z0-9._:/@-]{1,128}$/;

/**
 * The models callers may use: those whose provider is usable here (its key
 * variable is set, or it needs none). Entries sharing a name are deployments
 * of one model, chosen by weight per request; resolving is a Map access.
 */
export class ModelCatalog {
  private readonly byName = new Map<string, CatalogModel>();
  private readonly prices = new Map<string, ModelPrice>();
  private readonly structured = new Map<string, StructuredSettings>();
  private readonly deploymentKeys = new Set<string>();
  readonly providers: ReadonlyMap<string, EnabledProvider>;
  readonly models: readonly ModelConfig[];

  /**
   * `keysHeldElsewhere`: route to keyed providers without holding their keys
   * (a producer that only enqueues; the workers hold the keys).
   */
  constructor(config: Pick<ModelRouting, 'providers' | 'models'>, env: NodeJS.ProcessEnv = process.env, options: { keysHeldElsewhere?: boolean } = {}) {
    const providers = new Map<string, EnabledProvider>();
    for (const [name, provider] of Object.entries(config.providers)) {
      const apiKey = provider.apiKeyEnv === undefined ? undefined : env[provider.apiKeyEnv] || undefined;
      // An embedded model has no upstream to present a key to.
      const needsKey = provider.requiresKey && provider.kind !== 'embedded';
      if (!provider.enabled || (needsKey && apiKey === undefined && options.keysHeldElsewhere !== true)) continue;
      providers.set(name, { ...provider, name, apiKey });
    }
    this.providers = providers;
    this.models = config.models.filter((model) => providers.has(model.provider));

    const models = new Map<string, CatalogModel>();
    for (const entry of this.models) {
      const model = models.get(entry.name) ?? { deployments: [], totalWeight: 0, fallbackNames: [] };
      const route = { publicModel: entry.name, provider: entry.provider, model: entry.model };
      model.deployments.push({ route, weight: entry.weight });
      this.deploymentKeys.add(deploymentKey(route));
      if (entry.structured !== undefined) {
        this.structured.set(deploymentKey(route), entry.structured);
        if (!this.structured.has(routeKey(route))) this.structured.set(routeKey(route), entry.structured);
      }
      if (entry.price !== undefined) {
        this.prices.set(deploymentKey(route), entry.price);
        if (!this.prices.has(routeKey(route))) this.prices.set(routeKey(route), entry.price);
      }
      model.totalWeight += entry.weight;
      for (const name of entry.fallbacks) if (!model.fallbackNames.includes(name)) model.fallbackNames.push(name);
      models.set(entry.name, model);
      for (const name of [entry.name, ...entry.aliases]) this.byName.set(name, model);
    }
    for (const model of models.values()) {
      model.deployments.sort((a, b) => b.weight - a.weight);
      if (model.deployments.length === 1) model.single = this.chainFrom(model, 0);
    }
  }

  /**
   * The route for a name and what to try after it. `provider` pins the
   * deployment on that provider (the `x-switchyard-provider` request header).
   */
  resolveChain(model: string, provider?: string): RouteChain {
    const entry = this.byName.get(model);
    if (entry === undefined) return this.directRoute(model);
    if (provider !== undefined) {
      const index = entry.deployments.findIndex((deployment) => deployment.route.provider === provider);
      if (index < 0) {
        throw new InvalidRequestError(`The model '${model}' has no deployment on provider '${provider}'.`, { param: 'x-switchyard-provider' });
      }
      return this.chainFrom(entry, index);
    }
    return entry.single ?? this.chainFrom(entry, this.pickByWeight(entry));
  }

  /**
   * `<provider>/<model>` reaches any model a local server has (as listed in
   * GET /v1/models) without a routing entry; hosted providers need one.
   */
  private directRoute(name: string): RouteChain {
    const slash = name.indexOf('/');
    const provider = slash > 0 ? this.providers.get(name.slice(0, slash)) : undefined;
    const servable = provider !== undefined && provider.directModels && LOCAL_KINDS.has(provider.kind);
    if (!servable || !DIRECT_MODEL_NAME.test(name.slice(slash + 1))) throw new ModelNotFoundError(name);
    return { route: { publicModel: name, provider: provider.name, model: name.slice(slash + 1) }, fallbacks: [] };
  }

  /**
   * What a route's deployment charges: its entry's price, else the first
   * price given for the same provider and model (a direct route has no
   * entry), else 0 on a local server; undefined when unknown.
   */
  priceOf(route: ResolvedRoute): ModelPrice | undefined {
    const price = this.prices.get(deploymentKey(route)) ?? this.prices.get(routeKey(route));
    if (price !== undefined) return price;
    const kind = this.providers.get(route.provider)?.kind;
    return kind !== undefined && LOCAL_KINDS.has(kind) ? NO_CHARGE : undefined;
  }

  /**
   * How a route is asked for a structured answer: its entry's `structured`
   * (or the default when it has none); a direct route, having no entry, takes
   * the first given for the same provider and model. Undefined for a
   * provider not usable here.
   */
  structuredOf(route: ResolvedRoute): RouteStructured | undefined {
    const kind = this.providers.get(route.provider)?.kind;
    if (kind === undefined) return undefined;
    const own = deploymentKey(route);
    const configured = this.deploymentKeys.has(own) ? this.structured.get(own) : this.structured.get(routeKey(route));
    const settings = configured ?? DEFAULT_STRUCTURED;
    return { ...settings, providerKind: kind };
  }

  resolve(model: string): ResolvedRoute {
    return this.resolveChain(model).route;
  }

  publicNames(): string[] {
    return [...this.byName.keys()];
  }

  private pickByWeight(model: CatalogModel): number {
    let ticket = Math.random() * model.totalWeight;
    for (let i = 0; i < model.deployments.length; i++) {
      ticket -= (model.deployments[i] as Deployment).weight;
      if (ticket < 0) return i;
    }
    return model.deployments.length - 1;
  }

  private chainFrom(model: CatalogModel, chosen: number): RouteChain {
    const route = (model.deployments[chosen] as Deployment).route;
    const seen = new Set([routeKey(route)]);
    const fallbacks: ResolvedRoute[] = [];
    const add = (next: ResolvedRoute) => {
      if (seen.has(routeKey(next))) return;
      seen.add(routeKey(next));
      fallbacks.push(next);
    };
    model.deployments.forEach((deployment, index) => {
      if (index !== chosen) add(deployment.route);
    });
    for (const name of model.fallbackNames) {
      const next = this.byName.get(name)?.deployments[0];
      if (next !== undefined) add(next.route);
    }
    return { route, fallbacks };
  }
}
