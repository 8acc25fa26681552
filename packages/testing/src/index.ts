export { freePort } from './free-port';
export { encodeGguf, type GgufArray, type GgufTensor, type GgufTyped, type GgufValue, writeGguf } from './gguf/gguf-writer';
export { TINY_LLAMA_CHAT_TEMPLATE, TINY_LLAMA_WORDS, type TinyLlamaOptions, writeTinyLlamaGguf } from './gguf/tiny-llama-gguf';
export { geminiStatusName } from './mock-upstream/gemini-protocol';
export {
  LLAMACPP_LOADING_BODY,
  LLAMACPP_MOCK_MODEL_BYTES,
  LLAMACPP_MOCK_N_CTX,
  LLAMACPP_MOCK_SLOTS,
} from './mock-upstream/llamacpp-protocol';
export {
  MOCK_MODEL_ID,
  type MockBehaviour,
  mockModelId,
  type ParsedModel,
  parseModelDirectives,
} from './mock-upstream/mock-behaviour';
export {
  type MockUpstream,
  type RecordedRequest,
  type StartMockUpstreamOptions,
  startMockUpstream,
} from './mock-upstream/mock-upstream-server';
export { OLLAMA_MOCK_MODEL, OLLAMA_MOCK_VERSION, ollamaModelName } from './mock-upstream/ollama-protocol';
export { GROQ_PATH_PREFIX } from './mock-upstream/openai-protocol';
export {
  type ChatMessageLike,
  MOCK_TOKENS_PER_MESSAGE,
  mockPromptTokenCount,
  mockTokenCount,
} from './mock-upstream/openai-wire';
export { NOT_JSON_PROSE, SCHEMA_BREAKS, type SchemaBreak, TRAILING_PROSE } from './mock-upstream/schema-break';
export { sampleFromSchema } from './mock-upstream/schema-sample';
export { JSON_SCHEMA_MARKER, type StructuredMode } from './mock-upstream/structured-ask';
export {
  messagesOfPrompt,
  TGI_MOCK_MAX_INPUT_TOKENS,
  TGI_MOCK_MAX_TOTAL_TOKENS,
  TGI_MOCK_VERSION,
} from './mock-upstream/tgi-protocol';
export { Scrape } from './scrape-metrics';
export { type ReceivedWebhook, type ReceiverAnswer, startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';
