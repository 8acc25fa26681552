export { ConfigError } from './config-error';
export { type IntRange, intFromEnv, unsetIfEmpty } from './env-values';
export { extractApiKey } from './extract-api-key';
export { interpolateEnv } from './interpolate-env';
export { loadModelRouting, loadRoutingConfig, parseModelRouting, parseRoutingConfig } from './load-routing-config';
export { type EnabledProvider, ModelCatalog, type RouteChain } from './model-catalog';
export { loadPlatformEnv, type PlatformEnv, parseEnv } from './platform-env';
export { resolvePromptsDir } from './prompts-dir';
export { resolveConfigPath } from './resolve-config-path';
export {
  type ApiKeyConfig,
  type ModelConfig,
  type ModelPrice,
  type ModelRouting,
  modelRoutingSchema,
  type ProviderConfig,
  type RoutingConfig,
  routingConfigSchema,
} from './routing-config-schema';
