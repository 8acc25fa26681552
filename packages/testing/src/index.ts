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
