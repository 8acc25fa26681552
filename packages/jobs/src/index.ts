export { createRedis, type RedisConnectionOptions, type Redis } from './redis-connection';
export { encodeReply, decodeReply, type ReplyMessage } from './reply-message';
export { ReplyListener, type ReplyRecovery } from './reply-listener';
export { LlmJobProducer, type EnqueueOptions } from './llm-job-producer';
export { createLlmJobHandlers, type LlmJobHandlers, type LlmJobProcessorDeps } from './llm-job-processor';
export { LlmWorkerHost, type LlmWorkerHostOptions, type ProviderQueueLimit, retryDelay } from './llm-worker-host';
export { buildRejectedRecord, buildUsageRecord, type RejectedRequest, type UsageFacts } from './build-usage-record';
export { ChatJobSubmitter, type SubmitChatJob } from './chat-job-submitter';
export { CircuitBreaker, type CircuitSettings, type CircuitState } from './circuit-breaker';
