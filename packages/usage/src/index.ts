export { REQUEST_STATUSES, type LlmRequestRecord, type RequestStatus } from './llm-request-record';
export { LlmRequestEntity } from './llm-request.entity';
export { USAGE_MIGRATIONS } from './migrations';
export { createUsageDataSource } from './usage-data-source';
export { UsageRepository } from './usage-repository';
export { UsageRecorder, type UsageRecorderOptions } from './usage-recorder';
export { ensureDatabase } from './ensure-database';
export { runMigrations } from './run-migrations';
export type { DataSource } from 'typeorm';
