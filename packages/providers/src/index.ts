export type { GenerateParams, ProviderAdapter, ProviderCapabilities } from './provider-adapter';
export { createProviderAdapter, type ProviderSettings } from './create-provider-adapter';
export { OpenAIAdapter } from './openai/openai-adapter';
export { mapOpenAIError } from './openai/map-openai-error';
export { OPENAI_DEFAULT_BASE_URL, type OpenAIAdapterSettings } from './openai/openai-config';
export { parseRetryAfter } from './parse-retry-after';
export { createNodeHttpFetch, type NodeHttpFetchOptions } from './http/node-http-fetch';
