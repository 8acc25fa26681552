export { createRedis, coalesceWrites, type RedisConnectionOptions, type Redis } from './redis/redis-connection';
export { encodeReply, decodeReply, type ReplyMessage, type StreamPart } from './reply/reply-message';
export { ReplyListener, type ReplyRecovery, type StreamSink } from './reply/reply-listener';
export { JobCancellations } from './cancellations/job-cancellations';
// Named in @switchyard/contracts with every other Redis key; kept here while async-jobs imports them from this package.
export { CallerPresence, QUEUED_LONG_MS } from './presence/caller-presence';
export { LlmJobProducer, type EnqueueOptions } from './submit/llm-job-producer';
export { ChatJobSubmitter, toJobError, type SubmitChatJob, type SubmittedStream } from './submit/chat-job-submitter';
export { runWorkerProcess, type RunningWorker } from './process/run-worker-process';
export { withTimeout } from './timing/with-timeout';
export { unixSeconds } from './timing/unix-seconds';
export { PeriodicRound } from './timing/periodic-round';
export { QueueStats, type QueueCounts } from './stats/queue-stats';
export { UsageStream, type UsageStreamOptions } from './usage-stream/usage-stream';
export { SSE_DONE, sseEvent, StreamPublisher } from './reply/stream-publisher';
export { runScript, defineScript } from './redis/run-script';
export { buildJobPayload } from './submit/build-job-payload';
export { queueFailure } from './submit/queue-failure';
