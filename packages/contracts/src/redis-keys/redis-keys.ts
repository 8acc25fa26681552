import { DEFAULT_KEY_PREFIX } from './key-prefix';

/*
 * Every Redis key and channel the platform uses, named from the deployment's
 * key prefix (`SWITCHYARD_KEY_PREFIX`, checked by `keyPrefixProblem`). Each
 * name starts with `<prefix>:`, so a deployment's keys are found with
 * `SCAN MATCH <prefix>:*`, and with a hash-tag prefix (`{sy}`) they all hash
 * to one Redis Cluster slot. Each comment says what the key holds and how
 * long it stays.
 */

// ---- Queues (BullMQ makes the keys under these prefixes) ----

/**
 * BullMQ's prefix of the provider queues (it forbids ':' in queue names, so
 * `llm` lives here): provider `openai`'s keys are `<prefix>:llm:openai:*`,
 * which operators see as the queue `llm:openai`. Sync jobs are deleted once
 * answered (failed ones kept a week); async jobs stay `ASYNC_JOB_RETENTION_MS`;
 * each queue's event stream keeps its last 10,000 events.
 */
export function llmQueuePrefix(prefix: string = DEFAULT_KEY_PREFIX): string {
  return `${prefix}:llm`;
}

/** The queue of one provider: its limits then hold across every worker consuming it. */
export function llmQueueName(provider: string): string {
  return provider;
}

/** The base of one provider queue's BullMQ keys (`:wait`, `:prioritized`, `:<jobId>`, …): what queue counts and KEDA read. */
export function llmQueueKey(prefix: string, provider: string): string {
  return `${llmQueuePrefix(prefix)}:${llmQueueName(provider)}`;
}

/** The webhook dispatcher's queue, under `webhookQueuePrefix`. */
export const WEBHOOK_QUEUE = 'webhooks';

/** BullMQ's prefix of the webhook queue: events to deliver; a delivered one stays `WEBHOOK_KEEP_DELIVERED_MS` (15 min), a dead letter a week. */
export function webhookQueuePrefix(prefix: string): string {
  return `${prefix}:wh`;
}

// ---- Pub/sub channels (they hold nothing) ----

/** One gateway instance's replies: workers publish each answer (and stream part) of its sync jobs here. */
export function replyChannel(prefix: string, instanceId: string): string {
  return `${prefix}:reply:${instanceId}`;
}

/** Every worker listens here for requests whose caller went away; the message is the request's job id. */
export function cancelChannel(prefix: string): string {
  return `${prefix}:cancel`;
}

/** Gateways forget a cached API key when its hash is published here (revoked or changed). */
export function keysChangedChannel(prefix: string): string {
  return `${prefix}:keys:changed`;
}

// ---- Requests and jobs ----

/** A reply no gateway was subscribed for (its subscription was reconnecting), kept 5 min for it to read. */
export function unheardReplyKey(prefix: string, jobId: string): string {
  return `${prefix}:reply-unheard:${jobId}`;
}

/** Usage rows on their way to PostgreSQL (a stream with one consumer group): each deleted once written, at most 100,000 kept. */
export function usageStreamKey(prefix: string): string {
  return `${prefix}:usage:rows`;
}

/** A tenant's async jobs by creation time (sorted set): trimmed past `ASYNC_JOB_RETENTION_MS`, gone that long after its newest job. */
export function asyncJobIndexKey(prefix: string, tenant: string): string {
  return `${prefix}:ajobs:${tenant}`;
}

/** An `Idempotency-Key`'s claim (`<jobId> <body digest>`), by the SHA-256 of the key: 24 h. */
export function idempotencyKey(prefix: string, tenant: string, keyDigest: string): string {
  return `${prefix}:idem:${tenant}:${keyDigest}`;
}

/** An async job's cancel, written down (hash: who cancelled, and its final view): the job's retention. */
export function cancelRecordKey(prefix: string, jobId: string): string {
  return `${prefix}:ajob-cancel:${jobId}`;
}

/** A batch's counts (hash: total, completed, failed, tenant), its lines' outcomes (hash) and its job ids (list): twice its 24 h window, deleted when it ends. */
export function batchKeys(prefix: string, batchId: string): { progress: string; lines: string; jobs: string } {
  const base = `${prefix}:batch:${batchId}`;
  return { progress: base, lines: `${base}:lines`, jobs: `${base}:jobs` };
}

