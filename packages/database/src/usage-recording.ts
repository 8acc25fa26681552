// What a process needs to record usage rows through a sink, without TypeORM:
// the package's index loads every repository and so TypeORM (some 300 modules,
// 25 MB resident), which a process that only queues usage (the webhook
// dispatcher, through @switchyard/queue) never uses.
export { describeDatabaseError, isDatabaseUnavailable } from './connection/describe-database-error';
export type { LlmRequestRecord, RequestStatus } from './usage/llm-request-record';
export { isDataError, UsageRecorder, type UsageRecorderOptions, type UsageSink } from './usage/usage-recorder';
