export { ConfigError } from './config-error';
export { interpolateEnv } from './interpolate-env';
export { loadModelRouting, loadRoutingConfig, parseModelRouting, parseRoutingConfig } from './load-routing-config';
export { ModelCatalog, type EnabledProvider, type RouteChain } from './model-catalog';
export {
  modelRoutingSchema,
  routingConfigSchema,
  type ApiKeyConfig,
  type ModelConfig,
  type ModelPrice,
  type ModelRouting,
  type ProviderConfig,
  type RoutingConfig,
} from './routing-config-schema';
export { loadPlatformEnv, parseEnv, type PlatformEnv } from './platform-env';
export { intFromEnv, type IntRange, unsetIfEmpty } from './env-values';
export { extractApiKey } from './extract-api-key';
export { resolveConfigPath } from './resolve-config-path';
