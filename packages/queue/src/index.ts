export { JobCancellations } from './cancellations/job-cancellations';
// Named in @switchyard/contracts with every other Redis key; kept here while async-jobs imports them from this package.
export { CallerPresence, QUEUED_LONG_MS } from './presence/caller-presence';
export { type RunningWorker, runWorkerProcess } from './process/run-worker-process';
export { coalesceWrites, createRedis, type Redis, type RedisConnectionOptions } from './redis/redis-connection';
export { defineScript, runScript } from './redis/run-script';
export { ReplyListener, type ReplyRecovery, type StreamSink } from './reply/reply-listener';
export { decodeReply, encodeReply, type ReplyMessage, type StreamPart } from './reply/reply-message';
export { SSE_DONE, StreamPublisher, sseEvent } from './reply/stream-publisher';
export { type QueueCounts, QueueStats } from './stats/queue-stats';
export { buildJobPayload } from './submit/build-job-payload';
export { ChatJobSubmitter, type SubmitChatJob, type SubmittedStream, toJobError } from './submit/chat-job-submitter';
export { type EnqueueOptions, LlmJobProducer } from './submit/llm-job-producer';
export { queueFailure } from './submit/queue-failure';
export { PeriodicRound } from './timing/periodic-round';
export { unixSeconds } from './timing/unix-seconds';
export { withTimeout } from './timing/with-timeout';
export { UsageStream, type UsageStreamOptions } from './usage-stream/usage-stream';
