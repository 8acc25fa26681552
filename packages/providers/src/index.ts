export { createProviderAdapter, type ProviderSettings, VLLM_DEFAULT_BASE_URL } from './create-provider-adapter';
export { EmbeddedAdapter, type EmbeddedState } from './embedded/embedded-adapter';
export {
  defaultModelsDir,
  defaultThreads,
  type EmbeddedAdapterSettings,
  type EmbeddedGpu,
  type EmbeddedLog,
} from './embedded/embedded-settings';
export type { EmbeddedModelState } from './embedded/loaded-model';
export { type DownloadedModel, type DownloadProgress, downloadModel, sha256OfFile, verifyModelFile } from './embedded/model-download';
export { type ModelReference, parseModelReference } from './embedded/model-reference';
export { GeminiAdapter, type GeminiAdapterSettings } from './gemini/gemini-adapter';
export { toGeminiSchema } from './gemini/to-gemini-schema';
export { GROQ_DEFAULT_BASE_URL, GroqAdapter, type GroqAdapterSettings } from './groq/groq-adapter';
export { createNodeHttpFetch, type NodeHttpFetchOptions } from './http/node-http-fetch';
export { LLAMACPP_DEFAULT_HOST, LlamaCppAdapter, type LlamaCppAdapterSettings, type LlamaCppHealth } from './llamacpp/llamacpp-adapter';
export { mapSdkError, type SdkErrorClasses } from './map-sdk-error';
export { OLLAMA_DEFAULT_HOST, OllamaAdapter, type OllamaAdapterSettings } from './ollama/ollama-adapter';
export { OpenAIAdapter } from './openai/openai-adapter';
export { OPENAI_DEFAULT_BASE_URL, type OpenAIAdapterSettings } from './openai/openai-config';
export type { GenerateParams, ProviderAdapter, ProviderCapabilities } from './provider-adapter';
export { TGI_DEFAULT_HOST, TGI_MODEL_ID, TgiAdapter, type TgiAdapterSettings } from './tgi/tgi-adapter';
export { chatMLPrompt, type TgiGenerateRequest, toTgiGenerateRequest } from './tgi/tgi-generate-request';
export { GEMINI_DEFAULT_BASE_URL, upstreamBaseUrl } from './upstream-base-url';
