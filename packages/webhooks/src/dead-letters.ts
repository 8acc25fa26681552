import type { WebhookDelivery, WebhookEventType } from '@switchyard/contracts';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { type AttemptRecord, appendDeliveryLog, readDeliveryLog } from './attempt-log';
import type { WebhookQueue } from './webhook-queue';

/**
 * Dead letters are the webhook queue's failed jobs: events whose retries ran
 * out or that could never be sent. They are read per tenant, never with the
 * signing secret or the body.
 */
export interface DeadLetter {
  eventId: string;
  /** The async job the event is about. */
  jobId: string;
  type: WebhookEventType;
  url: string;
  createdAt: number;
  failedAt: number;
  attempts: number;
  lastError: string;
  /** Every attempt, oldest first, as the dispatcher recorded it. */
  history: AttemptRecord[];
}

export interface DeadLetterPage {
  items: DeadLetter[];
  /** Pass back to read on; absent when the end was reached. */
  nextCursor?: string;
}

export interface ListDeadLettersOptions {
  tenant: string;
  limit?: number;
  cursor?: string;
}

export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
  constructor() {
    super('the cursor was not made by listDeadLetters');
  }
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;
const BATCH = 100;
// The failed set holds every tenant's dead letters; one call reads at most this many before handing back a cursor.
const SCAN_BUDGET = 2_000;

/** Where to read on: the last failed-set entry seen, by score and id, so inserts at the head do not shift the next page. */
interface Position {
  score: number;
  id: string;
}

function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([position.score, position.id])).toString('base64url');
}

function decodeCursor(cursor: string): Position {
  try {
    const [score, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof score === 'number' && typeof id === 'string') return { score, id };
  } catch {
    // Falls through to the error below.
  }
  throw new InvalidCursorError();
}

/**
 * The queue's ioredis connection. BullMQ's client interface has no ZREVRANK
 * or ZREVRANGEBYSCORE, but on the Redis backend it wraps the ioredis instance
 * the queue was opened with and passes other commands through to it.
 */
async function redisOf(queue: WebhookQueue): Promise<Redis> {
  const client = (await queue.getBackend().client) as unknown as Partial<Redis>;
  if (typeof client.zrevrank !== 'function' || typeof client.zrevrangebyscore !== 'function') {
    throw new Error('dead letters need the webhook queue on an ioredis connection');
  }
  return client as Redis;
}

/** The next `count` entries after `position`, newest first, as [id, score] pairs. */
async function readFailedSet(queue: WebhookQueue, position: Position | undefined, count: number): Promise<[string, number][]> {
  const redis = await redisOf(queue);
  const key = queue.keys.failed as string;
  let raw: string[];
  if (position === undefined) {
    raw = await redis.zrevrange(key, 0, count - 1, 'WITHSCORES');
  } else {
    const rank = await redis.zrevrank(key, position.id);
    raw =
      rank === null
        ? // The last entry seen was redelivered or expired meanwhile: go on from its score instead.
          await redis.zrevrangebyscore(key, `(${position.score}`, '-inf', 'WITHSCORES', 'LIMIT', 0, count)
        : await redis.zrevrange(key, rank + 1, rank + count, 'WITHSCORES');
  }
  const entries: [string, number][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) entries.push([raw[i] as string, Number(raw[i + 1])]);
  return entries;
}

async function toDeadLetter(queue: WebhookQueue, job: Job<WebhookDelivery>): Promise<DeadLetter> {
  const { data } = job;
  const history = (await readDeliveryLog(queue, job.id as string)).filter((entry): entry is AttemptRecord => entry.kind === 'attempt');
  return {
    eventId: data.eventId,
    jobId: data.jobId,
    type: data.type,
    url: data.url,
    createdAt: data.createdAt,
    failedAt: job.finishedOn ?? 0,
    attempts: job.attemptsMade,
    lastError: job.failedReason,
    history,
  };
}

/** A tenant's dead letters, newest first. A page may hold fewer than `limit` while `nextCursor` is set. */
export async function listDeadLetters(queue: WebhookQueue, { tenant, limit = DEFAULT_LIMIT, cursor }: ListDeadLettersOptions): Promise<DeadLetterPage> {
  const wanted = Math.min(Math.max(1, Math.floor(limit)), MAX_LIMIT);
  let position = cursor === undefined ? undefined : decodeCursor(cursor);
  const items: DeadLetter[] = [];
  let scanned = 0;
  while (scanned < SCAN_BUDGET) {
    const entries = await readFailedSet(queue, position, BATCH);
    if (entries.length === 0) return { items };
    const jobs = await Promise.all(entries.map(([id]) => queue.getJob(id)));
    for (const [index, [id, score]] of entries.entries()) {
      position = { score, id };
      scanned++;
      const job = jobs[index];
      if (job === undefined || job.data?.tenant !== tenant) continue;
      items.push(await toDeadLetter(queue, job));
      if (items.length === wanted) return { items, nextCursor: encodeCursor(position) };
    }
  }
  return position === undefined ? { items } : { items, nextCursor: encodeCursor(position) };
}

export type RedeliverResult = { status: 'requeued'; eventId: string } | { status: 'not_found' } | { status: 'not_dead'; state: string };

/**
 * Sends a dead letter again, as the same event (same `webhook-id`). It gets
 * one attempt at least; further retries only while its retry schedule and
 * maximum age leave room. Another tenant's event reads as not found.
 */
export async function redeliver(queue: WebhookQueue, eventId: string, tenant: string): Promise<RedeliverResult> {
  const job = await queue.getJob(eventId);
  if (job === undefined || job.data?.tenant !== tenant) return { status: 'not_found' };
  const state = await job.getState();
  if (state !== 'failed') return { status: 'not_dead', state };
  try {
    await job.retry('failed');
  } catch {
    // Another redelivery or BullMQ's retention got there first.
    return { status: 'not_dead', state: await job.getState() };
  }
  await appendDeliveryLog(job, { kind: 'redelivery', at: Date.now() }).catch(() => undefined);
  return { status: 'requeued', eventId };
}
