/**
 * Switchyard's own span and metric attributes, the `switchyard.*` namespace,
 * named once; the OpenTelemetry ones come from `@opentelemetry/semantic-conventions`.
 */
export const ATTR_SWITCHYARD_JOB_ID = 'switchyard.job_id';
/** Jobs a direct-client enqueue span put on the queue. */
export const ATTR_SWITCHYARD_JOBS = 'switchyard.jobs';
/** The routing file's name of the provider a call went to (`gen_ai.provider.name` says its kind). */
export const ATTR_SWITCHYARD_PROVIDER = 'switchyard.provider';
/** A queue as operators know it: `llm:<provider>`. */
export const ATTR_SWITCHYARD_QUEUE_NAME = 'switchyard.queue.name';
/** On a queue-wait span: from the job's enqueue on this queue to a worker taking it. */
export const ATTR_SWITCHYARD_QUEUE_WAIT_MS = 'switchyard.queue.wait_ms';
/** On a job span: from the request's first enqueue (its first route's) to this run's start. */
export const ATTR_SWITCHYARD_REQUEST_QUEUED_MS = 'switchyard.queue_wait_ms';
export const ATTR_SWITCHYARD_STREAM = 'switchyard.stream';
export const ATTR_SWITCHYARD_WEBHOOK_EVENT_ID = 'switchyard.webhook.event_id';
