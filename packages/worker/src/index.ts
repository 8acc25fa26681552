export { LlmWorkerHost, type LlmWorkerHostOptions, type ProviderQueueLimit } from './host/llm-worker-host';
export { type StartLlmWorkerOptions, startLlmWorker } from './host/start-llm-worker';
export { type JobRunOutcome, WorkerMetrics } from './host/worker-metrics';
export { ModelInventoryPublisher, type ProviderInventory, readModelInventories } from './inventory/model-inventory';
export { createLlmJobHandlers, type LlmJobHandlers, type LlmJobProcessorDeps } from './processing/llm-job-processor';
export { retryDelay } from './processing/retry-backoff';
export { BackendHealth } from './provider-health/backend-health';
export { CircuitBreaker, type CircuitSettings, type CircuitState } from './provider-health/circuit-breaker';
export { type BudgetLimits, ProviderBudget } from './provider-health/provider-budget';
