export { BackendHealth } from './provider-health/backend-health';
export { createLlmJobHandlers, type LlmJobHandlers, type LlmJobProcessorDeps } from './processing/llm-job-processor';
export { LlmWorkerHost, type LlmWorkerHostOptions, type ProviderQueueLimit } from './host/llm-worker-host';
export { retryDelay } from './processing/retry-backoff';
export { CircuitBreaker, type CircuitSettings, type CircuitState } from './provider-health/circuit-breaker';
export { startLlmWorker, type StartLlmWorkerOptions } from './host/start-llm-worker';
export { ModelInventoryPublisher, readModelInventories, type ProviderInventory } from './inventory/model-inventory';
export { ProviderBudget, type BudgetLimits } from './provider-health/provider-budget';
export { WorkerMetrics, type JobRunOutcome } from './host/worker-metrics';
