import type { Job, Queue } from 'bullmq';

/**
 * One line per delivery attempt, kept in the job's BullMQ log so a dead
 * letter explains itself: what the receiver answered each time, and when.
 * Never the body, the secret or the full URL.
 */
export interface AttemptRecord {
  kind: 'attempt';
  attempt: number;
  at: number;
  durationMs: number;
  /** Host (and port) of the hop that answered or failed. */
  host: string;
  status?: number;
  error?: string;
  /** What came of it: delivered, tried again in `retryInMs`, or given up (dead letter). */
  next: 'delivered' | 'retry' | 'dead';
  retryInMs?: number;
}

/** An operator sent a dead letter again. */
export interface RedeliveryRecord {
  kind: 'redelivery';
  at: number;
}

export type DeliveryLogEntry = AttemptRecord | RedeliveryRecord;

export async function appendDeliveryLog(job: Pick<Job, 'log'>, entry: DeliveryLogEntry): Promise<void> {
  await job.log(JSON.stringify(entry));
}

export async function readDeliveryLog(queue: Queue, jobId: string): Promise<DeliveryLogEntry[]> {
  const { logs } = await queue.getJobLogs(jobId, 0, -1, true);
  return logs.flatMap((line) => {
    try {
      return [JSON.parse(line) as DeliveryLogEntry];
    } catch {
      return [];
    }
  });
}
