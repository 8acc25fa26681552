export { AsyncJobs, asyncJobFrom, newAsyncJobId, type AsyncJobRouting, type AsyncJobsOptions, type AsyncJobPage, type SubmitAsyncJob, type WebhookSink } from './jobs/async-jobs';
export { asyncJobView, jobEndedEvent, type JobFacts } from './jobs/async-job-view';
export { BATCH_PRIORITY, BatchRunner, batchView, type BatchFiles } from './batches/batch-runner';
