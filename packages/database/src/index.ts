export type { DataSource } from 'typeorm';
export { BatchRepository, type BatchRow, type BatchRowStatus } from './batches/batch-repository';
export { ModelBenchmarkRepository, type ModelBenchmarkRunRow } from './benchmarks/model-benchmark-repository';
export { createDataSource } from './connection/create-data-source';
export { describeDatabaseError, isDatabaseUnavailable } from './connection/describe-database-error';
export { ensureDatabase } from './connection/ensure-database';
export { runMigrations } from './connection/run-migrations';
export { FeedbackRepository, type FeedbackRow, type NewFeedback } from './feedback/feedback-repository';
export { FileEntity } from './files/file.entity';
export { type FileListOptions, type FilePage, FileRepository, type NewFile, newFileId } from './files/file-repository';
export type { StoredFile, StoredFileRow } from './files/stored-file';
export { MIGRATIONS } from './migrations/index';
export { type ApiKeyRecord, ApiKeyStore, hashApiKey, type KeyLimits, type TenantRecord } from './tenants/api-key-store';
export {
  buildCacheHitRecord,
  buildDroppedRecord,
  buildRejectedRecord,
  buildUsageRecord,
  type CacheHit,
  type RejectedRequest,
  type UsageFacts,
} from './usage/build-usage-record';
export { LATENCY_BUCKETS, latencyBucket, latencyBucketBounds } from './usage/latency-buckets';
export { LlmRequestEntity } from './usage/llm-request.entity';
export type { LlmRequestRecord, RequestStatus } from './usage/llm-request-record';
export { PromptStatsQueries, type PromptVersionTotals } from './usage/prompt-stats-queries';
export { type RequestFilter, type RequestRow, type TenantScope, USAGE_GROUPS, UsageQueries, type UsageTotals } from './usage/usage-queries';
export { isDataError, UsageRecorder, type UsageRecorderOptions, type UsageSink } from './usage/usage-recorder';
export { UsageRepository } from './usage/usage-repository';
export {
  OTHER_GROUP,
  type Series,
  type SeriesGroup,
  type SeriesInterval,
  type SeriesPoint,
  type SeriesQuery,
  UsageSeriesQueries,
} from './usage/usage-series-queries';
