export {
  startMockUpstream,
  type MockUpstream,
  type RecordedRequest,
  type StartMockUpstreamOptions,
} from './mock-upstream/mock-upstream-server';
export {
  MOCK_MODEL_ID,
  mockModelId,
  parseModelDirectives,
  type MockBehaviour,
  type ParsedModel,
} from './mock-upstream/mock-behaviour';
export {
  MOCK_TOKENS_PER_MESSAGE,
  mockPromptTokenCount,
  mockTokenCount,
  type ChatMessageLike,
} from './mock-upstream/openai-wire';
export { GROQ_PATH_PREFIX } from './mock-upstream/openai-protocol';
export { OLLAMA_MOCK_MODEL, OLLAMA_MOCK_VERSION, ollamaModelName } from './mock-upstream/ollama-protocol';
export { geminiStatusName } from './mock-upstream/gemini-protocol';
export {
  LLAMACPP_LOADING_BODY,
  LLAMACPP_MOCK_N_CTX,
  LLAMACPP_MOCK_SLOTS,
} from './mock-upstream/llamacpp-protocol';
export {
  messagesOfPrompt,
  TGI_MOCK_MAX_INPUT_TOKENS,
  TGI_MOCK_MAX_TOTAL_TOKENS,
  TGI_MOCK_VERSION,
} from './mock-upstream/tgi-protocol';
export { type ReceivedWebhook, type ReceiverAnswer, startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';
export { Scrape } from './scrape-metrics';