/** Set when a batch is cancelled or expires, so a line of it that starts afterwards ends cancelled: 48 h. */
export function batchStoppedKey(prefix: string, batchId: string): string {
  return `${batchKeys(prefix, batchId).progress}:stopped`;
}

// ---- Sessions ----

/**
 * A session's live state and cached window: `state` (hash: tenant, status,
 * settings, the window's first turn, the next ticket and the last turn
 * served, the running turn and its lease), `turns` (list of the window's
 * turns as JSON, oldest first) and `skipped` (set of tickets that ended
 * without a turn before their predecessors did). The session id is a hash
 * tag of its own, so the turn scripts' keys share one slot under a plain
 * prefix. Kept the session's idle TTL plus an hour after its last turn;
 * PostgreSQL holds the durable copy, and a missing state is rebuilt from it.
 */
export function sessionKeys(prefix: string, sessionId: string): { state: string; turns: string; skipped: string } {
  const base = `${prefix}:session:{${sessionId}}`;
  return { state: base, turns: `${base}:turns`, skipped: `${base}:skipped` };
}

/**
 * Session turns on their way to PostgreSQL (a stream; each entry the turn's
 * JSON, its session and window start): appended by the script that commits
 * a turn, written in batches and deleted once written. At most ~1,000,000.
 */
export function sessionTurnStreamKey(prefix: string): string {
  return `${prefix}:session-turns`;
}

// ---- Admission ----

/** A cached answer (hash: body, provider, model, usage, hits) by the SHA-256 of tenant, route and request: the routing file's `cacheTtlSeconds`. */
export function responseCacheKey(prefix: string, digest: string): string {
  return `${prefix}:cache:${digest}`;
}

/** The counters of an API key's limits: requests and tokens a minute, requests a day, spend a day and a month. */
export type KeyLimitCounter = 'rpm' | 'rpd' | 'tpm' | 'usd-day' | 'usd-month';

/**
 * One API key's counter for one clock-aligned window (`window`: the minute,
 * day or month it counts), kept until a second after the window ends. The
 * key id is a hash tag of its own, so under a plain prefix a key's counters
 * still share the slot the limiter's script needs.
 */
export function keyLimitKey(prefix: string, keyId: string, counter: KeyLimitCounter, window: string | number): string {
  return `${prefix}:limits:{${keyId}}:${counter}:${window}`;
}

// ---- Workers ----

/** A provider's token budget for one minute (`tpm`, kept 2 min) or request budget for one UTC day (`rpd`, kept 48 h). */
export function providerBudgetKey(prefix: string, provider: string, budget: 'tpm' | 'rpd', window: string | number): string {
  return `${prefix}:budget:${provider}:${budget}:${window}`;
}

/**
 * A route's circuit, shared by every worker: failures within the window
 * (kept `windowMs`), open (`coolDownMs`), half-open (ten cool-downs) and the
 * one probe call allowed after a cool-down (`coolDownMs`).
 */
export function circuitKeys(prefix: string, provider: string, model: string): { failures: string; open: string; halfOpen: string; probe: string } {
  const base = `${prefix}:circuit:${provider}:${model}`;
  return { failures: `${base}:failures`, open: `${base}:open`, halfOpen: `${base}:half-open`, probe: `${base}:probe` };
}

/** The models a provider's backend last listed (JSON), for the gateway's `/v1/models`: three publishing rounds (90 s). */
export function modelInventoryKey(prefix: string, provider: string): string {
  return `${prefix}:inventory:${provider}`;
}

/** A local provider's resources (loaded models, slots, GPU) its worker last gathered (JSON), for `GET /admin/local`. */
export function localResourcesKey(prefix: string, provider: string): string {
  return `${prefix}:local:${provider}`;
}

/** The channel a local provider's workers take load/unload commands on. */
export function localControlChannel(prefix: string, provider: string): string {
  return `${prefix}:local-control:${provider}`;
}

/** Where a worker leaves its answer to one load/unload command, for the gateway to read. */
export function localControlReplyKey(prefix: string, commandId: string): string {
  return `${prefix}:local-reply:${commandId}`;
}

// ---- All of them ----

/** The `SCAN`/`KEYS` pattern of every key of a deployment. */
export function deploymentKeyPattern(prefix: string): string {
  return `${prefix}:*`;
}
