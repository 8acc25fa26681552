/**
 * When a failed delivery is tried again. The default follows the schedule
 * Svix publishes (5 s, 5 min, 30 min, 2 h, 5 h, 10 h): seven attempts over
 * about 17.5 hours, so a receiver down for most of a day still gets the event,
 * and no retry is ever scheduled past the event's maximum age (24 h).
 */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000];
export const DEFAULT_MAX_EVENT_AGE_MS = 24 * 3600 * 1000;

export interface RetrySchedule {
  /** Wait before retry n+1 after attempt n failed; its length + 1 is the attempts an event gets. */
  delaysMs: readonly number[];
  /** No retry is scheduled to run later than this after the event was created. */
  maxAgeMs: number;
  /** Each delay is spread by up to this fraction either way, so a receiver that comes back is not hit by every retry at once. */
  jitter?: number;
}

export interface RetryContext {
  /** Attempts made so far, the one that just failed included. */
  attemptsMade: number;
  createdAt: number;
  now: number;
  /** The receiver's Retry-After, in ms; a retry never comes sooner. */
  retryAfterMs?: number;
}

const DEFAULT_JITTER = 0.2;

/** Milliseconds until the next attempt, or undefined when the event has had its last. */
export function nextRetryDelay(schedule: RetrySchedule, context: RetryContext): number | undefined {
  const base = schedule.delaysMs[context.attemptsMade - 1];
  if (base === undefined) return undefined;
  const jitter = schedule.jitter ?? DEFAULT_JITTER;
  const spread = base * (1 - jitter + Math.random() * 2 * jitter);
  const delay = Math.round(Math.max(spread, context.retryAfterMs ?? 0));
  if (context.now + delay > context.createdAt + schedule.maxAgeMs) return undefined;
  return delay;
}
